"""SyncShield's audit trail on SQLite and PostgreSQL: chained, append-only, tamper-evident."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.audit import SqlAuditLog
from kiki.syncshield import GENESIS_HASH, AuditEvent

T0 = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


def event(i: int, client: str = "acme") -> AuditEvent:
    return AuditEvent(
        event_type="BUDGET_SHIFTED",
        at=T0 + timedelta(minutes=i),
        client_id=client,
        reason=f"shift {i}",
        metadata={"amount_micros": 100_000_000 + i, "ratio": 2.14, "at": T0},
    )


def test_entries_chain_from_genesis_and_verify(engine: Engine) -> None:
    audit = SqlAuditLog(engine)
    first = audit.append(event(1))
    second = audit.append(event(2, client="globex"))
    assert (first.seq, first.prev_hash, second.prev_hash) == (1, GENESIS_HASH, first.hash)
    report = audit.verify()
    assert (report.ok, report.entries, report.head_hash) == (True, 2, second.hash)
    assert [e.seq for e in audit.entries(client_id="globex")] == [2]
    assert audit.entries()[0].event.metadata == {
        "amount_micros": 100_000_001,
        "ratio": 2.14,
        "at": "2026-02-03 09:00:00+00:00",
    }


def test_an_edited_entry_is_detected(engine: Engine) -> None:
    audit = SqlAuditLog(engine)
    for i in range(3):
        audit.append(event(i))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entries SET reason = 'nothing to see' WHERE seq = 2"))
    report = audit.verify()
    assert not report.ok
    assert report.problems == ("entry 2 was edited (its hash does not match its content)",)


def test_a_deleted_entry_in_the_middle_or_at_the_end_is_detected(engine: Engine) -> None:
    audit = SqlAuditLog(engine)
    for i in range(4):
        audit.append(event(i))
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries WHERE seq IN (2, 4)"))
    problems = audit.verify().problems
    assert problems == (
        "entry 2 is missing (next found is 3)",
        "entry 3 does not link to the entry before it",
        "the chain ends at entry 3 but the head records entry 4",
    )


def test_concurrent_appenders_build_one_unbroken_chain(engine: Engine) -> None:
    audit = SqlAuditLog(engine)
    barrier = threading.Barrier(4)

    def append(worker: int) -> None:
        barrier.wait()
        for i in range(5):
            audit.append(event(worker * 10 + i))

    threads = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = audit.verify()
    assert (report.ok, report.entries) == (True, 20)
    assert [e.seq for e in audit.entries()] == list(range(1, 21))
