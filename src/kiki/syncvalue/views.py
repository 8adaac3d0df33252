"""SyncValue's answers as JSON-ready dicts, in currency units (the shapes the issue fixes)."""

from __future__ import annotations

from typing import Any

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import Baseline, PlatformValue, ValueReport


def _units(amount: Money | None) -> float | None:
    return None if amount is None else amount.to_units()


def platform_view(value: PlatformValue) -> dict[str, Any]:
    return {
        "platform": value.platform.value,
        "ltv": _units(value.ltv),
        "cac": _units(value.cac),
        "customers": value.customers,
        "revenue": value.revenue.to_units(),
        "spend": value.spend.to_units(),
    }


def ltv_view(report: ValueReport, *, platform: Platform | None = None) -> dict[str, Any]:
    """``{"as_of", "lookback_days", "platforms": [...]}``; one platform if ``platform`` is set."""
    values = report.platforms if platform is None else (report.platform(platform),)
    return {
        "as_of": report.window.as_of.isoformat(),
        "lookback_days": report.window.lookback_days,
        "platforms": [platform_view(v) for v in values],
    }


def baseline_view(baseline: Baseline) -> dict[str, Any]:
    return {
        "as_of": baseline.window.as_of.isoformat(),
        "lookback_days": baseline.window.lookback_days,
        "monthly_revenue": baseline.monthly_revenue.to_units(),
        "monthly_ad_spend": baseline.monthly_ad_spend.to_units(),
        "avg_order_value": _units(baseline.avg_order_value),
        "orders": baseline.orders,
        "baseline_churn": baseline.baseline_churn,
    }
