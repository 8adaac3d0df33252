"""Steps 1-4 of the seed's cycle: efficiency, the average, underperformers and the best platform."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kiki.core.money import Money
from kiki.core.platform import Platform


@dataclass(frozen=True, slots=True)
class PlatformInput:
    """What the cycle knows about one platform; ``None`` where the data could not be had."""

    platform: Platform
    ltv: Money | None
    cac: Money | None
    daily_budget: Money
    budget_step_micros: int = 1  # the platform takes budgets in whole multiples of this


@dataclass(frozen=True, slots=True)
class PlatformEfficiency:
    platform: Platform
    ltv: Money
    cac: Money
    efficiency: float  # LTV / CAC
    daily_budget: Money
    budget_step_micros: int = 1


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A platform the cycle cannot weigh, the figures it did have, and why (a reason code:
    ``ltv_unknown``, ``cac_unknown``, ``cac_zero``, ``not_finite``; the cycle adds
    ``api_failed`` for a platform it could not read at all)."""

    platform: Platform
    reason: str
    ltv: Money | None = None
    cac: Money | None = None
    daily_budget: Money | None = None


def left_out_reason(item: PlatformInput) -> str | None:
    """Why ``item`` has no efficiency, or None when it has one."""
    if item.ltv is None:
        return "ltv_unknown"
    if item.cac is None:
        return "cac_unknown"
    if item.cac.micros <= 0:
        return "cac_zero"
    value = efficiency(item.ltv, item.cac)
    return None if value is not None and math.isfinite(value) else "not_finite"


def left_out_of(inputs: Sequence[PlatformInput]) -> list[LeftOut]:
    """Each platform without an efficiency, with its figures and reason, in input order."""
    return [
        LeftOut(item.platform, why, item.ltv, item.cac, item.daily_budget)
        for item in inputs
        if (why := left_out_reason(item)) is not None
    ]


def efficiency(ltv: Money, cac: Money) -> float | None:
    """LTV / CAC; None when CAC is zero or negative (never infinity)."""
    if cac.micros <= 0:
        return None
    return ltv.micros / cac.micros


def measurable(inputs: Sequence[PlatformInput]) -> tuple[list[PlatformEfficiency], list[Platform]]:
    """Split the inputs into platforms with an efficiency and those left out of the cycle."""
    kept: list[PlatformEfficiency] = []
    left_out: list[Platform] = []
    for item in inputs:
        value = None
        if item.ltv is not None and item.cac is not None:
            value = efficiency(item.ltv, item.cac)
        if value is None or not math.isfinite(value) or item.ltv is None or item.cac is None:
            left_out.append(item.platform)
            continue
        kept.append(
            PlatformEfficiency(
                item.platform,
                item.ltv,
                item.cac,
                value,
                item.daily_budget,
                item.budget_step_micros,
            )
        )
    return kept, left_out


def average_efficiency(platforms: Sequence[PlatformEfficiency]) -> float:
    """Plain mean of the platforms taken into account; 0.0 for none."""
    if not platforms:
        return 0.0
    return math.fsum(p.efficiency for p in platforms) / len(platforms)


def cutoff(average: float, threshold: float) -> float:
    return average * (1.0 - threshold)


def underperformers(
    platforms: Sequence[PlatformEfficiency], average: float, threshold: float
) -> list[PlatformEfficiency]:
    """Platforms strictly below average x (1 - threshold), in enum order."""
    line = cutoff(average, threshold)
    return sorted((p for p in platforms if p.efficiency < line), key=lambda p: p.platform.rank)


def best_platform(platforms: Sequence[PlatformEfficiency]) -> PlatformEfficiency | None:
    """Highest efficiency; a tie goes to the platform first in the enum order."""
    if not platforms:
        return None
    return min(platforms, key=lambda p: (-p.efficiency, p.platform.rank))
