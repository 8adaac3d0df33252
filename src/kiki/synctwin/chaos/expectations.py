"""What MarginGuardian must do to a copy under each shock, from the copy's own economics.

Computed from the market model's figures (clearing CPM, CTR, CVR, the share a bid wins), the
client's LTV and margins, and the evidence the copy brings; not by running the guardian's rule
functions. Where the economics sit within 2 % of a rule's line, either reaction passes: the
verdict there depends on rounding, not on the guardian's worth. A guardian that paused
everything fails wherever a copy stays profitable; one that paused nothing fails wherever a
copy breaks even.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiki.campaigns.domain import Bid
from kiki.platforms.sandbox.model import bid_cpm_micros, win_share
from kiki.syncflow.domain.guardian.bids import DEADBAND, next_bid, target_bid_micros
from kiki.syncflow.domain.guardian.cvr import kl_per_click
from kiki.syncflow.domain.guardian.economics import allowed_cpa_micros
from kiki.syncflow.domain.guardian.rollback import rollback_target
from kiki.syncflow.domain.guardian.thresholds import CONFIDENCE_Z
from kiki.synctwin.chaos.copies import CampaignCopy
from kiki.synctwin.chaos.results import Expectation

MARGIN = "PAUSED:MARGIN_GUARDIAN"
OVERRUN = "PAUSED:BUDGET_OVERRUN"
CVR_PAUSE = "PAUSED:CVR_DROP"
ROLLED_BACK = "ROLLED_BACK"
NONE = "NONE"
HELD_RESUMED = "HELD_RESUMED"  # held through the outage, read again at the first tick after
HELD_RESUMED_BID = "HELD_RESUMED_BID"  # ... and the bid controller moved at that tick
TOLERANCE = 0.02
SHOCK_TICKS = 12  # the ticks of a market shock run: the most the controller moves a bid
SHOCK_CPM = 1.5
SHOCK_CVR = 0.7
RUNAWAY = 10.0
CVR_HORIZON_S = 7 * 86_400.0
DAY_S = 86_400.0
PRICE_EVIDENCE_MARGIN = 3.0  # bid campaigns: their share moves with the controller


@dataclass(frozen=True, slots=True)
class Facts:
    allowed_micros: float  # what a conversion may cost
    cpa_micros: float  # what it costs in the copy's market, before any shock
    conversions: float  # in the funnel window the copy brings
    bound_factor: float  # the favourable end of the evidence interval, as a share of the count
    evidence: bool

    def breach(self, cpa_micros: float) -> bool | None:
        """Whether the guardian must see a breach at this CPA (None: within the tolerance)."""
        if not self.evidence or self.allowed_micros <= 0:
            return False
        return _side(cpa_micros * self.bound_factor, self.allowed_micros)


def facts(copy: CampaignCopy) -> Facts:
    t, r = copy.thresholds, copy.rates
    allowed = allowed_cpa_micros(copy.ltv, gross_margin=t.gross_margin, margin_floor=t.margin_floor)
    n = copy.history.conversions
    factor = n / (n + CONFIDENCE_Z * math.sqrt(n)) if n > 0 else 0.0
    return Facts(
        allowed, r.cpm_micros / (1000.0 * r.ctr * r.cvr), n, factor, n >= t.min_conversions
    )


def share(
    copy: CampaignCopy, bid: Bid | None = None, *, cpm: float = 1.0, cvr: float = 1.0
) -> float:
    r = copy.rates
    bid = bid or copy.state.bid
    return win_share(r.cpm_micros * cpm, bid_cpm_micros(bid, ctr=r.ctr, cvr=min(1.0, r.cvr * cvr)))


def _side(value: float, line: float) -> bool | None:
    if value > line * (1 + TOLERANCE):
        return True
    if value < line * (1 - TOLERANCE):
        return False
    return None


def _accepts(*codes: str) -> frozenset[str]:
    return frozenset(codes)


def _with_pre_breach(f: Facts, accepts: frozenset[str], why: str) -> Expectation:
    """A copy already past its margin before any shock is paused by the margin rule at once."""
    pre = f.breach(f.cpa_micros)
    if pre is True:
        return Expectation(_accepts(MARGIN), "already past its margin before the shock: " + why)
    if pre is None:
        return Expectation(accepts | {MARGIN}, "on its margin line before the shock: " + why)
    if f.cpa_micros > f.allowed_micros > 0:
        # losing money, not yet provably: the evidence a run gathers may prove it any tick
        return Expectation(accepts | {MARGIN}, "past its margin, not yet provably: " + why)
    return Expectation(accepts, why)


def market_shock(copy: CampaignCopy, *, price_window_s: float, interval_s: float) -> Expectation:
    f = facts(copy)
    money = f"CPA ${f.cpa_micros / 1e6:.2f} -> ${SHOCK_CPM * f.cpa_micros / 1e6:.2f}"
    if f.allowed_micros <= 0 or not f.evidence:
        why = (
            "no LTV known: the margin rule has nothing to judge by"
            if f.allowed_micros <= 0
            else f"{f.conversions:.0f} conversions: not enough evidence to pause"
        )
        return Expectation(_accepts(NONE), why)
    allowed = f"${f.allowed_micros / 1e6:.2f} allowed"
    after = f.breach(SHOCK_CPM * f.cpa_micros)
    if after is False:
        why = f"{money} stays within {allowed}: keep running"
        if SHOCK_CPM * f.cpa_micros > f.allowed_micros:
            why = f"{money} is past {allowed}, not provably on {f.conversions:.0f} conversions"
        return _with_pre_breach(f, _accepts(NONE), why)
    needed = copy.thresholds.min_price_impressions
    path = bid_path(copy, SHOCK_TICKS)
    # a price window starts at the last reading at least its length old: up to a tick more
    low = min(_window_impressions(copy, bid, price_window_s) for bid in path)
    # ... and may still hold minutes bought before the shock, when impressions were cheaper
    high = max(_window_impressions(copy, bid, price_window_s + interval_s, cpm=1.0) for bid in path)
    seen = (low, high)
    if low >= needed and (copy.state.bid.amount is None or low >= 3 * needed):
        if after is None:
            return _with_pre_breach(f, _accepts(NONE, MARGIN), f"{money} on the line of {allowed}")
        return _with_pre_breach(f, _accepts(MARGIN), f"{money} crosses {allowed}: pause")
    if high < needed:
        return _with_pre_breach(
            f, _accepts(NONE), f"{max(seen):.0f} impressions a price window: judged on the funnel"
        )
    return _with_pre_breach(
        f,
        _accepts(NONE, MARGIN),
        f"{money} against {allowed}, {min(seen):.0f} to {max(seen):.0f} impressions a price "
        "window as the bid moves: either",
    )


def _window_impressions(
    copy: CampaignCopy, bid: Bid, window_s: float, *, cpm: float = SHOCK_CPM
) -> float:
    rate = copy.state.daily_budget.micros * share(copy, bid, cpm=cpm) / DAY_S
    return rate * window_s / (cpm * copy.rates.cpm_micros / 1000.0)


def bid_path(copy: CampaignCopy, ticks: int) -> list[Bid]:
    """The copy's bid and where the controller takes it over ``ticks`` ticks."""
    f = facts(copy)
    bid = copy.state.bid
    target = target_bid_micros(bid, allowed_cpa_micros=f.allowed_micros, cvr=copy.rates.cvr)
    path = [bid]
    for _ in range(ticks if target is not None else 0):
        moved = next_bid(path[-1], target or 1, step=copy.thresholds.bid_step)
        if moved is None:
            break
        path.append(moved)
    return path


