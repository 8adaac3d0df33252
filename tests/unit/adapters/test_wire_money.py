"""Money on each platform's wire converts to micros exactly, or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiki.adapters.platforms.money import (
    meta_step_micros,
    micros_to_json_number,
    to_steps,
    units_to_micros,
)
from kiki.core.money import Money
from kiki.platforms.errors import PlatformDataError, UnrepresentableAmountError


def test_meta_budgets_are_cents_except_in_its_whole_unit_currencies() -> None:
    assert meta_step_micros("USD") == 10_000
    assert meta_step_micros("BHD") == 10_000  # three ISO decimals, cents on Meta
    assert meta_step_micros("jpy") == 1_000_000
    assert meta_step_micros("HUF") == 1_000_000  # two ISO decimals, whole units on Meta


def test_decimal_strings_and_json_numbers_become_micros_exactly() -> None:
    assert units_to_micros("12.34", what="spend") == 12_340_000
    assert units_to_micros(50.25, what="budget") == 50_250_000
    assert units_to_micros("0.000001", what="spend") == 1
    assert units_to_micros(0.1, what="budget") == 100_000  # the text 0.1, not the binary float


@pytest.mark.parametrize("value", ["12.3456789", "1e-7", "NaN", "abc", float("inf"), True])
def test_a_value_finer_than_a_micro_or_not_a_number_is_an_error_not_a_rounding(
    value: object,
) -> None:
    with pytest.raises(PlatformDataError):
        units_to_micros(value, what="spend")


def test_a_budget_that_is_not_a_whole_number_of_the_platforms_unit_is_refused() -> None:
    assert to_steps(Money(12_340_000), 10_000, field="daily_budget", currency="USD") == 1234
    with pytest.raises(UnrepresentableAmountError, match=r"daily_budget: 12\.345 USD"):
        to_steps(Money(12_345_000), 10_000, field="daily_budget", currency="USD")
    with pytest.raises(UnrepresentableAmountError, match="whole units"):
        to_steps(Money(1_500_000), 1_000_000, field="daily_budget", currency="JPY")


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_micros_survive_the_round_trip_through_a_json_number(micros: int) -> None:
    number = micros_to_json_number(micros)
    assert Decimal(repr(number)) == Decimal(micros).scaleb(-6)
    assert units_to_micros(number, what="budget") == micros


def test_an_amount_a_json_number_cannot_hold_exactly_is_refused() -> None:
    with pytest.raises(UnrepresentableAmountError):
        micros_to_json_number(9_007_199_254_740_931)
