"""The definitions' arithmetic: windows, spend days, rounding half to even, nulls."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import (
    Baseline,
    PlatformValue,
    ValueReport,
    Window,
    divide_half_even,
)

T = datetime(2024, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(7, 2, 4), (5, 2, 2), (1, 3, 0), (2, 3, 1), (10, 5, 2), (0, 7, 0), (-5, 2, -2), (-7, 2, -4)],
)
def test_divides_rounding_half_to_even(numerator: int, denominator: int, expected: int) -> None:
    assert divide_half_even(numerator, denominator) == expected


def test_refuses_to_divide_by_zero() -> None:
    with pytest.raises(ValueError, match="positive"):
        divide_half_even(1, 0)


def test_window_runs_lookback_days_back_from_as_of_and_earlier_window_before_it() -> None:
    window = Window(T, 90)
    assert window.start == datetime(2024, 1, 2, tzinfo=UTC)
    assert window.earlier_start == datetime(2023, 10, 4, tzinfo=UTC)


def test_window_converts_as_of_to_utc() -> None:
    window = Window(datetime(2024, 4, 1, 2, tzinfo=timezone(timedelta(hours=2))), 1)
    assert window.as_of == T
    assert window.as_of.tzinfo is UTC


@pytest.mark.parametrize("days", [0, -1, 36_501])
def test_window_refuses_a_lookback_outside_one_to_36500_days(days: int) -> None:
    with pytest.raises(InvalidInputError, match="lookback_days"):
        Window(T, days)


def test_window_refuses_a_naive_as_of() -> None:
    with pytest.raises(InvalidInputError, match="as_of"):
        Window(datetime(2024, 4, 1), 90)  # noqa: DTZ001  # the point of the test


def test_spend_days_at_midnight_are_exactly_the_lookback_days() -> None:
    assert Window(T, 3).spend_days() == (date(2024, 3, 29), date(2024, 4, 1))


def test_spend_days_mid_day_count_days_whose_midnight_is_in_the_window() -> None:
    # W = [03-29 12:00, 04-01 12:00): midnights of 03-30, 03-31 and 04-01 fall inside.
    assert Window(T + timedelta(hours=12), 3).spend_days() == (date(2024, 3, 30), date(2024, 4, 2))


def test_ltv_and_cac_divide_by_the_cohort_rounding_half_to_even() -> None:
    value = PlatformValue(Platform.META, customers=4, revenue=Money(10), spend=Money(6))
    assert value.ltv == Money(2)  # 2.5 -> 2
    assert value.cac == Money(2)  # 1.5 -> 2


def test_ltv_and_cac_are_unknown_without_a_cohort_even_with_spend() -> None:
    value = PlatformValue(Platform.META, customers=0, revenue=Money(0), spend=Money(5_000_000))
    assert value.ltv is None
    assert value.cac is None


def _baseline(**overrides: object) -> Baseline:
    fields: dict[str, object] = {
        "window": Window(T, 90),
        "revenue": Money(900_000_000),
        "ad_spend": Money(450_000_001),
        "orders": 4,
        "earlier_customers": 8,
        "churned_customers": 2,
    }
    fields.update(overrides)
    return Baseline(**fields)  # type: ignore[arg-type]


def test_baseline_scales_window_totals_to_30_days_and_averages_orders() -> None:
    baseline = _baseline()
    assert baseline.monthly_revenue == Money(300_000_000)
    assert baseline.monthly_ad_spend == Money(150_000_000)  # 150 000 000.33 -> down
    assert baseline.avg_order_value == Money(225_000_000)
    assert baseline.baseline_churn == 0.25


def test_baseline_churn_and_average_order_are_unknown_with_nobody_to_measure() -> None:
    baseline = _baseline(orders=0, revenue=Money(0), earlier_customers=0, churned_customers=0)
    assert baseline.avg_order_value is None
    assert baseline.baseline_churn is None
    assert baseline.monthly_revenue == Money(0)


def test_report_finds_a_platform_by_name() -> None:
    values = tuple(PlatformValue(p, 0, Money(0), Money(0)) for p in Platform)
    report = ValueReport(Window(T, 90), values, _baseline())
    assert report.platform(Platform.AMAZON).platform is Platform.AMAZON
