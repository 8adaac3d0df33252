"""A client's guardian thresholds: its economics and how much evidence each rule needs."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from kiki.core.errors import InvalidInputError

# One-sided 95 %: the margin rule pauses only when even the favourable end of the conversion
# count's interval leaves the CPA above what the economics allow.
CONFIDENCE_Z = 1.645
# After a CVR rollback the bid controller leaves the campaign alone this long, so that it does
# not walk the bid straight back to where the drop happened.
ROLLBACK_HOLD_S = 86_400.0


@dataclass(frozen=True, slots=True)
class GuardianThresholds:
    """Defaults are the settings' (``KIKI_GUARDIAN_*``); a client's stored values override them.

    ``gross_margin`` is the share of revenue left after the cost of goods; ``margin_floor`` the
    share of the customer's LTV the client insists on keeping after paying for the customer.
    The CPA a campaign may have is LTV x (gross_margin - margin_floor): break-even at floor 0.
    """

    gross_margin: float = 1.0
    margin_floor: float = 0.0
    min_conversions: float = 20.0
    min_price_impressions: int = 20
    confirm_ticks: int = 2
    cvr_drop: float = 0.30
    cvr_cusum_h: float = 5.0
    overrun_ratio: float = 1.10
    unreadable_strikes: int = 3
    bid_step: float = 0.10

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not math.isfinite(value):
                raise InvalidInputError(item.name, "must be a finite number")
        _between("gross_margin", self.gross_margin, 0.0, 1.0, low_open=True)
        _between("margin_floor", self.margin_floor, 0.0, 1.0, high_open=True)
        if self.margin_floor >= self.gross_margin:
            raise InvalidInputError("margin_floor", "must be below gross_margin")
        _between("min_conversions", self.min_conversions, 1.0, 1e6)
        _between("min_price_impressions", self.min_price_impressions, 1, 10**9)
        _between("confirm_ticks", self.confirm_ticks, 1, 100)
        _between("cvr_drop", self.cvr_drop, 0.0, 1.0, low_open=True, high_open=True)
        _between("cvr_cusum_h", self.cvr_cusum_h, 0.0, 100.0, low_open=True)
        _between("overrun_ratio", self.overrun_ratio, 1.0, 100.0)
        _between("unreadable_strikes", self.unreadable_strikes, 1, 100)
        _between("bid_step", self.bid_step, 0.0, 1.0, low_open=True, high_open=True)
        for name in ("min_price_impressions", "confirm_ticks", "unreadable_strikes"):
            if not isinstance(getattr(self, name), int):
                raise InvalidInputError(name, "must be a whole number")


THRESHOLD_NAMES = tuple(item.name for item in fields(GuardianThresholds))


def _between(
    name: str,
    value: float,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise InvalidInputError(name, f"must be in {left}{low:g}, {high:g}{right}")
