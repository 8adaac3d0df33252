"""A client's optimiser configuration (seed phase 5), validated on construction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiki.core.errors import InvalidInputError
from kiki.core.limits import bounded
from kiki.core.money import Money
from kiki.core.platform import Platform

MAX_COOLDOWN_S = 30 * 86_400.0  # a month: longer is a typo, and overflows date arithmetic


@dataclass(frozen=True, slots=True)
class BudgetLimits:
    """Bounds on one platform's daily budget; ``None`` means unbounded."""

    floor: Money | None = None
    ceiling: Money | None = None

    def __post_init__(self) -> None:
        for name in ("floor", "ceiling"):
            amount = getattr(self, name)
            if amount is not None and amount.micros < 0:
                raise InvalidInputError(name, "must not be negative")
            if amount is not None:
                bounded(amount, field=name)
        if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
            raise InvalidInputError("floor", "must not exceed the ceiling")


@dataclass(frozen=True, slots=True)
class OptimizerConfig:
    """The seed's knobs plus the safety limits; defaults are the seed's defaults."""

    efficiency_threshold: float = 0.15
    reallocation_percent: float = 0.20
    cooldown_s: float = 3600.0
    window_s: float = 86_400.0
    allow: frozenset[Platform] | None = None  # None: every platform the client has
    deny: frozenset[Platform] = frozenset()
    limits: Mapping[Platform, BudgetLimits] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 < self.efficiency_threshold < 1:
            raise InvalidInputError("efficiency_threshold", "must be between 0 and 1 (exclusive)")
        if not 0 < self.reallocation_percent <= 1:
            raise InvalidInputError("reallocation_percent", "must be in (0, 1]")
        if not 0 <= self.cooldown_s <= MAX_COOLDOWN_S:
            raise InvalidInputError("cooldown_s", f"must be in [0, {MAX_COOLDOWN_S:g}] seconds")
        if not 0 < self.window_s <= MAX_COOLDOWN_S:
            raise InvalidInputError("window_s", f"must be in (0, {MAX_COOLDOWN_S:g}] seconds")

    def enabled(self, platform: Platform) -> bool:
        allowed = self.allow is None or platform in self.allow
        return allowed and platform not in self.deny

    def limits_for(self, platform: Platform) -> BudgetLimits:
        return self.limits.get(platform, BudgetLimits())
