"""The service's weekly gate review, driven directly: its alerts, its gauges, its schedule."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiki.core.errors import ConfigurationError
from kiki.core.money import Money
from kiki.scheduler import ServiceScheduler, crontab
from kiki.settings import Settings
from kiki.syncnotify.alert import Severity
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.ports import GateDecision
from kiki.testing import Harness
from tests.unit.api.conftest import Service

CLIENT = "acme-shop"
STRATEGY = Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"})
BASELINE = Baseline.from_dict(
    {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
)


def decide(service: Service, *, approved: bool, won: bool, count: int, tag: str) -> None:
    """``count`` decisions two days ago (inside the 28-day window), with their outcomes."""
    at = service.clock.now() - timedelta(days=2)
    store = service.services.ports.gate_decisions
    for i in range(count):
        decision = GateDecision(
            decision_id=f"{tag}-{i}",
            client_id=CLIENT,
            at=at,
            strategy=STRATEGY,
            baseline=BASELINE,
            approved=approved,
            confidence=0.95 if approved else 0.40,
            seed=i,
            result={"risk_profile": "HIGH", "projected_net_profit_uplift": 1200.0},
        )
        store.record(decision)
        store.record_outcome(decision.decision_id, Money(5_000_000 if won else -3_000_000), at=at)


@pytest.mark.parametrize(
    ("profitable_approved", "profitable_rejected", "losing_approved", "alert"),
    [
        (19, 1, 0, True),  # FN 1/20 = 5 %: at the target, not under it
        (20, 1, 0, False),  # FN 1/21 = 4.8 %
        (20, 0, 1, True),  # FP 1/10 = 10 % (nine losers rejected)
        (20, 0, 0, False),
    ],
)
def test_the_weekly_job_alerts_exactly_when_a_rate_reaches_its_target(
    service: Service,
    profitable_approved: int,
    profitable_rejected: int,
    losing_approved: int,
    alert: bool,
) -> None:
    decide(service, approved=True, won=True, count=profitable_approved, tag="tp")
    decide(service, approved=False, won=True, count=profitable_rejected, tag="fn")
    decide(service, approved=True, won=False, count=losing_approved, tag="fp")
    decide(service, approved=False, won=False, count=10 - losing_approved, tag="tn")

    scheduler = ServiceScheduler(service.services)
    raised = scheduler.run_gate_review()

    alerts = [a for a in service.alerts.alerts if a.title.startswith("SyncTwin gate")]
    if not alert:
        assert (raised, alerts) == (0, [])
        return
    assert raised == 2  # the client's review and the fleet's
    assert [a.client_id for a in alerts] == [CLIENT, None]
    assert {a.severity for a in alerts} == {Severity.WARNING}
    assert "at or above the" in alerts[0].message
    assert "(in force: 0.85)" in alerts[0].message
    # too few outcomes to recommend a threshold, and the alert says why
    assert alerts[0].details["recommended_threshold"] is None
    assert alerts[0].details["refusals"] == ["TOO_FEW_PROFITABLE", "TOO_FEW_LOSING"]


def test_the_weekly_job_sets_the_gauges_from_the_fleets_trailing_window(
    service: Service,
) -> None:
    decide(service, approved=True, won=True, count=19, tag="tp")
    decide(service, approved=False, won=True, count=1, tag="fn")
    decide(service, approved=False, won=False, count=8, tag="tn")
    decide(service, approved=True, won=False, count=2, tag="fp")
    assert ServiceScheduler(service.services).run_gate_review() == 2  # FP 20 %: alerts

    metrics = service.services.ports.metrics
    assert metrics.value("synctwin_gate_false_negative_rate") == 1 / 20
    assert metrics.value("synctwin_gate_false_positive_rate") == 2 / 10
    assert metrics.value("synctwin_gate_review_outcomes") == 30
    calibration = service.services.gate_calibration().overall
    assert calibration.expected_calibration_error is not None
    assert metrics.value("synctwin_gate_calibration_error") == pytest.approx(
        calibration.expected_calibration_error
    )


def test_the_gauges_are_exported_at_zero_then_nan_while_there_is_nothing_to_judge(
    service: Service,
) -> None:
    metrics = service.services.ports.metrics
    exposition = metrics.render()[0].decode()
    for name in (
        "synctwin_gate_false_negative_rate",
        "synctwin_gate_false_positive_rate",
        "synctwin_gate_calibration_error",
        "synctwin_gate_review_outcomes",
    ):
        assert f"\n{name} 0.0\n" in exposition
    scheduler = ServiceScheduler(service.services)
    scheduler.start()  # sets the gauges once, before the first Monday
    scheduler.stop()
    assert math.isnan(metrics.value("synctwin_gate_false_negative_rate"))
    assert math.isnan(metrics.value("synctwin_gate_calibration_error"))
    assert metrics.value("synctwin_gate_review_outcomes") == 0


TUESDAY = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "fires"),
    [
        (Settings().review_cron, [(9, 6)]),  # the default: Monday 06:00 UTC
        ("0 6 * * 0", [(8, 6)]),  # cron's Sunday (APScheduler 3 would read Monday)
        ("0 6 * * 7", [(8, 6)]),
        ("30 5 * * 1-5", [(4, 5), (5, 5), (6, 5), (9, 5)]),
        ("0 6 * * sat,sun", [(7, 6), (8, 6)]),
        ("0 6 * * 0-1,3", [(4, 6), (8, 6), (9, 6)]),
    ],
)
def test_the_review_cron_reads_days_of_the_week_as_cron_does(
    expression: str, fires: list[tuple[int, int]]
) -> None:
    trigger = crontab(expression, setting="review_cron")
    seen, previous, at = [], None, TUESDAY
    for _ in range(len(fires)):
        at = trigger.get_next_fire_time(previous, at)
        seen.append((at.day, at.hour))
        previous, at = at, at + timedelta(minutes=1)
    assert seen == fires
    assert trigger.get_next_fire_time(None, TUESDAY).tzinfo is not None


@pytest.mark.parametrize(
    "expression", ["every monday", "0 6 * *", "0 6 * * */2", "0 25 * * 1", "0 6 * * 5-2"]
)
def test_a_bad_review_cron_is_a_configuration_error_naming_the_variable(
    tmp_path: Path, expression: str
) -> None:
    h = Harness.build(tmp_path, review_cron=expression)
    try:
        with pytest.raises(ConfigurationError, match="KIKI_REVIEW_CRON"):
            ServiceScheduler(h.services)
    finally:
        h.close()
