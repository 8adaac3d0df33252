"""The gate's JSON: the results' own shapes, money in micros joined by currency units, and a
stored (idempotent) answer that decodes to what renders the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiki.adapters.memory.gate_decisions import InMemoryGateDecisionStore
from kiki.adapters.memory.thresholds import InMemoryThresholdBook
from kiki.application.codec import Codec
from kiki.application.gate_services import without_sweep
from kiki.core.clock import VirtualClock
from kiki.syncshield.chain import AuditEvent
from kiki.synctwin.services.calibration import report_calibration
from kiki.synctwin.services.review import WeeklyReview, weekly_review
from kiki.synctwin.services.tune_threshold import ThresholdChange, tune_threshold
from kiki.synctwin.testing import GateBehaviour, synthetic_decisions
from kiki.views import gate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class NoAudit:
    def append(self, event: AuditEvent) -> None:
        raise AssertionError(f"nothing is audited without apply: {event}")


def store(n: int = 400) -> InMemoryGateDecisionStore:
    kept = InMemoryGateDecisionStore()
    for d in synthetic_decisions(n, behaviour=GateBehaviour.OPTIMISTIC, seed=11):
        kept.record(d)
    return kept


def change() -> ThresholdChange:
    return tune_threshold(
        "acme",
        store=store(),
        book=InMemoryThresholdBook(),
        audit=NoAudit(),
        clock=VirtualClock(NOW),
    )


def test_every_micros_field_is_joined_by_its_currency_units() -> None:
    body = gate.tuning(change())
    best = body["recommended"]
    assert best["net_micros"] == best["protected_micros"] - best["forgone_micros"]
    assert best["net"] == best["net_micros"] / 1_000_000
    assert body["candidates"][0]["forgone"] == body["candidates"][0]["forgone_micros"] / 1e6
    assert body["status"] == "PROPOSED"


def test_an_applied_change_renders_without_the_sweep_and_the_same_after_storage() -> None:
    result = change()
    kept = without_sweep(result)
    codec: Codec[ThresholdChange] = Codec(ThresholdChange)
    replayed = codec.decode(codec.encode(kept))
    assert replayed == kept
    assert gate.threshold_change(replayed) == gate.threshold_change(result)
    assert "candidates" not in gate.threshold_change(result)
    assert len(gate.tuning(result)["candidates"]) == len(result.tuning.candidates) > 50


def test_a_review_and_a_calibration_survive_the_codec_unchanged() -> None:
    kept = store()
    review = weekly_review("acme", store=kept, since=NOW - timedelta(days=60), until=NOW, book=None)
    codec: Codec[WeeklyReview] = Codec(WeeklyReview)
    assert codec.decode(codec.encode(review)) == review
    body = gate.review(review)
    assert body["summary"]["forgone"] == body["summary"]["forgone_micros"] / 1_000_000
    report = report_calibration("acme", store=kept)
    assert gate.calibration(report)["overall"]["outcomes"] == 400
