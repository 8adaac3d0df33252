"""A cycle's cost: its reads share one connection and read transaction, and what it reads does
not grow with the client's history (counted with SQLAlchemy's events, never timed)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import make_engine, read_scope
from kiki.adapters.sql.safety import SqlClientStates
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.client_state import ClientState, ClientStatus
from kiki.syncledger.ledger import Transfer, TransferKind
from kiki.testing import Harness
from tests.conftest import POSTGRES_URL, unavailable


@dataclass
class Count:
    statements: list[str] = field(default_factory=list)
    reads: int = 0  # transactions begun on read-only connections
    writes: int = 0

    def statement(self, _conn: sa.Connection, _cursor: Any, sql: str, *_: Any) -> None:
        if sql.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            self.statements.append(sql)

    def begin(self, conn: sa.Connection) -> None:
        if conn.get_execution_options().get("kiki_read_only"):
            self.reads += 1
        else:
            self.writes += 1


class counted:  # noqa: N801  # reads as a phrase: with counted(engine) as c
    def __init__(self, engine: Engine) -> None:
        self.engine, self.count = engine, Count()

    def __enter__(self) -> Count:
        event.listen(self.engine, "before_cursor_execute", self.count.statement)
        event.listen(self.engine, "begin", self.count.begin)
        return self.count

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self.count.statement)
        event.remove(self.engine, "begin", self.count.begin)


def test_a_read_scope_is_one_transaction_and_a_write_ends_it(engine: Engine) -> None:
    states = SqlClientStates(engine)
    with counted(engine) as c, read_scope(engine):
        assert states.get("a").state is ClientState.ACTIVE
        assert states.get("b").state is ClientState.ACTIVE
        assert states.get("a").state is ClientState.ACTIVE  # the memo: no statement
        assert (c.reads, len(c.statements)) == (1, 2)
        states.set(
            ClientStatus("a", ClientState.PAUSED, "by hand", datetime(2026, 2, 3, 9, 0, tzinfo=UTC))
        )
        # the write ended the read transaction and the memo: the next read sees it
        assert states.get("a").state is ClientState.PAUSED
        assert (c.reads, c.writes) == (2, 1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/kiki.sqlite3"
        return
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_URL}", exc)
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def engine_of(h: Harness) -> Engine:
    found = [e for e in _engines(h) if e.url.database == sa.make_url(h.database_url).database]
    return found[0]


def _engines(h: Harness) -> list[Engine]:
    ledger = h.services.ports.ledger
    return [ledger._engine]  # type: ignore[attr-defined]  # the SqlLedger's


def steady_cycle(h: Harness, client: str) -> Count:
    h.clock.advance(3600)
    with counted(engine_of(h)) as c:
        report = h.services.run_cycle(client)
    assert report.status.value == "COMPLETED"
    assert not report.outcomes
    return c


def old_history(h: Harness, client: str, shifts: int) -> None:
    """``shifts`` posted shifts, two days old and older, through the real ledger."""
    at = h.clock.now() - timedelta(days=2)
    ledger = h.services.ports.ledger
    for i in range(shifts):
        pending = Transfer(
            transfer_id=f"old-{i}:pending",
            client_id=client,
            shift_id=f"old-{i}",
            kind=TransferKind.PENDING,
            source="budget:PLATFORM_GOOGLE",
            destination="budget:PLATFORM_AMAZON",
            amount=Money(1_000_000),
            reason="history",
            at=at - timedelta(minutes=i),
            source_before=Money(600_000_000),
            destination_before=Money(450_000_000),
        )
        ledger.record(pending)
        ledger.record(
            Transfer(
                transfer_id=f"old-{i}:post",
                client_id=client,
                shift_id=f"old-{i}",
                kind=TransferKind.POSTED,
                source=pending.source,
                destination=pending.destination,
                amount=pending.amount,
                reason="history",
                at=pending.at,
                corrects=pending.transfer_id,
            )
        )


def test_a_steady_cycle_reads_once_whatever_the_history(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = Harness.build(tmp_path, database_url=database_url)
    try:
        h.open_client("c")
        h.clock.advance(6 * 3600)
        h.services.run_cycle("c")  # the first reading
        fresh = steady_cycle(h, "c")
        old_history(h, "c", 150)
        ledger = h.services.ports.ledger
        read: list[int] = []
        transfers = ledger.transfers

        def counting(**kwargs: Any) -> list[Transfer]:
            found = transfers(**kwargs)
            read.append(len(found))
            return found

        monkeypatch.setattr(ledger, "transfers", counting)
        aged = steady_cycle(h, "c")
    finally:
        h.close()
    assert read == [0, 0]  # reconciling and the window: not one of the 300 old transfers
    # one read transaction; the writes are the lease (taken, given back) and the reading kept
    assert (fresh.reads, fresh.writes) == (1, 3)
    assert len(fresh.statements) <= 10, fresh.statements
    # the same statements with 300 more transfers in the ledger: nothing reads the history
    assert aged.statements == fresh.statements
    assert (aged.reads, aged.writes) == (fresh.reads, fresh.writes)


def test_a_shifting_cycle_still_caps_on_the_window_it_reads(
    database_url: str, tmp_path: Path
) -> None:
    """The 24 h cap comes from the transfers in the window, read from the database: a shock
    that would drain Meta is held to the cap however many cycles run."""
    h = Harness.build(tmp_path, database_url=database_url, shift_cooldown_s=0.0)
    try:
        h.open_client("c")
        old_history(h, "c", 20)
        h.sandbox.shock("c", Platform.META, cpm_factor=2.0)
        for _ in range(24):
            h.clock.advance(300)
            h.services.run_cycle("c")
        meta = h.budgets("c")[Platform.META]
    finally:
        h.close()
    assert meta == Money(400_000_000)  # 80 % of 500: the rolling cap, not 0.8 ** 24
