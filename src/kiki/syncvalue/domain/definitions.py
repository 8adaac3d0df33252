"""The issue's definitions of LTV, CAC and the baseline, on integer sums the database adds up.

For a client, an as-of instant T and a lookback L days, window W = [T - L, T). The SQL adapter
returns sums (micros) and counts; every division happens here, on integers, rounded half to
even to the micro, so SQLite and PostgreSQL give the same answers to the micro.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform

DEFAULT_LOOKBACK_DAYS = 90
MAX_LOOKBACK_DAYS = 36_500
DAYS_PER_MONTH = 30


def divide_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, ties to even (exact)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def midnight(day: date) -> datetime:
    """A bare date means 00:00 UTC that day."""
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Window:
    """W = [start, as_of) with start = as_of - lookback_days; the earlier window precedes it."""

    as_of: datetime
    lookback_days: int

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise InvalidInputError("as_of", "must carry a timezone")
        if isinstance(self.lookback_days, bool) or not 1 <= self.lookback_days <= MAX_LOOKBACK_DAYS:
            raise InvalidInputError("lookback_days", f"must be 1..{MAX_LOOKBACK_DAYS} days")
        object.__setattr__(self, "as_of", self.as_of.astimezone(UTC))

    @property
    def start(self) -> datetime:
        return self.as_of - timedelta(days=self.lookback_days)

    @property
    def earlier_start(self) -> datetime:
        """Start of [T - 2L, T - L), the window baseline_churn looks back to."""
        return self.as_of - timedelta(days=2 * self.lookback_days)

    def spend_days(self) -> tuple[date, date]:
        """Days ``[first, end)`` whose spend falls within W: those whose 00:00 UTC is in W."""
        return _first_day_at_or_after(self.start), _first_day_at_or_after(self.as_of)


def _first_day_at_or_after(moment: datetime) -> date:
    day = moment.date()
    return day if midnight(day) == moment else day + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PlatformValue:
    """One platform's cohort in W: its size, its revenue since acquisition, the spend on it."""

    platform: Platform
    customers: int
    revenue: Money
    spend: Money

    @property
    def ltv(self) -> Money | None:
        """Revenue of the cohort's orders in [acquisition, T) / cohort size; None: no cohort."""
        if self.customers == 0:
            return None
        return Money(divide_half_even(self.revenue.micros, self.customers))

    @property
    def cac(self) -> Money | None:
        """Spend on the platform within W / cohort size; None when there is no cohort."""
        if self.customers == 0:
            return None
        return Money(divide_half_even(self.spend.micros, self.customers))


@dataclass(frozen=True, slots=True)
class Baseline:
    """A client's history over W, and how many of the earlier window's buyers did not return."""

    window: Window
    revenue: Money
    ad_spend: Money
    orders: int
    earlier_customers: int
    churned_customers: int

    @property
    def monthly_revenue(self) -> Money:
        return Money(
            divide_half_even(self.revenue.micros * DAYS_PER_MONTH, self.window.lookback_days)
        )

    @property
    def monthly_ad_spend(self) -> Money:
        return Money(
            divide_half_even(self.ad_spend.micros * DAYS_PER_MONTH, self.window.lookback_days)
        )

    @property
    def avg_order_value(self) -> Money | None:
        if self.orders == 0:
            return None
        return Money(divide_half_even(self.revenue.micros, self.orders))

    @property
    def baseline_churn(self) -> float | None:
        """Share of [T - 2L, T - L)'s buyers with no order in W; None when nobody bought then."""
        if self.earlier_customers == 0:
            return None
        return self.churned_customers / self.earlier_customers


@dataclass(frozen=True, slots=True)
class ValueReport:
    """Every platform's value (in the enum's order) and the baseline, for one window."""

    window: Window
    platforms: tuple[PlatformValue, ...]
    baseline: Baseline

    def platform(self, platform: Platform) -> PlatformValue:
        return next(p for p in self.platforms if p.platform is platform)
