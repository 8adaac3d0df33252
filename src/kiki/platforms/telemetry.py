"""What a platform reports about spend and results: totals over an interval, and the rates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.platforms.errors import UnreadableFiguresError

DAY_S = 86_400.0


@dataclass(frozen=True, slots=True)
class Totals:
    """Cumulative figures over one interval, as platforms report them.

    Conversions may be fractional (platforms attribute shares of a conversion).
    """

    spend: Money = field(default_factory=Money.zero)
    impressions: int = 0
    clicks: int = 0
    conversions: float = 0.0
    revenue: Money = field(default_factory=Money.zero)

    def __post_init__(self) -> None:
        if self.spend.micros < 0 or self.revenue.micros < 0:
            raise InvalidInputError("spend", "a platform never reports negative money")
        if self.impressions < 0 or self.clicks < 0 or not self.conversions >= 0:
            raise InvalidInputError("conversions", "counts must be finite and not negative")

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            spend=self.spend + other.spend,
            impressions=self.impressions + other.impressions,
            clicks=self.clicks + other.clicks,
            conversions=self.conversions + other.conversions,
            revenue=self.revenue + other.revenue,
        )

    @property
    def cpm(self) -> Money | None:
        """Cost per 1,000 impressions."""
        if self.impressions <= 0:
            return None
        return Money(round(self.spend.micros * 1000 / self.impressions))

    @property
    def ctr(self) -> float | None:
        return None if self.impressions <= 0 else self.clicks / self.impressions

    @property
    def cvr(self) -> float | None:
        return None if self.clicks <= 0 else self.conversions / self.clicks

    @property
    def cac(self) -> Money | None:
        """Cost per acquisition (conversion); None without conversions, never infinity."""
        if self.conversions <= 0:
            return None
        return Money(round(self.spend.micros / self.conversions))

    @property
    def roas(self) -> float | None:
        return None if self.spend.micros <= 0 else self.revenue.micros / self.spend.micros


@dataclass(frozen=True, slots=True)
class Telemetry:
    """A reading: today's totals and a trailing window's, complete up to ``as_of``.

    ``as_of`` trails ``read_at`` by the platform's reporting delay; ``today`` runs from the
    start of the platform's day (00:00 UTC here) to ``as_of``, ``window`` over the
    ``window_s`` seconds before ``as_of``.
    """

    today: Totals
    window: Totals
    window_s: float
    as_of: datetime
    read_at: datetime


def take_totals(
    *,
    spend_micros: object,
    impressions: object,
    clicks: object,
    conversions: object,
    revenue_micros: object = 0,
) -> Totals:
    """Totals from what an API answered; UnreadableFiguresError naming the first field that is
    missing, not a finite number, or negative. Adapters call this per campaign."""
    whole = {"spend": spend_micros, "impressions": impressions, "clicks": clicks}
    whole["revenue"] = revenue_micros
    taken: dict[str, int] = {}
    for name, value in whole.items():
        number = _finite(name, value)
        if number != int(number):
            raise UnreadableFiguresError(name, f"{value!r} is not a whole number")
        taken[name] = int(number)
    return Totals(
        spend=Money(taken["spend"]),
        impressions=taken["impressions"],
        clicks=taken["clicks"],
        conversions=_finite("conversions", conversions),
        revenue=Money(taken["revenue"]),
    )


def _finite(name: str, value: object) -> float:
    if value is None:
        raise UnreadableFiguresError(name, "missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnreadableFiguresError(name, f"{value!r} is not a number")
    if not math.isfinite(value):
        raise UnreadableFiguresError(name, f"{value!r} is not finite")
    if value < 0:
        raise UnreadableFiguresError(name, f"{value!r} is negative")
    return float(value)
