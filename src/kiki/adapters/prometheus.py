"""Prometheus metrics with the seed's names, on a registry owned by the app (not the global one)."""

from __future__ import annotations

import math

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from kiki.adapters.prometheus_mirror import MirrorCollector
from kiki.core.platform import Platform
from kiki.synctwin.domain.mirror import FloatArray

# The label values the services use; each series is exported at 0 before its first event.
PLATFORM_OPERATIONS = ("read", "set", "create_campaign")
LEFT_OUT_REASONS = ("no_data", "ltv_unavailable", "api_error")
RECONCILIATIONS = ("PENDING", "POSTED", "VOIDED", "ROLLED_BACK", "STUCK")
CYCLE_FAILURES = ("storage", "platform", "fenced", "unknown_client", "unexpected")
GUARDIAN_RULES = ("margin", "cvr_drop", "api_outage", "budget_overrun")
CHAOS_TESTS = ("market_shock", "conversion_drop", "api_outage", "budget_overrun")


class PrometheusMetrics:
    """Implements SyncFlow's OptimizerMetrics port."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.budget_shifts = Counter(
            "syncflow_budget_shifts",
            "Budget reallocations applied, by source and destination platform.",
            ["from_platform", "to_platform"],
            registry=r,
        )
        self.platform_efficiency = Gauge(
            "syncflow_platform_efficiency",
            "Last measured LTV/CAC ratio per platform.",
            ["platform"],
            registry=r,
        )
        self.platforms_left_out = Counter(
            "syncflow_platforms_left_out",
            "Platforms left out of a cycle for want of data, by reason.",
            ["platform", "reason"],
            registry=r,
        )
        self.platform_api_errors = Counter(
            "syncflow_platform_api_errors",
            "Failed platform API calls, by platform and operation.",
            ["platform", "operation"],
            registry=r,
        )
        self.cycle_duration = Histogram(
            "syncflow_cycle_duration_seconds",
            "Wall time of one client's optimisation cycle.",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.reconciliations = Counter(
            "syncflow_reconciliations",
            "Pending transfers the reconciler resolved, by result.",
            ["result"],
            registry=r,
        )
        self.cycle_failures = Counter(
            "syncflow_cycle_failures",
            "Cycles the scheduler saw fail, by cause (the pass went on with the other clients).",
            ["cause"],
            registry=r,
        )
        self.twin_simulations = Counter(
            "synctwin_simulations",
            "Monte Carlo scenarios run by SyncTwin's pre-launch gate.",
            registry=r,
        )
        self.twin_gate_decisions = Counter(
            "synctwin_gate_decisions",
            "Pre-launch gate verdicts, by outcome (approved or rejected).",
            ["outcome"],
            registry=r,
        )
        self.twin_simulation_duration = Histogram(
            "synctwin_simulation_duration_seconds",
            "Wall time of one pre-launch simulation run (all its scenarios).",
            buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1),
            registry=r,
        )
        self.guardian_actions = Counter(
            "syncflow_guardian_actions",
            "MarginGuardian actions (pauses, rollbacks, bid moves, flags), by rule.",
            ["rule"],
            registry=r,
        )
        self.chaos_tests = Counter(
            "synctwin_chaos_tests",
            "Chaos-suite tests run, by test and result (passed or failed).",
            ["test", "result"],
            registry=r,
        )
        # The gate's weekly review, fleet-wide (no per-client labels: a tenant's client ids
        # are not for a shared dashboard). NaN while a rate has no cases.
        self.twin_false_negative_rate = Gauge(
            "synctwin_gate_false_negative_rate",
            "Share of profitable campaigns the gate rejected, over the review's trailing window.",
            registry=r,
        )
        self.twin_false_positive_rate = Gauge(
            "synctwin_gate_false_positive_rate",
            "Share of losing campaigns the gate approved, over the review's trailing window.",
            registry=r,
        )
        self.twin_calibration_error = Gauge(
            "synctwin_gate_calibration_error",
            "Expected calibration error of the gate's confidence, on every outcome so far.",
            registry=r,
        )
        self.twin_review_outcomes = Gauge(
            "synctwin_gate_review_outcomes",
            "Decisions with a known outcome in the review's trailing window.",
            registry=r,
        )
        self.mirror = MirrorCollector(r)
        self._start_series_at_zero()
        for rule in GUARDIAN_RULES:
            self.guardian_actions.labels(rule=rule)
        for test in CHAOS_TESTS:
            for result in ("passed", "failed"):
                self.chaos_tests.labels(test=test, result=result)

    def _start_series_at_zero(self) -> None:
        """Export every known label set at 0 from the start: a series born at 1 is invisible to
        increase() and rate(), so a route's first shift would never reach the dashboards."""
        for source in Platform:
            for destination in Platform:
                if source is not destination:
                    self.budget_shifts.labels(
                        from_platform=source.value, to_platform=destination.value
                    )
            for operation in PLATFORM_OPERATIONS:
                self.platform_api_errors.labels(platform=source.value, operation=operation)
            for reason in LEFT_OUT_REASONS:
                self.platforms_left_out.labels(platform=source.value, reason=reason)
        for outcome in ("approved", "rejected"):
            self.twin_gate_decisions.labels(outcome=outcome)
        for result in RECONCILIATIONS:
            self.reconciliations.labels(result=result)
        for cause in CYCLE_FAILURES:
            self.cycle_failures.labels(cause=cause)

    def observe_efficiency(self, platform: Platform, value: float) -> None:
        self.platform_efficiency.labels(platform=platform.value).set(value)

    def count_shift(self, source: Platform, destination: Platform) -> None:
        self.budget_shifts.labels(from_platform=source.value, to_platform=destination.value).inc()

    def count_left_out(self, platform: Platform, reason: str) -> None:
        self.platforms_left_out.labels(platform=platform.value, reason=reason).inc()

    def count_platform_error(self, platform: Platform, operation: str) -> None:
        self.platform_api_errors.labels(platform=platform.value, operation=operation).inc()

    def observe_cycle(self, duration_s: float) -> None:
        self.cycle_duration.observe(duration_s)

    def count_reconciliation(self, result: str) -> None:
        self.reconciliations.labels(result=result).inc()

    def count_cycle_failure(self, cause: str) -> None:
        self.cycle_failures.labels(cause=cause).inc()

    def observe_simulation(self, simulations: int, duration_s: float) -> None:
        """SyncTwin's GateMetrics."""
        self.twin_simulations.inc(simulations)
        self.twin_simulation_duration.observe(duration_s)

    def count_decision(self, approved: bool) -> None:
        self.twin_gate_decisions.labels(outcome="approved" if approved else "rejected").inc()

    def count_guardian_action(self, rule: str) -> None:
        """MarginGuardian's GuardianMetrics."""
        self.guardian_actions.labels(rule=rule).inc()

    def count_chaos_test(self, test: str, passed: bool) -> None:
        """The chaos suite's ChaosMetrics."""
        self.chaos_tests.labels(test=test, result="passed" if passed else "failed").inc()

    def observe_gate_review(
        self,
        *,
        false_negative_rate: float | None,
        false_positive_rate: float | None,
        calibration_error: float | None,
        outcomes: int,
    ) -> None:
        """SyncTwin's GateReviewMetrics."""
        self.twin_false_negative_rate.set(_or_nan(false_negative_rate))
        self.twin_false_positive_rate.set(_or_nan(false_positive_rate))
        self.twin_calibration_error.set(_or_nan(calibration_error))
        self.twin_review_outcomes.set(outcomes)

    def observe_deviations(self, deviations: FloatArray) -> None:
        self.mirror.observe_many(deviations)

    def count_rollback(self, mode: str) -> None:
        self.mirror.count_rollback(mode)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def value(self, name: str, labels: dict[str, str] | None = None) -> float:
        """A sample's current value (0.0 if never set), for tests and reports."""
        return self.registry.get_sample_value(name, labels or {}) or 0.0


def _or_nan(value: float | None) -> float:
    """An undefined rate is NaN to Prometheus (no cases is not a rate of 0)."""
    return math.nan if value is None else value
