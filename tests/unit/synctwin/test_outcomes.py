"""Wilson intervals, the minimum sample that can show a target, and the exact binomial test."""

from __future__ import annotations

import math

import pytest

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.outcomes import (
    Z_95,
    DecisionOutcome,
    Proportion,
    binomial_p_value,
    minimum_trials,
    wilson_interval,
)


def test_z_is_the_two_sided_95_percent_normal_quantile() -> None:
    assert abs(Z_95 - 1.959963984540054) < 1e-15


def test_wilson_interval_matches_the_textbook_values() -> None:
    assert wilson_interval(5, 10) == pytest.approx((0.236593, 0.763407), abs=1e-6)
    assert wilson_interval(1, 20) == pytest.approx((0.008881, 0.236131), abs=1e-6)


def test_a_perfect_record_of_twenty_still_allows_a_sixteen_percent_rate() -> None:
    low, high = wilson_interval(0, 20)
    assert low == 0.0
    assert high == pytest.approx(Z_95**2 / (20 + Z_95**2))
    assert round(high, 3) == 0.161
    assert wilson_interval(20, 20) == (pytest.approx(1 - high), 1.0)


def test_minimum_trials_is_where_a_perfect_record_first_shows_the_target() -> None:
    assert minimum_trials(0.05) == 73
    assert minimum_trials(0.10) == 35
    for target in (0.05, 0.10):
        n = minimum_trials(target)
        assert wilson_interval(0, n)[1] < target <= wilson_interval(0, n - 1)[1]
    with pytest.raises(InvalidInputError, match="target"):
        minimum_trials(1.0)


def test_an_empty_proportion_has_no_rate_and_excludes_nothing() -> None:
    empty = Proportion.of(0, 0)
    assert (empty.value, empty.low, empty.high) == (None, None, None)
    assert not empty.excludes(0.5)
    assert Proportion.of(0, 20).excludes(0.2)
    assert not Proportion.of(0, 20).excludes(0.1)
    with pytest.raises(ValueError, match="count"):
        Proportion.of(3, 2)


def test_the_binomial_test_is_twice_the_smaller_exact_tail() -> None:
    n, p = 30, 0.2
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    for x in (0, 3, 6, 12, 30):
        expected = min(1.0, 2 * min(sum(pmf[: x + 1]), sum(pmf[x:])))
        assert binomial_p_value(x, n, p) == pytest.approx(expected, rel=1e-9)
    with pytest.raises(ValueError, match="probability"):
        binomial_p_value(1, 2, 0.0)


@pytest.mark.parametrize("confidence", [-0.01, 1.01, math.nan, math.inf])
def test_an_outcome_needs_a_confidence_in_zero_one(confidence: float) -> None:
    with pytest.raises(InvalidInputError, match="confidence"):
        DecisionOutcome(confidence, Money(1))


def test_breaking_even_is_not_profitable() -> None:
    assert not DecisionOutcome(0.9, Money(0)).profitable
    assert DecisionOutcome(0.9, Money(1)).profitable


def test_a_proportion_describes_itself_with_two_decimals() -> None:
    assert Proportion.of(94, 941).describe() == "9.99% (94/941) [8.23%, 12.07%]"
    assert Proportion.of(0, 0).describe() == "n/a (no cases)"


def test_refuses_what_has_no_interval_or_test() -> None:
    with pytest.raises(ValueError, match="trial"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="successes"):
        binomial_p_value(3, 2, 0.5)
