"""Rule 3's bid controller: each tick a campaign's bid moves toward what its economics allow,
by at most ``bid_step`` (10 %) of the bid.

TARGET_CPA aims at the allowed CPA; MAX_CPC at the allowed CPA x the funnel's conversion rate
(what a click is worth). Automatic bidding has no bid to move. Moves under 1 % are not made.
"""

from __future__ import annotations

from kiki.campaigns.domain import Bid, BidStrategy
from kiki.core.money import Money

DEADBAND = 0.01


def target_bid_micros(bid: Bid, *, allowed_cpa_micros: float, cvr: float | None) -> int | None:
    if allowed_cpa_micros <= 0 or bid.amount is None:
        return None
    if bid.strategy is BidStrategy.TARGET_CPA:
        return max(1, round(allowed_cpa_micros))
    if bid.strategy is BidStrategy.MAX_CPC and cvr is not None and 0 < cvr <= 1:
        return max(1, round(allowed_cpa_micros * cvr))
    return None


def next_bid(bid: Bid, target_micros: int, *, step: float) -> Bid | None:
    """The bid one tick closer to ``target_micros``, or None when it is already close."""
    if bid.amount is None:
        return None
    current = bid.amount.micros
    if abs(target_micros - current) <= DEADBAND * current:
        return None
    low, high = current * (1 - step), current * (1 + step)
    moved = max(1, round(min(max(target_micros, low), high)))
    if moved == current:
        return None
    return Bid(bid.strategy, Money(moved))
