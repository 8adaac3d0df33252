"""tune_threshold: recommend, apply through the ThresholdBook with an audit event, or refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.memory.gate_decisions import InMemoryGateDecisionStore
from kiki.adapters.memory.thresholds import InMemoryThresholdBook
from kiki.adapters.sql.audit import SqlAuditLog
from kiki.core.clock import VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.tuning import Refusal
from kiki.synctwin.ports import ALL_CLIENTS
from kiki.synctwin.services.calibration import judged_outcomes, report_calibration
from kiki.synctwin.services.tune_threshold import (
    GATE_THRESHOLD_CHANGED,
    ChangeStatus,
    ThresholdChange,
    effective_threshold,
    tune_threshold,
)
from kiki.synctwin.testing import START, GateBehaviour, synthetic_decisions

NOW = datetime(2028, 6, 1, 9, 0, tzinfo=UTC)  # after every synthetic decision


class World:
    def __init__(self, engine: Engine, n: int, *, seed: int = 22) -> None:
        self.store = InMemoryGateDecisionStore()
        for d in synthetic_decisions(
            n, behaviour=GateBehaviour.CALIBRATED, seed=seed, clients=("acme", "zeta")
        ):
            self.store.record(d)
        self.book = InMemoryThresholdBook()
        self.audit = SqlAuditLog(engine)
        self.clock = VirtualClock(NOW)

    def tune(
        self,
        client_id: str | None = None,
        *,
        apply: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> ThresholdChange:
        return tune_threshold(
            client_id,
            store=self.store,
            book=self.book,
            audit=self.audit,
            clock=self.clock,
            apply=apply,
            since=since,
            until=until,
        )


def test_proposes_without_storing_unless_asked(sqlite_engine: Engine) -> None:
    world = World(sqlite_engine, 1_500)
    change = world.tune()
    assert change.status is ChangeStatus.PROPOSED
    assert change.previous == 0.85
    assert change.threshold is not None
    assert change.threshold < 0.85
    assert world.book.history(ALL_CLIENTS) == []
    assert world.audit.entries() == []


def test_apply_stores_the_threshold_and_audits_the_same_evidence(sqlite_engine: Engine) -> None:
    world = World(sqlite_engine, 1_500)
    change = world.tune(apply=True)
    assert change.status is ChangeStatus.APPLIED
    assert world.book.get(ALL_CLIENTS) == change.threshold
    [stored] = world.book.history(ALL_CLIENTS)
    assert stored.at == NOW
    [entry] = world.audit.entries(event_type=GATE_THRESHOLD_CHANGED)
    assert entry.event.metadata == stored.evidence
    assert entry.event.reason == f"0.85 -> {change.threshold}"
    assert entry.event.client_id is None
    evidence = stored.evidence
    assert evidence["threshold"] == change.threshold
    assert evidence["previous_threshold"] == 0.85
    assert evidence["outcomes"] == 1_500
    assert evidence["recommended"]["meets_targets"] is True
    assert evidence["minimum"] == {"profitable": 73, "losing": 35}
    assert world.audit.verify().ok
    # tuned again on the same outcomes: nothing to change, nothing written
    again = world.tune(apply=True)
    assert again.status is ChangeStatus.UNCHANGED
    assert again.previous == change.threshold
    assert len(world.book.history(ALL_CLIENTS)) == 1
    assert len(world.audit.entries()) == 1


def test_apply_refuses_on_too_few_outcomes_and_changes_nothing(sqlite_engine: Engine) -> None:
    world = World(sqlite_engine, 100)
    change = world.tune("acme", apply=True)
    assert change.status is ChangeStatus.REFUSED
    assert change.threshold is None
    assert Refusal.TOO_FEW_PROFITABLE in change.refusals
    assert change.evidence()["refusals"][0] == "TOO_FEW_PROFITABLE"
    assert world.book.history("acme") == []
    assert world.audit.entries() == []


def test_a_client_is_tuned_on_its_own_outcomes_and_stored_under_its_id(
    sqlite_engine: Engine,
) -> None:
    world = World(sqlite_engine, 3_000)
    change = world.tune("acme", apply=True)
    acme = judged_outcomes(world.store.decisions(client_id="acme"), until=NOW)
    assert change.tuning.outcomes == len(acme) < 3_000
    assert change.status is ChangeStatus.APPLIED
    assert world.book.get("acme") == change.threshold
    assert world.book.get(ALL_CLIENTS) is None
    [entry] = world.audit.entries(client_id="acme")
    assert entry.event.event_type == GATE_THRESHOLD_CHANGED


def test_the_window_limits_the_outcomes(sqlite_engine: Engine) -> None:
    world = World(sqlite_engine, 400)
    # one decision every 6 hours from START: the first 40 days hold 160
    change = world.tune(since=START, until=START + timedelta(days=40))
    assert change.tuning.outcomes == 160
    assert change.evidence()["window"] == {
        "since": START.isoformat(),
        "until": (START + timedelta(days=40)).isoformat(),
    }
    with pytest.raises(InvalidInputError, match="since"):
        world.tune(since=START, until=START)


def test_thresholds_fall_back_from_client_to_fleet_to_setting() -> None:
    book = InMemoryThresholdBook()
    assert effective_threshold("acme", book=book, default=0.8) == 0.8
    book.put(ALL_CLIENTS, 0.7, {}, NOW)
    assert effective_threshold("acme", book=book) == 0.7
    assert effective_threshold(None, book=book) == 0.7
    book.put("acme", 0.6, {}, NOW)
    assert effective_threshold("acme", book=book) == 0.6
    assert effective_threshold("zeta", book=book) == 0.7


def test_calibration_report_reads_the_store_per_client() -> None:
    store = InMemoryGateDecisionStore()
    for d in synthetic_decisions(
        600,
        behaviour=GateBehaviour.OPTIMISTIC,
        seed=3,
        clients=("acme", "zeta"),
        awaiting_share=0.1,
    ):
        store.record(d)
    report = report_calibration(store=store)
    judged = [d for d in store.decisions() if d.actual_net_profit is not None]
    assert report.overall.outcomes == len(judged)
    assert [c.client_id for c in report.clients] == ["acme", "zeta"]
    only = report_calibration("zeta", store=store)
    assert [c.client_id for c in only.clients] == ["zeta"]
    assert only.clients[0] == report.clients[1]
    with pytest.raises(InvalidInputError, match="bins"):
        report_calibration(store=store, bins=0)


def test_the_json_shape_adds_status_and_candidates(sqlite_engine: Engine) -> None:
    world = World(sqlite_engine, 1_500)
    body = world.tune().to_dict()
    assert body["status"] == "PROPOSED"
    assert body["scope"] == ALL_CLIENTS
    assert len(body["candidates"]) > 100
    with pytest.raises(InvalidInputError, match="default_threshold"):
        tune_threshold(
            store=world.store,
            book=world.book,
            audit=world.audit,
            clock=world.clock,
            default_threshold=1.0,
        )
