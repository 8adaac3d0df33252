"""The weekly review: rejected campaigns with their shadow outcomes, trailing rates, the alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.memory.gate_decisions import InMemoryGateDecisionStore
from kiki.adapters.memory.thresholds import InMemoryThresholdBook
from kiki.adapters.sql.audit import SqlAuditLog
from kiki.core.clock import VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.syncnotify.alert import Alert
from kiki.syncnotify.errors import DeliveryError
from kiki.syncnotify.recording import RecordingNotifier
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.ports import ALL_CLIENTS, GateDecision
from kiki.synctwin.services.review import (
    ShadowVerdict,
    WeeklyReview,
    review_alert,
    run_weekly_review,
    weekly_review,
)
from kiki.synctwin.testing import GateBehaviour, synthetic_decisions

UNTIL = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
SINCE = UNTIL - timedelta(days=7)
STRATEGY = Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"})
BASELINE = Baseline.from_dict(
    {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
)


class Decisions:
    def __init__(self) -> None:
        self.store = InMemoryGateDecisionStore()
        self.count = 0

    def add(
        self,
        *,
        approved: bool,
        profit: int | None,
        at: datetime,
        client: str = "acme",
        confidence: float | None = None,
    ) -> GateDecision:
        self.count += 1
        c = confidence if confidence is not None else (0.95 if approved else 0.5)
        decision = GateDecision(
            decision_id=f"d{self.count}",
            client_id=client,
            at=at,
            strategy=STRATEGY,
            baseline=BASELINE,
            approved=approved,
            confidence=c,
            seed=self.count,
            result={"risk_profile": "HIGH", "projected_net_profit_uplift": -3200.5},
            actual_net_profit=None if profit is None else Money(profit),
        )
        self.store.record(decision)
        return decision

    def many(self, n: int, *, approved: bool, won: bool, at: datetime) -> None:
        for _ in range(n):
            self.add(approved=approved, profit=1_000_000 if won else -1_000_000, at=at)

    def review(self, client: str | None = None) -> WeeklyReview:
        return weekly_review(client, store=self.store, since=SINCE, until=UNTIL)


@pytest.mark.parametrize(
    ("counts", "alerts"),
    [
        ((19, 1, 0, 10), (True, False)),  # FN exactly 5 %: at the target is not under it
        ((20, 1, 0, 10), (False, False)),  # FN 4.8 %
        ((10, 0, 1, 9), (False, True)),  # FP exactly 10 %
        ((10, 0, 1, 10), (False, False)),  # FP 9.1 %
        ((19, 1, 1, 9), (True, True)),
        ((0, 0, 0, 0), (False, False)),  # nothing judged yet: no rate, no alert
    ],
)
def test_the_alert_fires_exactly_when_a_rate_reaches_its_target(
    counts: tuple[int, int, int, int], alerts: tuple[bool, bool]
) -> None:
    (tp, fn, fp, tn), (fn_alert, fp_alert) = counts, alerts
    world = Decisions()
    inside = UNTIL - timedelta(days=20)
    world.many(tp, approved=True, won=True, at=inside)
    world.many(fn, approved=False, won=True, at=inside)
    world.many(fp, approved=True, won=False, at=inside)
    world.many(tn, approved=False, won=False, at=inside)
    # outside the 28-day window: a burst of false negatives that must not count
    world.many(5, approved=False, won=True, at=UNTIL - timedelta(days=29))
    world.add(approved=False, profit=5, at=UNTIL)  # until is excluded
    review = world.review()
    assert (review.trailing.fn_alert, review.trailing.fp_alert) == (fn_alert, fp_alert)
    assert review.alert == (fn_alert or fp_alert)
    assert (review_alert(review) is not None) == review.alert
    assert len(review.alert_reasons()) == fn_alert + fp_alert
    c = review.trailing.confusion
    assert (c.tp, c.fn, c.fp, c.tn) == (tp, fn, fp, tn)


def test_lists_the_periods_rejections_with_their_shadow_outcomes() -> None:
    world = Decisions()
    world.add(approved=False, profit=7_000_000, at=SINCE - timedelta(seconds=1))  # before
    loser = world.add(approved=False, profit=-2_500_000, at=SINCE, confidence=0.62)
    world.add(approved=True, profit=1_000_000, at=SINCE + timedelta(days=1))
    winner = world.add(approved=False, profit=4_000_000, at=SINCE + timedelta(days=2))
    waiting = world.add(approved=False, profit=None, at=UNTIL - timedelta(seconds=1))
    broke_even = world.add(approved=False, profit=0, at=UNTIL - timedelta(seconds=1))
    review = world.review()
    assert [r.decision_id for r in review.rejected] == [
        loser.decision_id,
        winner.decision_id,
        waiting.decision_id,
        broke_even.decision_id,
    ]
    assert [r.verdict for r in review.rejected] == [
        ShadowVerdict.TRUE_NEGATIVE,
        ShadowVerdict.FALSE_NEGATIVE,
        ShadowVerdict.AWAITING_OUTCOME,
        ShadowVerdict.TRUE_NEGATIVE,
    ]
    first = review.rejected[0]
    assert (first.confidence, first.risk_profile, first.projected_uplift) == (0.62, "HIGH", -3200.5)
    assert review.forgone == Money(4_000_000)
    assert review.protected == Money(2_500_000)
    summary = review.to_dict()["summary"]
    assert summary == {
        "rejected": 4,
        "false_negative": 1,
        "true_negative": 2,
        "awaiting_outcome": 1,
        "forgone_micros": 4_000_000,
        "protected_micros": 2_500_000,
    }


def test_a_client_review_sees_only_that_client() -> None:
    world = Decisions()
    world.add(approved=False, profit=1, at=SINCE, client="acme")
    world.add(approved=False, profit=1, at=SINCE, client="zeta")
    assert [r.client_id for r in world.review("zeta").rejected] == ["zeta"]
    assert len(world.review().rejected) == 2


def test_a_calibrated_gate_held_at_085_alerts_and_recommends_a_lower_threshold() -> None:
    store = InMemoryGateDecisionStore()
    decisions = synthetic_decisions(
        1_500, behaviour=GateBehaviour.CALIBRATED, seed=22, every=timedelta(hours=1)
    )
    for d in decisions:
        store.record(d)
    until = decisions[-1].at + timedelta(hours=1)
    book = InMemoryThresholdBook()
    book.put(ALL_CLIENTS, 0.85, {}, until - timedelta(days=90))
    review = weekly_review(store=store, since=until - timedelta(days=7), until=until, book=book)
    assert review.trailing.fn_alert
    assert review.current_threshold == 0.85
    assert review.recommended_threshold is not None
    assert review.recommended_threshold < 0.85
    alert = review_alert(review)
    assert alert is not None
    assert f"recommended threshold {review.recommended_threshold:.4f}" in alert.message
    assert "false-negative rate" in alert.message
    assert alert.details["recommended_threshold"] == review.recommended_threshold
    assert len(review.rejected) == sum(
        1 for d in decisions if not d.approved and d.at >= until - timedelta(days=7)
    )
    assert review.calibration.outcomes == review.tuning.outcomes == 1_500
    assert not review.calibration.miscalibrated
    assert review.to_dict()["calibration"]["miscalibrated"] is False
    replay = weekly_review(store=store, since=until - timedelta(days=7), until=until, book=book)
    assert replay == review


def test_an_alert_without_enough_outcomes_says_why_no_threshold_is_recommended() -> None:
    world = Decisions()
    world.many(19, approved=True, won=True, at=SINCE)
    world.many(1, approved=False, won=True, at=SINCE)
    alert = review_alert(world.review())
    assert alert is not None
    assert "no recommendation: 20 profitable outcomes, 73 needed" in alert.message


def test_bad_periods_name_the_field() -> None:
    store = InMemoryGateDecisionStore()
    with pytest.raises(InvalidInputError, match="since"):
        weekly_review(store=store, since=UNTIL, until=SINCE)
    with pytest.raises(InvalidInputError, match="until"):
        weekly_review(store=store, since=SINCE, until=UNTIL.replace(tzinfo=None))
    with pytest.raises(InvalidInputError, match="trailing_days"):
        weekly_review(store=store, since=SINCE, until=UNTIL, trailing_days=0)


class FailingNotifier:
    def send(self, alert: Alert) -> None:
        raise DeliveryError("no destination took it")


def test_the_weekly_job_reviews_every_client_and_the_fleet_and_sends_due_alerts(
    sqlite_engine: Engine,
) -> None:
    world = Decisions()
    world.many(19, approved=True, won=True, at=SINCE)
    world.many(1, approved=False, won=True, at=SINCE)  # acme: FN 5 %
    world.add(approved=False, profit=-1_000_000, at=SINCE, client="zeta")  # zeta: fine
    notifier = RecordingNotifier()
    audit = SqlAuditLog(sqlite_engine)
    reviews = run_weekly_review(
        store=world.store,
        book=InMemoryThresholdBook(),
        notifier=notifier,
        audit=audit,
        clock=VirtualClock(UNTIL),
    )
    assert [r.client_id for r in reviews] == ["acme", "zeta", None]
    assert [(r.since, r.until) for r in reviews] == [(SINCE, UNTIL)] * 3
    assert [a.client_id for a in notifier.alerts] == ["acme", None]
    assert audit.entries() == []
    run_weekly_review(
        store=world.store,
        book=InMemoryThresholdBook(),
        notifier=FailingNotifier(),
        audit=audit,
        clock=VirtualClock(UNTIL),
    )
    undelivered = audit.entries(event_type="ALERT_UNDELIVERED")
    assert [e.event.client_id for e in undelivered] == ["acme", None]