def detection_s(copy: CampaignCopy, bid: Bid | None = None) -> float:
    """Seconds the CUSUM needs to reach its threshold after a -30 % drop (inf: never), with
    the copy's bid or ``bid``."""
    t, r = copy.thresholds, copy.rates
    p0 = r.cvr
    if not 0 < p0 < 1 or copy.history.conversions < t.min_conversions:
        return math.inf
    drift = kl_per_click(p0 * SHOCK_CVR, p0=p0, p1=p0 * (1 - t.cvr_drop))
    clicks_per_s = (
        copy.state.daily_budget.micros
        * share(copy, bid, cvr=SHOCK_CVR)
        / DAY_S
        / (r.cpm_micros / 1000.0)
        * r.ctr
    )
    if drift <= 0 or clicks_per_s <= 0:
        return math.inf
    return t.cvr_cusum_h / (drift * clicks_per_s)


def detection_range_s(copy: CampaignCopy) -> tuple[float, float]:
    """The fastest and slowest detection as the bid controller moves the bid to its target."""
    times = [detection_s(copy, bid) for bid in bid_path(copy, 100)]
    return min(times), max(times)


def conversion_drop(copy: CampaignCopy, *, step_s: float) -> Expectation:
    f = facts(copy)
    target = rollback_target(copy.changes)
    reaction = CVR_PAUSE if target is None else ROLLED_BACK
    to = (
        "pause (no earlier configuration)"
        if target is None
        else f"roll back to budget {target.daily_budget.format()}"
    )
    accepts = _accepts(reaction)
    unprofitable = f.cpa_micros / SHOCK_CVR > f.allowed_micros * (1 - TOLERANCE)
    if unprofitable:
        accepts |= {MARGIN}  # the drop breaks the margin too: a margin pause also protects
    fast, slow = detection_range_s(copy)
    if math.isinf(fast) or fast > CVR_HORIZON_S:
        quiet = _accepts(NONE) | (accepts & {MARGIN})
        if not f.evidence or fast < CVR_HORIZON_S * 1.25:
            # too few conversions to learn p0 now (the week may bring them), or just past the
            # horizon: proving it within or just after the week are both right
            quiet |= accepts
        return _with_pre_breach(f, quiet, "too few clicks to prove a drop within 7 days")
    why = f"a drop provable in {fast / 3600:.1f} h: {to}"
    if slow * 1.25 + step_s > CVR_HORIZON_S:
        return _with_pre_breach(f, accepts | {NONE}, why + " (near the 7-day horizon)")
    return _with_pre_breach(f, accepts, why)


