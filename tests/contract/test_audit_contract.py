"""SyncShield's audit trail on SQLite and PostgreSQL: chained, append-only, tamper-evident."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.audit import SqlAuditLog
from kiki.adapters.sql.engine import make_engine
from kiki.core.errors import StorageError
from kiki.syncshield import GENESIS_HASH, AuditEvent
from tests.conftest import POSTGRES_URL

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
        "chain 'acme': its entry 2 is missing (next found is entry 3)",
        "entry 3 does not link to the entry before it",
        "chain 'acme' ends at its entry 3 but its head records entry 4",
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


def test_each_client_has_its_own_chain_and_each_chain_starts_from_the_one_before(
    engine: Engine,
) -> None:
    audit = SqlAuditLog(engine)
    a1, b1, a2, n1 = (
        audit.append(event(1)),
        audit.append(event(2, client="globex")),
        audit.append(event(3)),
        audit.append(AuditEvent("SETTINGS", T0)),  # no client: the chain ""
    )
    assert [(x.chain, x.chain_seq, x.registry_seq) for x in (a1, b1, a2, n1)] == [
        ("acme", 1, 1),
        ("globex", 1, 2),
        ("acme", 2, None),
        ("", 1, 3),
    ]
    assert (a2.prev_hash, b1.prev_hash, n1.prev_hash) == (a1.hash, a1.hash, b1.hash)
    assert audit.verify().ok


def _three_clients(engine: Engine) -> SqlAuditLog:
    audit = SqlAuditLog(engine)
    for i in range(3):
        for client in ("acme", "globex", "initech"):
            audit.append(event(i, client=client))
    assert audit.verify().ok
    return audit


def test_an_inserted_entry_is_detected(engine: Engine) -> None:
    audit = _three_clients(engine)
    forged = audit.entries(client_id="globex")[1]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO audit_entries (seq, event_type, at, client_id, metadata_json, "
                "prev_hash, hash, chain, chain_seq) SELECT 100, event_type, at, client_id, "
                "metadata_json, prev_hash, hash, chain, 4 FROM audit_entries WHERE seq = :seq"
            ),
            {"seq": forged.seq},
        )
    problems = audit.verify().problems
    assert "entry 100 does not link to the entry before it" in problems
    assert "entry 100 was edited (its hash does not match its content)" in problems
    assert "chain 'globex' ends at its entry 4 but its head records entry 3" in problems


def test_a_whole_chain_deleted_with_its_head_is_detected(engine: Engine) -> None:
    audit = _three_clients(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries WHERE chain = 'globex'"))
        conn.execute(sa.text("DELETE FROM audit_chains WHERE chain = 'globex'"))
    problems = audit.verify().problems
    first_initech = audit.entries(client_id="initech")[0].seq
    assert problems == (
        "chain 2 of the registry is missing (next found is 3, chain 'initech')",
        f"entry {first_initech} does not link to the chain started before it",
    )


def test_the_last_chain_deleted_with_its_head_is_detected(engine: Engine) -> None:
    audit = _three_clients(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries WHERE chain = 'initech'"))
        conn.execute(sa.text("DELETE FROM audit_chains WHERE chain = 'initech'"))
    assert audit.verify().problems == ("the registry ends at chain 2 but its head records chain 3",)


def test_a_chain_deleted_but_its_head_is_detected(engine: Engine) -> None:
    audit = _three_clients(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries WHERE chain = 'initech'"))
    problems = audit.verify().problems
    assert "chain 'initech': its head records entry 3, none is left" in problems


def test_entries_written_on_the_single_chain_before_still_verify(engine: Engine) -> None:
    """A trail from before per-client chains: its entries keep their chain and head, and the
    registry starts from that head, so deleting its last entry is still caught."""
    from kiki.syncshield.chain import entry_hash

    old = [event(i) for i in range(1, 3)]
    prev = GENESIS_HASH
    with engine.begin() as conn:
        for seq, ev in enumerate(old, start=1):
            digest = entry_hash(prev, seq, ev)
            conn.execute(
                sa.text(
                    "INSERT INTO audit_entries (seq, event_type, at, client_id, reason, "
                    "metadata_json, prev_hash, hash) VALUES (:seq, :t, :at, :c, :r, :m, :p, :h)"
                ),
                {
                    "seq": seq,
                    "t": ev.event_type,
                    "at": ev.at,
                    "c": ev.client_id,
                    "r": ev.reason,
                    "m": json.dumps(ev.metadata, sort_keys=True, default=str),
                    "p": prev,
                    "h": digest,
                },
            )
            prev = digest
        # as migration 0016 leaves it: the single chain's head, the registry starting from it
        conn.execute(sa.text("UPDATE audit_head SET seq = 2, hash = :h WHERE id = 1"), {"h": prev})
        conn.execute(sa.text("UPDATE audit_head SET seq = 0, hash = :h WHERE id = 2"), {"h": prev})
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval('audit_entries_seq_seq', 3, false)"))
    audit = SqlAuditLog(engine)
    new = audit.append(event(3))
    assert (new.seq, new.prev_hash, new.registry_seq) == (3, prev, 1)
    assert audit.verify().ok
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries WHERE seq = 2"))
    assert audit.verify().problems == ("the chain ends at entry 1 but the head records entry 2",)
    # the single chain's head rewritten to match: the registry, which began from it, objects
    first = audit.entries()[0]
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE audit_head SET seq = 1, hash = :h WHERE id = 1"), {"h": first.hash}
        )
    assert audit.verify().problems == ("entry 3 does not link to the chain started before it",)


@pytest.mark.postgres
def test_appenders_of_different_clients_do_not_wait_for_each_other(
    postgres_engine: Engine,
) -> None:
    """An appender of acme is paused mid-append (its entry inserted, not committed): globex
    appends at once, a second acme appender waits (here: gives up at the lock timeout)."""
    audit = SqlAuditLog(postgres_engine)
    audit.append(event(1))
    audit.append(event(1, client="globex"))
    with postgres_engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()

    def engine_for(options: str = "") -> Engine:
        return make_engine(
            POSTGRES_URL, connect_args={"options": f"-csearch_path={schema} {options}"}
        )

    paused, inserted, resume = engine_for(), threading.Event(), threading.Event()

    @sa.event.listens_for(paused, "after_cursor_execute")
    def _pause(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        if sql.startswith("INSERT INTO audit_entries"):
            inserted.set()
            resume.wait()

    impatient = engine_for("-c lock_timeout=2000")
    appender = threading.Thread(target=lambda: SqlAuditLog(paused).append(event(2)))
    try:
        appender.start()
        inserted.wait()
        other = SqlAuditLog(impatient)
        assert other.append(event(2, client="globex")).chain_seq == 2
        with pytest.raises(StorageError, match="appending to the audit trail"):
            other.append(event(3))
    finally:
        resume.set()
        appender.join()
        paused.dispose()
        impatient.dispose()
    assert [e.chain_seq for e in audit.entries(client_id="acme")] == [1, 2]
    assert audit.verify().ok
