"""The gate learning from its outcomes: calibration, threshold tuning (applied on request,
audited) and the weekly review of rejected campaigns with its alert and gauges.

Without a client each use case reads every client's decisions together, and a threshold
applied then is the fleet's (``ALL_CLIENTS``), which a client's own threshold overrides.
"""

from __future__ import annotations

import dataclasses

from kiki.application import periods
from kiki.application.base import ServicesBase
from kiki.synctwin.domain.calibration import CalibrationReport
from kiki.synctwin.services.calibration import report_calibration
from kiki.synctwin.services.review import WeeklyReview, run_weekly_review, weekly_review
from kiki.synctwin.services.tune_threshold import ThresholdChange, tune_threshold


class GateServices(ServicesBase):
    def gate_calibration(self, client_id: str | None = None) -> CalibrationReport:
        """Reliability table, Brier score, log loss and ECE of every decision with an outcome."""
        return report_calibration(self._gate_scope(client_id), store=self.ports.gate_decisions)

    def tune_gate(self, client_id: str | None = None, *, apply: bool = False) -> ThresholdChange:
        """The threshold the outcomes recommend, or why none; with ``apply``, stored for the
        client (or the fleet) and audited GATE_THRESHOLD_CHANGED. A refusal is a value."""
        p = self.ports
        return tune_threshold(
            self._gate_scope(client_id),
            store=p.gate_decisions,
            book=p.thresholds,
            audit=p.audit,
            clock=p.clock,
            apply=apply,
            default_threshold=p.settings.confidence_threshold,
        )

    def gate_review(
        self, client_id: str | None = None, *, since: str | None = None
    ) -> WeeklyReview:
        """The campaigns rejected since ``since`` (as people type it: ``7d``, ``24h``, an ISO
        date; default the last 7 days), the trailing FN/FP rates and the recommendation."""
        p = self.ports
        now = p.clock.now()
        return weekly_review(
            self._gate_scope(client_id),
            store=p.gate_decisions,
            since=periods.since(since, now=now),
            until=now,
            book=p.thresholds,
            default_threshold=p.settings.confidence_threshold,
            trailing_days=p.settings.review_trailing_days,
        )

    def run_gate_reviews(self) -> list[WeeklyReview]:
        """The weekly job: review every client with decisions and the fleet, send each alert
        due, and set the gauges from the fleet's review (the last one)."""
        p = self.ports
        reviews = run_weekly_review(
            store=p.gate_decisions,
            book=p.thresholds,
            notifier=p.notifier,
            audit=p.audit,
            clock=p.clock,
            default_threshold=p.settings.confidence_threshold,
            trailing_days=p.settings.review_trailing_days,
        )
        self._observe_gate(reviews[-1])
        return reviews

    def observe_gate(self) -> WeeklyReview:
        """Set the gauges from the fleet's review now, sending nothing (the service's start)."""
        review = self.gate_review()
        self._observe_gate(review)
        return review

    def _observe_gate(self, fleet: WeeklyReview) -> None:
        t = fleet.trailing
        self.ports.metrics.observe_gate_review(
            false_negative_rate=t.false_negative_rate.value,
            false_positive_rate=t.false_positive_rate.value,
            calibration_error=fleet.calibration.expected_calibration_error,
            outcomes=t.confusion.total,
        )

    def _gate_scope(self, client_id: str | None) -> str | None:
        return None if client_id is None else self.require_client(client_id)


def without_sweep(change: ThresholdChange) -> ThresholdChange:
    """``change`` without its candidate thresholds: what an applied change is kept as (the
    sweep can run to thousands of candidates; the evidence names the ones that matter)."""
    return dataclasses.replace(change, tuning=dataclasses.replace(change.tuning, candidates=()))
