"""The seed's five tests, under the seed's names, asserting real values.

The seed's worked example (Meta 2.50x, Google 3.20x, TikTok 4.00x, average 2.83x) is not
self-consistent: the average of those three is 3.23x and 2.50x is above the 15 % cut-off.
These tests use figures where the arithmetic holds; the seed's own figures are checked too,
to pin down that the rule, not the example, is implemented.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.efficiency import (
    PlatformInput,
    average_efficiency,
    best_platform,
    measurable,
    underperformers,
)
from kiki.syncflow.domain.plan import plan_cycle
from kiki.testing import Harness

NOW = datetime(2026, 2, 3, 9, 5, tzinfo=UTC)


def usd(units: float) -> Money:
    return Money.parse(units)


def inputs(*rows: tuple[Platform, float, float | None, float]) -> list[PlatformInput]:
    return [
        PlatformInput(p, usd(ltv), None if cac is None else usd(cac), usd(budget))
        for p, ltv, cac, budget in rows
    ]


SEED_SCENARIO = inputs(
    (Platform.META, 450, 180, 500),  # 2.50x after its CPM spike
    (Platform.GOOGLE, 480, 150, 500),  # 3.20x
    (Platform.TIKTOK, 420, 105, 500),  # 4.00x
    (Platform.LINKEDIN, 900, 300, 500),  # 3.00x
    (Platform.AMAZON, 420, 140, 500),  # 3.00x
    (Platform.MICROSOFT, 480, 160, 500),  # 3.00x
)


class TestGlobalBudgetOptimizer:
    def test_calculate_average_efficiency(self) -> None:
        kept, left_out = measurable(SEED_SCENARIO)
        assert [round(p.efficiency, 4) for p in kept] == [2.5, 3.2, 4.0, 3.0, 3.0, 3.0]
        assert left_out == []
        assert average_efficiency(kept) == pytest.approx(18.7 / 6)

    def test_detect_underperformers(self) -> None:
        kept, _ = measurable(SEED_SCENARIO)
        average = average_efficiency(kept)  # 3.1167x, cut-off 2.649x
        assert [p.platform for p in underperformers(kept, average, 0.15)] == [Platform.META]
        # The seed's own example: Meta 2.50x against a stated 2.83x average is NOT below 2.41x.
        seed_kept, _ = measurable(SEED_SCENARIO[:3])
        assert underperformers(seed_kept, 2.83, 0.15) == []

    def test_find_best_platform(self) -> None:
        kept, _ = measurable(SEED_SCENARIO)
        best = best_platform(kept)
        assert best is not None
        assert (best.platform, best.efficiency) == (Platform.TIKTOK, 4.0)
        tie = measurable(inputs((Platform.AMAZON, 300, 100, 1), (Platform.GOOGLE, 300, 100, 1)))[0]
        assert best_platform(tie).platform is Platform.GOOGLE  # type: ignore[union-attr]

    def test_shift_budget(self) -> None:
        plan = plan_cycle(SEED_SCENARIO, OptimizerConfig(), usage={}, now=NOW)
        assert len(plan.shifts) == 1
        shift = plan.shifts[0]
        assert (shift.source, shift.destination, shift.amount) == (
            Platform.META,
            Platform.TIKTOK,
            usd(100),
        )
        assert shift.reason == "Efficiency drop: 2.50x vs 3.12x avg"
        assert shift.alert_text == (
            "Meta CPMs impacted. Shifted $100/day to TikTok (4.00x LTV/CAC vs 2.50x)"
        )

    def test_full_optimization_cycle(self, tmp_path: object) -> None:
        h = Harness.build(str(tmp_path))
        h.open_client("acme")
        h.sandbox.shock("acme", Platform.META, cpm_factor=1.4)
        h.clock.advance(6 * 3600)  # the trailing CAC window fills with post-spike spend
        report = h.services.run_cycle("acme")
        assert [o.result.value for o in report.outcomes] == ["APPLIED"]
        assert h.budgets("acme")[Platform.META] == usd(400)
        assert h.budgets("acme")[Platform.TIKTOK] == usd(500)
        assert h.total("acme") == usd(2500)
        [shift] = h.shifts("acme")
        assert (shift.source, shift.destination, shift.amount, shift.status.value) == (
            Platform.META,
            Platform.TIKTOK,
            usd(100),
            "APPLIED",
        )
        assert shift.reason == "Efficiency drop: 2.14x vs 3.06x avg"
        [alert] = h.alerts.alerts
        assert alert.message == (
            "Meta CPMs impacted. Shifted $100/day to TikTok (4.00x LTV/CAC vs 2.14x)"
        )
        assert (
            h.services.ports.metrics.value(
                "syncflow_budget_shifts_total",
                {"from_platform": "PLATFORM_META", "to_platform": "PLATFORM_TIKTOK"},
            )
            == 1.0
        )
        assert h.services.ports.metrics.value(
            "syncflow_platform_efficiency", {"platform": "PLATFORM_TIKTOK"}
        ) == pytest.approx(4.0)
        assert [e.event.event_type for e in h.services.ports.audit.entries()] == ["BUDGET_SHIFTED"]
