from __future__ import annotations

from typing import Any

import pytest

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.synctwin.domain.inputs import Baseline, Strategy, Uncertainty

STRATEGY: dict[str, Any] = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800.50"}
BASELINE: dict[str, Any] = {
    "avg_order_value": 85,
    "monthly_revenue": "60000",
    "monthly_ad_spend": 0,
}


def test_strategy_parses_currency_units_into_micros_with_seed_defaults() -> None:
    strategy = Strategy.from_dict({**STRATEGY, "creatives": ["ignored"]})
    assert strategy.audience_size == 50_000
    assert strategy.cvr == 0.02
    assert strategy.daily_budget == Money(800_500_000)
    assert strategy.monthly_spend == Money(24_015_000_000)
    assert strategy.platform is Platform.META
    assert strategy.uncertainty is None


def test_strategy_round_trips_through_its_dict() -> None:
    strategy = Strategy.from_dict(
        {**STRATEGY, "platform": "tiktok", "uncertainty": {"cvr": 0.2, "cost": 0.1}}
    )
    assert Strategy.from_dict(strategy.to_dict()) == strategy
    assert strategy.uncertainty == Uncertainty(cvr=0.2, cost=0.1, aov=0.0)


def test_baseline_allows_zero_monthly_totals_but_not_a_zero_order_value() -> None:
    baseline = Baseline.from_dict(BASELINE)
    assert baseline.monthly_ad_spend == Money(0)
    assert Baseline.from_dict(baseline.to_dict()) == baseline
    with pytest.raises(InvalidInputError, match="avg_order_value: must be positive"):
        Baseline.from_dict({**BASELINE, "avg_order_value": "0"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"audience_size": 0}, "audience_size"),
        ({"audience_size": -5}, "audience_size"),
        ({"audience_size": 1000.5}, "audience_size"),
        ({"audience_size": True}, "audience_size"),
        ({"audience_size": None}, "audience_size"),
        ({"cvr": 0}, "cvr"),
        ({"cvr": 1.01}, "cvr"),
        ({"cvr": float("nan")}, "cvr"),
        ({"cvr": "abc"}, "cvr"),
        ({"daily_budget": "0"}, "daily_budget"),
        ({"daily_budget": -10}, "daily_budget"),
        ({"daily_budget": float("inf")}, "daily_budget"),
        ({"daily_budget": "1.0000001"}, "daily_budget"),
        ({"platform": "myspace"}, "platform"),
        ({"uncertainty": {"cvr": -0.1}}, "uncertainty.cvr"),
        ({"uncertainty": {"cvr": 9.0}}, "uncertainty.cvr"),
    ],
)
def test_bad_strategy_field_is_named_in_the_error(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Strategy.from_dict({**STRATEGY, **change})
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"avg_order_value": None}, "avg_order_value"),
        ({"monthly_revenue": "-1"}, "monthly_revenue"),
        ({"monthly_ad_spend": float("nan")}, "monthly_ad_spend"),
        ({"monthly_revenue": "lots"}, "monthly_revenue"),
    ],
)
def test_bad_baseline_field_is_named_in_the_error(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Baseline.from_dict({**BASELINE, **change})
    assert caught.value.field == field


def test_csv_text_values_parse_strictly() -> None:
    strategy = Strategy.from_dict({"audience_size": "8000", "cvr": "0.045", "daily_budget": "450"})
    assert (strategy.audience_size, strategy.cvr) == (8000, 0.045)
