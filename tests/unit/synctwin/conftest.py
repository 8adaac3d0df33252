"""Strategies and baselines shared by SyncTwin's tests (currency units, as from JSON)."""

from __future__ import annotations

import pytest

from kiki.synctwin.domain.inputs import Baseline, Strategy


@pytest.fixture
def baseline() -> Baseline:
    return Baseline.from_dict(
        {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
    )


@pytest.fixture
def good_strategy() -> Strategy:
    # a = 50 000 x 0.02 x 85 - 30 x 800 = 61 000; b = -40 000: exact confidence 0.9891
    return Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"})


@pytest.fixture
def losing_strategy() -> Strategy:
    # a = 10 000, b = -40 000: loses money in every scenario the normal tail reaches
    return Strategy.from_dict({"audience_size": 20_000, "cvr": 0.02, "daily_budget": "800"})
