"""A campaign strategy and a client's baseline, parsed strictly from currency-unit JSON."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiki.core.errors import InvalidInputError
from kiki.core.limits import (
    MAX_AUDIENCE,
    MAX_COEFFICIENT_OF_VARIATION,
    MAX_DAILY_BUDGET,
    MAX_MONTHLY_AMOUNT,
    bounded,
)
from kiki.core.money import Money
from kiki.core.platform import Platform

DAYS_PER_MONTH = 30


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """Coefficients of variation (sd / mean) of the richer model's independent factors.

    cvr: beta-distributed conversion rate; cost: lognormal multiplier on the month's spend
    (what reaching the audience costs at an uncertain CPM); aov: lognormal order value.
    """

    cvr: float = 0.0
    cost: float = 0.0
    aov: float = 0.0

    @classmethod
    def from_dict(cls, d: object) -> Uncertainty:
        if not isinstance(d, Mapping):
            raise InvalidInputError("uncertainty", "must be an object with cvr, cost, aov")
        values = {
            key: _ratio(
                d.get(key, 0.0),
                f"uncertainty.{key}",
                low=0.0,
                high=MAX_COEFFICIENT_OF_VARIATION,
                low_open=False,
            )
            for key in ("cvr", "cost", "aov")
        }
        return cls(**values)

    def to_dict(self) -> dict[str, float]:
        return {"cvr": self.cvr, "cost": self.cost, "aov": self.aov}


@dataclass(frozen=True, slots=True)
class Strategy:
    """What SyncBrain proposes: reach ``audience_size`` at ``cvr`` for ``daily_budget`` a day.

    ``uncertainty`` switches this strategy to the richer model; without it the seed's model runs.
    """

    audience_size: int
    cvr: float
    daily_budget: Money
    platform: Platform = Platform.META
    name: str = "campaign"
    uncertainty: Uncertainty | None = None

    def __post_init__(self) -> None:
        _check_audience(self.audience_size)
        _ratio(self.cvr, "cvr", low=0.0, high=1.0)
        if self.daily_budget.micros <= 0:
            raise InvalidInputError("daily_budget", "must be positive")
        bounded(self.daily_budget, field="daily_budget", limit=MAX_DAILY_BUDGET)
        u = self.uncertainty
        # a beta distribution with this mean cannot be wider than sqrt(m(1 - m))
        if u is not None and u.cvr > 0 and (u.cvr * self.cvr) ** 2 >= self.cvr * (1 - self.cvr):
            raise InvalidInputError(
                "uncertainty.cvr", "too wide for a conversion rate this close to 0 or 1"
            )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Strategy:
        """Keys ``audience_size``, ``cvr``, ``daily_budget`` (currency units); optional
        ``platform`` (default meta), ``name``, ``uncertainty``. Other keys are ignored."""
        if not isinstance(d, Mapping):
            raise InvalidInputError("strategy", "must be an object")
        uncertainty = d.get("uncertainty")
        return cls(
            audience_size=_positive_int(_required(d, "audience_size"), "audience_size"),
            cvr=_ratio(_required(d, "cvr"), "cvr", low=0.0, high=1.0),
            daily_budget=_positive_money(_required(d, "daily_budget"), "daily_budget"),
            platform=Platform.parse(d.get("platform", Platform.META)),
            name=_name(d.get("name", "campaign")),
            uncertainty=None if uncertainty is None else Uncertainty.from_dict(uncertainty),
        )

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "audience_size": self.audience_size,
            "cvr": self.cvr,
            "daily_budget": str(self.daily_budget.to_decimal().normalize()),
            "platform": self.platform.value,
            "name": self.name,
        }
        if self.uncertainty is not None:
            body["uncertainty"] = self.uncertainty.to_dict()
        return body

    @property
    def monthly_spend(self) -> Money:
        return Money(self.daily_budget.micros * DAYS_PER_MONTH)


@dataclass(frozen=True, slots=True)
class Baseline:
    """A client's recent month: order value and the revenue and ad spend it already has.

    The monthly totals may be zero (a client new to advertising); the order value may not.
    """

    avg_order_value: Money
    monthly_revenue: Money
    monthly_ad_spend: Money

    def __post_init__(self) -> None:
        if self.avg_order_value.micros <= 0:
            raise InvalidInputError("avg_order_value", "must be positive")
        for name in ("monthly_revenue", "monthly_ad_spend"):
            if getattr(self, name).micros < 0:
                raise InvalidInputError(name, "must not be negative")
        for name in ("avg_order_value", "monthly_revenue", "monthly_ad_spend"):
            bounded(getattr(self, name), field=name, limit=MAX_MONTHLY_AMOUNT)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Baseline:
        if not isinstance(d, Mapping):
            raise InvalidInputError("baseline", "must be an object")
        return cls(
            avg_order_value=_positive_money(_required(d, "avg_order_value"), "avg_order_value"),
            monthly_revenue=Money.parse(_required(d, "monthly_revenue"), field="monthly_revenue"),
            monthly_ad_spend=Money.parse(
                _required(d, "monthly_ad_spend"), field="monthly_ad_spend"
            ),
        )

    def to_dict(self) -> dict[str, str]:
        return {
            name: str(getattr(self, name).to_decimal().normalize())
            for name in ("avg_order_value", "monthly_revenue", "monthly_ad_spend")
        }


def _required(d: Mapping[str, Any], key: str) -> object:
    if key not in d or d[key] is None:
        raise InvalidInputError(key, "is required")
    return d[key]


def _check_audience(value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidInputError("audience_size", "must be a positive integer")
    if value > MAX_AUDIENCE:
        raise InvalidInputError("audience_size", f"must be at most {MAX_AUDIENCE:,}")


def _positive_int(value: object, field: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidInputError(field, "must be a positive integer")
    return value


def _ratio(
    value: object,
    field: str,
    *,
    low: float,
    high: float | None,
    low_open: bool = True,
) -> float:
    """A finite number in (low, high] (or [low, high] when not ``low_open``)."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InvalidInputError(field, f"{value!r} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInputError(field, "must be finite")
    too_low = number <= low if low_open else number < low
    if too_low or (high is not None and number > high):
        opening = "(" if low_open else "["
        upper = f"{high:g}]" if high is not None else "inf)"
        raise InvalidInputError(field, f"must be in {opening}{low:g}, {upper}")
    return number


def _positive_money(value: object, field: str) -> Money:
    money = Money.parse(value, field=field)
    if money.micros <= 0:
        raise InvalidInputError(field, "must be positive")
    return money


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise InvalidInputError("name", "must be a non-empty text of at most 200 characters")
    return value.strip()
