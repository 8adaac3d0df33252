"""SyncValue's answers as JSON, in currency units (the shapes its issue fixed)."""

from __future__ import annotations

from typing import Any

from kiki.application.values import PlatformValueAnswer, ValueAnswer
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import Baseline
from kiki.views.flow import units


def platform_value(value: PlatformValueAnswer) -> dict[str, Any]:
    return {
        "platform": value.platform.value,
        "ltv": units(value.ltv),
        "cac": units(value.cac),
        "customers": value.customers,
        "revenue": value.revenue.to_units(),
        "spend": value.spend.to_units(),
    }


def ltv(answer: ValueAnswer, *, platform: Platform | None = None) -> dict[str, Any]:
    """``{"as_of", "lookback_days", "source", "platforms": [...]}``; ``source`` says whether
    the figures were measured from imported data or come from the sandbox's model."""
    values = answer.platforms if platform is None else (answer.platform(platform),)
    return {
        "as_of": answer.window.as_of.isoformat(),
        "lookback_days": answer.window.lookback_days,
        "source": answer.origin.value,
        "platforms": [platform_value(v) for v in values],
    }


def baseline(result: Baseline) -> dict[str, Any]:
    return {
        "as_of": result.window.as_of.isoformat(),
        "lookback_days": result.window.lookback_days,
        "monthly_revenue": result.monthly_revenue.to_units(),
        "monthly_ad_spend": result.monthly_ad_spend.to_units(),
        "avg_order_value": units(result.avg_order_value),
        "orders": result.orders,
        "baseline_churn": result.baseline_churn,
    }
