"""Step 5 of the seed's cycle, with its safety limits: which budget moves where, and how much.

Limits applied to each underperformer's shift, smallest wins:
- ReallocationPercent of its current daily budget (the seed's rule);
- the rolling-window cap: at most ReallocationPercent of the budget it had at the start of
  the window (default 24 h) may leave it within the window, whatever the cycle frequency;
- its floor, and the best platform's ceiling;
- no shift at all while it is cooling down from its last shift out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.efficiency import (
    LeftOut,
    PlatformEfficiency,
    PlatformInput,
    average_efficiency,
    best_platform,
    cutoff,
    left_out_of,
    measurable,
    underperformers,
)


@dataclass(frozen=True, slots=True)
class WindowUsage:
    """What the ledger says about one platform within the rolling window."""

    outflow: Money = field(default_factory=Money.zero)  # gross amount shifted out
    net_change: Money = field(default_factory=Money.zero)  # in minus out
    last_outflow_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlannedShift:
    source: Platform
    destination: Platform
    amount: Money
    source_efficiency: float
    destination_efficiency: float
    average_efficiency: float

    @property
    def reason(self) -> str:
        return (
            f"Efficiency drop: {self.source_efficiency:.2f}x vs {self.average_efficiency:.2f}x avg"
        )

    @property
    def alert_text(self) -> str:
        return (
            f"{self.source.display_name} CPMs impacted. Shifted {self.amount.format()}/day to "
            f"{self.destination.display_name} ({self.destination_efficiency:.2f}x LTV/CAC vs "
            f"{self.source_efficiency:.2f}x)"
        )


@dataclass(frozen=True, slots=True)
class Hold:
    """An underperformer that keeps its budget this cycle, and why."""

    platform: Platform
    reason: str


@dataclass(frozen=True, slots=True)
class CyclePlan:
    platforms: tuple[PlatformEfficiency, ...]
    left_out: tuple[Platform, ...]
    average_efficiency: float
    cutoff: float
    best: PlatformEfficiency | None
    underperformers: tuple[Platform, ...]
    shifts: tuple[PlannedShift, ...] = field(default=())
    holds: tuple[Hold, ...] = field(default=())
    left_out_detail: tuple[LeftOut, ...] = field(default=())  # why each of left_out is

    def why_left_out(self, platform: Platform) -> LeftOut | None:
        return next((x for x in self.left_out_detail if x.platform is platform), None)


def plan_cycle(
    inputs: Sequence[PlatformInput],
    config: OptimizerConfig,
    *,
    usage: Mapping[Platform, WindowUsage],
    now: datetime,
) -> CyclePlan:
    kept, left_out = measurable(inputs)
    average = average_efficiency(kept)
    line = cutoff(average, config.efficiency_threshold)
    best = best_platform(kept)
    losers = underperformers(kept, average, config.efficiency_threshold)
    shifts: list[PlannedShift] = []
    holds: list[Hold] = []
    if best is not None:
        room = _room_below_ceiling(best, config)
        for loser in losers:
            amount, why = _shift_amount(
                loser, config, usage.get(loser.platform, WindowUsage()), now
            )
            if room is not None and amount.micros > room.micros:
                amount, why = room, f"{best.platform.display_name} is at its ceiling"
            # both platforms must take the amount exactly (cents at most real ones): whole units
            unit = math.lcm(loser.budget_step_micros, best.budget_step_micros)
            if amount.micros % unit:
                amount = Money(amount.micros - amount.micros % unit)
                if amount.micros == 0:
                    why = "less than one unit of the platforms' budgets"
            if amount.micros <= 0:
                holds.append(Hold(loser.platform, why))
                continue
            if room is not None:
                room = room - amount
            shifts.append(
                PlannedShift(
                    source=loser.platform,
                    destination=best.platform,
                    amount=amount,
                    source_efficiency=loser.efficiency,
                    destination_efficiency=best.efficiency,
                    average_efficiency=average,
                )
            )
    return CyclePlan(
        platforms=tuple(kept),
        left_out=tuple(left_out),
        average_efficiency=average,
        cutoff=line,
        best=best,
        underperformers=tuple(p.platform for p in losers),
        shifts=tuple(shifts),
        holds=tuple(holds),
        left_out_detail=tuple(left_out_of(inputs)),
    )


def _room_below_ceiling(best: PlatformEfficiency, config: OptimizerConfig) -> Money | None:
    ceiling = config.limits_for(best.platform).ceiling
    if ceiling is None:
        return None
    return Money(max(0, ceiling.micros - best.daily_budget.micros))


def _shift_amount(
    loser: PlatformEfficiency, config: OptimizerConfig, usage: WindowUsage, now: datetime
) -> tuple[Money, str]:
    """The amount allowed to leave ``loser`` now, and what limited it."""
    if usage.last_outflow_at is not None:
        until = usage.last_outflow_at + timedelta(seconds=config.cooldown_s)
        if now < until:
            return Money(0), f"cooling down until {until.isoformat(timespec='seconds')}"
    percent = config.reallocation_percent
    candidates: list[tuple[Money, str]] = [(loser.daily_budget.fraction(percent), "")]
    at_window_start = Money(max(0, loser.daily_budget.micros - usage.net_change.micros))
    window_cap = at_window_start.fraction(percent) - usage.outflow
    candidates.append(
        (Money(max(0, window_cap.micros)), f"{percent:.0%} already shifted out in the last window")
    )
    floor = config.limits_for(loser.platform).floor
    if floor is not None:
        candidates.append(
            (Money(max(0, loser.daily_budget.micros - floor.micros)), "at its budget floor")
        )
    amount, why = min(candidates, key=lambda c: c[0].micros)
    return amount, why or "its budget is zero"
