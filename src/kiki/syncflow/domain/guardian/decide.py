"""One campaign, one tick: the rules in order of urgency, at most one action.

Order: unreadable or overrunning spend (budget_overrun), margin, conversion-rate drop
(cvr_drop), then the bid controller (api_outage). Every rule in force updates its memory each
tick, whichever acts; only the first action is taken. Paused campaigns are not guarded.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kiki.campaigns.domain import Bid, CampaignConfig, CampaignState, CampaignStatus, PauseReason
from kiki.core.money import Money
from kiki.syncflow.domain.guardian.bids import next_bid, target_bid_micros
from kiki.syncflow.domain.guardian.cvr import watch_cvr
from kiki.syncflow.domain.guardian.economics import Counts, allowed_cpa_micros
from kiki.syncflow.domain.guardian.margin import MarginStatus, check_margin
from kiki.syncflow.domain.guardian.memory import GuardMemory, Snapshot
from kiki.syncflow.domain.guardian.rules import GuardRule
from kiki.syncflow.domain.guardian.spend import SpendStatus, check_spend
from kiki.syncflow.domain.guardian.thresholds import ROLLBACK_HOLD_S, GuardianThresholds


@dataclass(frozen=True, slots=True)
class Observation:
    """A campaign as its platform reported it this tick. ``today`` is None (with ``problem``
    saying why) when the platform answered but its figures could not be taken."""

    state: CampaignState
    as_of: datetime
    today: Counts | None
    funnel: Counts | None  # the long funnel window
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Economics:
    ltv: Money | None
    thresholds: GuardianThresholds
    rules: frozenset[GuardRule]
    price_window_s: float = 300.0

    @property
    def allowed_cpa_micros(self) -> float:
        t = self.thresholds
        return allowed_cpa_micros(
            self.ltv, gross_margin=t.gross_margin, margin_floor=t.margin_floor
        )


class ActionKind(enum.Enum):
    PAUSE = "pause"
    ROLL_BACK = "roll_back"  # to the last known-good configuration, or pause without one
    SET_BID = "set_bid"
    FLAG = "flag"  # nothing changes at the platform; people are told


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    rule: GuardRule
    detail: str
    reason: PauseReason | None = None
    bid: Bid | None = None
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action | None
    memory: GuardMemory
    checks: Mapping[str, Any] = field(default_factory=dict)  # every rule's figures


def guard(
    observation: Observation, memory: GuardMemory, economics: Economics, *, now: datetime
) -> Verdict:
    state, rules, th = observation.state, economics.rules, economics.thresholds
    if state.status is not CampaignStatus.ACTIVE:
        config = CampaignConfig.of(state)
        quiet = replace(memory, config=config, seen_at=now, held_since=None, margin_streak=0)
        return Verdict(None, replace(quiet, unreadable_strikes=0))
    same_day = memory.day == observation.as_of.date()
    today = observation.today
    spend = check_spend(
        spend_micros=None if today is None else today.spend_micros,
        problem=observation.problem,
        budget_micros=state.daily_budget.micros,
        earlier_same_day_micros=memory.spend_today_micros if same_day else None,
        overrun_ratio=th.overrun_ratio,
    )
    checks: dict[str, Any] = {"spend": spend.detail}
    if spend.status is SpendStatus.UNREADABLE or today is None:
        base = replace(memory, config=CampaignConfig.of(state), seen_at=now, held_since=None)
        return _unreadable(base, spend.detail, rules, th, checks)
    new_clicks = today.clicks - memory.clicks_today if same_day else today.clicks
    new_conversions = (
        today.conversions - memory.conversions_today if same_day else today.conversions
    )
    snapshot = Snapshot(observation.as_of, today.spend_micros, today.impressions)
    earlier = memory.recent if same_day else ()
    price = price_since(earlier, snapshot, window_s=economics.price_window_s)
    # the memory after this tick, written once at the end (a frozen copy per field is slow)
    kept: dict[str, Any] = {
        "config": CampaignConfig.of(state),
        "seen_at": now,
        "held_since": None,
        "day": observation.as_of.date(),
        "spend_today_micros": today.spend_micros,
        "clicks_today": today.clicks,
        "conversions_today": today.conversions,
        "unreadable_strikes": 0,
        "recent": keep_recent(earlier, snapshot, window_s=economics.price_window_s),
    }
    checks["spend_today_micros"] = today.spend_micros
    actions: list[Action] = []
    if spend.status is SpendStatus.OVERRUN and GuardRule.BUDGET_OVERRUN in rules:
        figures = {"spend_today_micros": spend.spend_micros, "ratio": spend.ratio}
        actions.append(
            Action(
                ActionKind.PAUSE,
                GuardRule.BUDGET_OVERRUN,
                spend.detail,
                reason=PauseReason.BUDGET_OVERRUN,
                figures=figures | {"budget_micros": state.daily_budget.micros},
            )
        )
    allowed = economics.allowed_cpa_micros
    funnel = observation.funnel
    streak = 0
    if GuardRule.MARGIN in rules and funnel is not None:
        margin = check_margin(price=price, funnel=funnel, allowed_cpa_micros=allowed, thresholds=th)
        checks["margin"] = margin.detail
        if margin.status is MarginStatus.BREACH:
            streak = memory.margin_streak + 1
        if streak >= th.confirm_ticks:
            actions.append(
                Action(
                    ActionKind.PAUSE,
                    GuardRule.MARGIN,
                    margin.detail,
                    reason=PauseReason.MARGIN_GUARDIAN,
                    figures=margin.figures() | {"ticks_in_breach": streak},
                )
            )
    kept["margin_streak"] = streak
    if GuardRule.CVR_DROP in rules and funnel is not None:
        step = watch_cvr(
            memory.cvr,
            new_clicks=max(0.0, float(new_clicks)),
            new_conversions=max(0.0, new_conversions),
            funnel=funnel,
            thresholds=th,
        )
        kept["cvr"] = step.watch
        checks["cvr_statistic"] = round(step.watch.statistic, 4)
        if step.alarm and step.watch.p0 is not None:
            p0 = step.watch.p0
            actions.append(
                Action(
                    ActionKind.ROLL_BACK,
                    GuardRule.CVR_DROP,
                    f"conversion rate fell {th.cvr_drop:.0%} or more below {p0:.4%} "
                    f"(CUSUM reached {th.cvr_cusum_h:g})",
                    reason=PauseReason.CVR_DROP,
                    figures={"p0": p0, "cusum_h": th.cvr_cusum_h, "drop": th.cvr_drop},
                )
            )
            kept["bid_hold_until"] = now + timedelta(seconds=ROLLBACK_HOLD_S)
    on_hold = memory.bid_hold_until is not None and now < memory.bid_hold_until
    if GuardRule.API_OUTAGE in rules and not on_hold:
        cvr = funnel.cvr if funnel is not None else None
        target = target_bid_micros(state.bid, allowed_cpa_micros=allowed, cvr=cvr)
        moved = None if target is None else next_bid(state.bid, target, step=th.bid_step)
        if moved is not None and moved.amount is not None and target is not None:
            before = state.bid.micros
            actions.append(
                Action(
                    ActionKind.SET_BID,
                    GuardRule.API_OUTAGE,
                    f"bid {before} -> {moved.amount.micros} micros toward {target}",
                    bid=moved,
                    figures={"bid_micros": before, "new_bid_micros": moved.amount.micros}
                    | {"target_micros": target},
                )
            )
    return Verdict(actions[0] if actions else None, replace(memory, **kept), checks)


def _unreadable(
    memory: GuardMemory,
    detail: str,
    rules: frozenset[GuardRule],
    th: GuardianThresholds,
    checks: dict[str, Any],
) -> Verdict:
    """Spend that cannot be read is flagged, and paused after ``unreadable_strikes`` ticks."""
    strikes = memory.unreadable_strikes + 1
    mem = replace(memory, unreadable_strikes=strikes, margin_streak=0)
    if GuardRule.BUDGET_OVERRUN not in rules:
        return Verdict(None, mem, checks)
    figures = {"unreadable": detail, "strikes": strikes}
    if strikes >= th.unreadable_strikes:
        action = Action(
            ActionKind.PAUSE,
            GuardRule.BUDGET_OVERRUN,
            f"spend unreadable {strikes} ticks running: {detail}",
            reason=PauseReason.BUDGET_OVERRUN,
            figures=figures,
        )
    else:
        action = Action(
            ActionKind.FLAG,
            GuardRule.BUDGET_OVERRUN,
            f"spend unreadable ({strikes}/{th.unreadable_strikes}): {detail}",
            figures=figures,
        )
    return Verdict(action, mem, checks)


def price_since(earlier: tuple[Snapshot, ...], now: Snapshot, *, window_s: float) -> Counts:
    """Spend and impressions since the latest snapshot at least ``window_s`` old (or the oldest
    kept): the price window, from today's cumulative figures."""
    start = now.at - timedelta(seconds=window_s)
    base = next((s for s in reversed(earlier) if s.at <= start), earlier[0] if earlier else None)
    if base is None or base.impressions > now.impressions or base.spend_micros > now.spend_micros:
        return Counts()
    return Counts(now.spend_micros - base.spend_micros, now.impressions - base.impressions)


def keep_recent(
    earlier: tuple[Snapshot, ...], now: Snapshot, *, window_s: float
) -> tuple[Snapshot, ...]:
    """The snapshots the next tick's price window may start from (one older than the window)."""
    start = now.at - timedelta(seconds=window_s)
    older = [s for s in earlier if s.at <= start]
    kept = [*older[-1:], *(s for s in earlier if s.at > start), now]
    return tuple(kept[-32:])