def api_outage(copy: CampaignCopy, *, ticks_before: int) -> Expectation:
    f = facts(copy)
    bid = copy.state.bid
    t = copy.thresholds
    target = target_bid_micros(bid, allowed_cpa_micros=f.allowed_micros, cvr=copy.rates.cvr)
    if target is None:
        return _with_pre_breach(
            f, _accepts(HELD_RESUMED), "held through the outage; no bid to control"
        )
    for _ in range(ticks_before):
        bid = next_bid(bid, target, step=t.bid_step) or bid
    pending = next_bid(bid, target, step=t.bid_step)
    current = bid.amount.micros if bid.amount is not None else target
    if DEADBAND / 2 < abs(target - current) / current < DEADBAND * 2:
        return _with_pre_breach(
            f,
            _accepts(HELD_RESUMED, HELD_RESUMED_BID),
            "held through the outage; the bid is at the edge of the controller's 1 % dead band",
        )
    if pending is None:
        return _with_pre_breach(
            f, _accepts(HELD_RESUMED), "held through the outage; the bid is on target"
        )
    return _with_pre_breach(
        f,
        _accepts(HELD_RESUMED_BID),
        f"held at {bid.amount} through the outage, then moved toward {target} micros",
    )


def runaway_factor(copy: CampaignCopy) -> float:
    """The pacing factor that makes the copy spend at 10x its budget's pace (at most 100)."""
    return min(100.0, RUNAWAY / max(share(copy), 1e-9))


def budget_overrun(copy: CampaignCopy, *, end_s: float) -> Expectation:
    f = facts(copy)
    t = copy.thresholds
    pace = runaway_factor(copy) * share(copy)
    crossing_s = t.overrun_ratio / pace * DAY_S
    if crossing_s > end_s:
        return _with_pre_breach(f, _accepts(NONE), "spends too slowly to reach the limit today")
    return _with_pre_breach(
        f,
        _accepts(OVERRUN),
        f"{pace:.1f}x the budget's pace: {t.overrun_ratio:.0%} of the budget after "
        f"{crossing_s / 60:.0f} min, paused at that tick",
    )
