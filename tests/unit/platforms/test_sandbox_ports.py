"""The sandbox's shared values: account specs, factors and the views ``show`` returns."""

from __future__ import annotations

import pytest

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import AccountSpec, AccountView, Factors, check_factor
from kiki.platforms.telemetry import Totals

USD = 1_000_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"daily_budget": Money(-1)}, "daily_budget"),
        ({"cpm": Money(0)}, "cpm"),
        ({"ctr": 0.0}, "ctr"),
        ({"ctr": 1.5}, "ctr"),
        ({"cvr": 0.0}, "cvr"),
        ({"cvr": float("nan")}, "cvr"),
        ({"ltv": Money(-1)}, "aov"),
        ({"aov": Money(0)}, "aov"),
    ],
)
def test_an_account_spec_outside_the_rules_is_refused(
    changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "daily_budget": Money(500 * USD),
        "cpm": Money(7 * USD),
        "ctr": 0.02,
        "cvr": 0.01,
        "ltv": Money(450 * USD),
    }
    with pytest.raises(InvalidInputError, match=field):
        AccountSpec(**(values | changes))  # type: ignore[arg-type]


def test_an_order_is_worth_the_ltv_unless_an_order_value_is_given() -> None:
    spec = AccountSpec(Money(1), Money(1), 0.5, 0.5, Money(450 * USD))
    assert spec.order_value == Money(450 * USD)
    assert AccountSpec(
        Money(1), Money(1), 0.5, 0.5, Money(1), aov=Money(80 * USD)
    ).order_value == Money(80 * USD)


@pytest.mark.parametrize("bad", [0, 0.009, 100.5, float("nan"), float("-inf"), True, "1.4", None])
def test_a_factor_is_a_finite_number_from_a_hundredth_to_a_hundred(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="cpm_factor"):
        check_factor(bad, field="cpm_factor")
    with pytest.raises(InvalidInputError, match="cvr_factor"):
        Factors(cvr=bad)  # type: ignore[arg-type]
    assert check_factor(1, field="cpm_factor") == 1.0


def test_an_account_views_cac_is_its_windows() -> None:
    window = Totals(spend=Money(300 * USD), conversions=2.0)
    view = AccountView(
        Platform.META,
        AccountSpec(Money(1), Money(1), 0.5, 0.5, Money(1)),
        Factors(),
        daily_budget=Money(1),
        window=window,
        today=Totals(),
    )
    assert view.cac == Money(150 * USD)
