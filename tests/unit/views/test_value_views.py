"""The JSON shapes of ``kiki value``: currency units, nulls for unknowns, the issue's keys."""

from __future__ import annotations

from datetime import UTC, datetime

from kiki.application.values import PlatformValueAnswer, ValueAnswer, ValueOrigin
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import Baseline, PlatformValue, Window
from kiki.views.value import baseline as baseline_view
from kiki.views.value import ltv as ltv_view

WINDOW = Window(datetime(2024, 4, 1, tzinfo=UTC), 30)
BASELINE = Baseline(WINDOW, Money(90_000_000), Money(0), 0, 0, 0)
MEASURED = [
    PlatformValue(p, 2 if p is Platform.META else 0, Money(5_000_001), Money(1_000_000))
    for p in Platform
]
REPORT = ValueAnswer(
    "acme",
    WINDOW,
    ValueOrigin.IMPORTED,
    tuple(
        PlatformValueAnswer(v.platform, v.ltv, v.cac, v.customers, v.revenue, v.spend)
        for v in MEASURED
    ),
)


def test_ltv_view_lists_one_platform_in_currency_units() -> None:
    assert ltv_view(REPORT, platform=Platform.META) == {
        "as_of": "2024-04-01T00:00:00+00:00",
        "lookback_days": 30,
        "source": "imported",
        "platforms": [
            {
                "platform": "PLATFORM_META",
                "ltv": 2.5,
                "cac": 0.5,
                "customers": 2,
                "revenue": 5.000001,
                "spend": 1.0,
            }
        ],
    }


def test_ltv_view_lists_all_platforms_with_null_for_unknown_values() -> None:
    platforms = ltv_view(REPORT)["platforms"]
    assert len(platforms) == 6
    assert platforms[1] == {
        "platform": "PLATFORM_GOOGLE",
        "ltv": None,
        "cac": None,
        "customers": 0,
        "revenue": 5.000001,
        "spend": 1.0,
    }


def test_baseline_view_has_the_issues_keys() -> None:
    assert baseline_view(BASELINE) == {
        "as_of": "2024-04-01T00:00:00+00:00",
        "lookback_days": 30,
        "monthly_revenue": 90.0,
        "monthly_ad_spend": 0.0,
        "avg_order_value": None,
        "orders": 0,
        "baseline_churn": None,
    }
