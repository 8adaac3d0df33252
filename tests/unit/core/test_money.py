from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money


@pytest.mark.parametrize(
    ("raw", "micros"),
    [
        ("12.5", 12_500_000),
        (12.5, 12_500_000),
        (100, 100_000_000),
        ("0.000001", 1),
        (0.1, 100_000),
        (Decimal("450.00"), 450_000_000),
        (" 7 ", 7_000_000),
    ],
)
def test_parses_currency_units_exactly_into_micros(raw: object, micros: int) -> None:
    assert Money.parse(raw).micros == micros


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (float("-inf"), "finite"),
        ("NaN", "finite"),
        ("1.0000001", "more than 6 decimals"),
        (-1, "negative"),
        ("abc", "not a number"),
        (True, "number"),
        (None, "number"),
        ("1e30", "too large"),
    ],
)
def test_refuses_what_is_not_money_naming_the_field(raw: object, rule: str) -> None:
    with pytest.raises(InvalidInputError, match=rule) as caught:
        Money.parse(raw, field="daily_budget")
    assert caught.value.field == "daily_budget"


def test_float_subclasses_such_as_numpy_parse_by_their_value() -> None:
    import numpy as np

    assert Money.parse(np.float64(735.26)).micros == 735_260_000


def test_negative_amounts_parse_only_where_allowed() -> None:
    assert Money.parse("-3.2", allow_negative=True).micros == -3_200_000


@pytest.mark.parametrize(
    ("micros", "shown"),
    [
        (100_000_000, "$100"),
        (1_234_500_000, "$1,234.50"),
        (-3_200_000_000, "-$3,200"),
        (1, "$0.000001"),
        (209_999_987, "$209.999987"),
    ],
)
def test_formats_whole_amounts_without_cents_and_keeps_sub_cent_digits(
    micros: int, shown: str
) -> None:
    assert Money(micros).format() == shown


def test_display_rounding_to_cents_is_half_to_even() -> None:
    assert Money(209_999_987).format(cents=True) == "$210"
    assert Money(168_745_000).format(cents=True) == "$168.74"


def test_fraction_rounds_down_so_a_cap_is_never_exceeded() -> None:
    assert Money(500_000_000).fraction(0.2).micros == 100_000_000
    assert Money(333).fraction(0.2).micros == 66


@given(st.integers(min_value=0, max_value=2**62), st.floats(min_value=0, max_value=1))
def test_fraction_never_exceeds_the_exact_share(micros: int, ratio: float) -> None:
    share = Money(micros).fraction(ratio).micros
    assert 0 <= share <= Decimal(micros) * Decimal(repr(ratio))
    assert Decimal(micros) * Decimal(repr(ratio)) - share < 1


@given(st.integers(min_value=-(2**62), max_value=2**62))
def test_format_and_parse_round_trip(micros: int) -> None:
    text = Money(micros).format(symbol="").replace(",", "")
    assert Money.parse(text, allow_negative=True).micros == micros


def test_money_holds_only_whole_micros_in_the_int64_range() -> None:
    with pytest.raises(TypeError, match="must be an int"):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be an int"):
        Money(True)
    with pytest.raises(InvalidInputError, match="int64"):
        Money(2**63)
    with pytest.raises(InvalidInputError, match=r"not money|number"):
        Money.parse([1])


def test_arithmetic_and_conversions_stay_exact() -> None:
    a, b = Money(1_500_000), Money(250_000)
    assert (a + b, a - b, -a) == (Money(1_750_000), Money(1_250_000), Money(-1_500_000))
    assert a.to_decimal() == Decimal("1.5")
    assert a.to_units() == 1.5
    assert str(a) == "$1.50"
    assert Money.zero() == Money(0)
    with pytest.raises(InvalidInputError, match="ratio"):
        a.fraction(float("nan"))
