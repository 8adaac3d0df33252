"""What one optimisation cycle costs: SQL statements and transactions, counted, and cycles/s.

Run: .venv/bin/python -m benchmarks.bench_cycle_cost [--quick] [--postgres URL] [--show-sql]

For SQLite (a file) and PostgreSQL, in one process: a steady cycle (nothing moves) and a
shifting cycle (Meta's CPM shocked, so one shift is applied), each with 0, 1,000 and 10,000
transfers (and as many audit entries) already in the client's history, older than the 24 h
window. Statements and transactions are counted on KIKI's engine by SQLAlchemy events (the
sandbox runs in memory, so only KIKI's database is counted), not estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kiki.core.platform import Platform
from kiki.testing import Harness

HISTORIES = (0, 1_000, 10_000)
HEAVY = "heavy-client"


@dataclass
class Counter:
    """Statements, transactions and commits on one database, by SQLAlchemy's events."""

    database: str
    statements: int = 0  # BEGIN itself not counted: it is the transaction
    transactions: int = 0
    read_transactions: int = 0  # begun on a read-only connection
    commits: int = 0
    sql: list[str] = field(default_factory=list)
    keep_sql: bool = False

    def reset(self) -> None:
        self.statements = self.transactions = self.read_transactions = self.commits = 0
        self.sql.clear()

    def ours(self, conn: sa.Connection) -> bool:
        return conn.engine.url.database == self.database

    def statement(self, conn: sa.Connection, *args: Any) -> None:
        if self.ours(conn) and str(args[1]).strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            self.statements += 1
            if self.keep_sql:
                self.sql.append(" ".join(str(args[1]).split())[:160])

    def begin(self, conn: sa.Connection) -> None:
        if self.ours(conn):
            self.transactions += 1
            self.read_transactions += bool(conn.get_execution_options().get("kiki_read_only"))

    def commit(self, conn: sa.Connection) -> None:
        if self.ours(conn):
            self.commits += 1


@contextmanager
def counting(database: str, *, keep_sql: bool = False) -> Iterator[Counter]:
    counter = Counter(database, keep_sql=keep_sql)
    hooks = (
        ("before_cursor_execute", counter.statement),
        ("begin", counter.begin),
        ("commit", counter.commit),
    )
    for name, fn in hooks:
        event.listen(Engine, name, fn)
    try:
        yield counter
    finally:
        for name, fn in hooks:
            event.remove(Engine, name, fn)


def add_history(harness: Harness, client_id: str, count: int) -> None:
    """``count`` old transfers (pending + posted pairs, two days ago and older) and as many
    audit entries, written straight to the tables (the figure is about reading them)."""
    if count == 0:
        return
    from kiki.adapters.sql.tables import (  # noqa: PLC0415
        audit_chains,
        audit_entries,
        ledger_transfers,
    )
    from kiki.syncshield.chain import GENESIS_HASH  # noqa: PLC0415

    engine = sa.create_engine(_driver(harness.database_url))
    at = harness.clock.now() - timedelta(days=2)
    rows = []
    for i in range(count // 2):
        shift = f"{client_id}/old-{i:06d}"
        common = {
            "client_id": client_id,
            "shift_id": shift,
            "source": "budget:PLATFORM_META",
            "destination": "budget:PLATFORM_GOOGLE",
            "amount_micros": 1_000_000,
            "reason": "history",
            "at": at - timedelta(minutes=i),
            "bound_for": None,
        }
        rows.append(
            {
                **common,
                "transfer_id": f"{shift}:pending",
                "kind": "PENDING",
                "corrects": None,
                "source_before_micros": 500_000_000,
                "destination_before_micros": 500_000_000,
            }
        )
        rows.append(
            {
                **common,
                "transfer_id": f"{shift}:post",
                "kind": "POSTED",
                "corrects": f"{shift}:pending",
                "source_before_micros": None,
                "destination_before_micros": None,
            }
        )
    with engine.begin() as conn:
        conn.execute(ledger_transfers.insert(), rows)
        # the client's audit chain, as long as its ledger (hashes not computed: not verified)
        entries = [
            {
                "event_type": "HISTORY",
                "at": at,
                "client_id": client_id,
                "campaign_id": None,
                "reason": None,
                "metadata_json": "{}",
                "prev_hash": GENESIS_HASH,
                "hash": GENESIS_HASH,
                "chain": client_id,
                "chain_seq": i + 1,
                "registry_seq": None,
            }
            for i in range(count)
        ]
        conn.execute(audit_entries.insert(), entries)
        conn.execute(audit_chains.insert().values(chain=client_id, seq=count, hash=GENESIS_HASH))
    engine.dispose()


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@dataclass
class Figures:
    database: str
    history: int
    steady_per_s: float
    shifting_per_s: float
    steady_statements: int
    steady_transactions: int
    steady_read_transactions: int
    steady_commits: int
    shifting_statements: int
    shifting_transactions: int
    shifting_read_transactions: int
    shifting_commits: int


def measure(
    label: str, database_url: str, data_dir: str, *, clients: int, history: int, show_sql: bool
) -> Figures:
    """Cycles of ``clients`` clients, each with ``history`` transfers; counts on one client."""
    h = Harness.build(data_dir, database_url=database_url)
    database = sa.make_url(h.database_url).database or ""
    ids = [f"c{history}-{c:05d}" for c in range(clients)]
    for cid in ids:
        h.open_client(cid)
        add_history(h, cid, history)
    h.clock.advance(6 * 3600)
    for cid in ids:  # warm: first readings, caches, the connection pool
        h.services.run_cycle(cid)
    h.clock.advance(2 * 3600)

    with counting(database, keep_sql=show_sql) as counter:
        h.services.run_cycle(ids[0])
        steady = (
            counter.statements,
            counter.transactions,
            counter.read_transactions,
            counter.commits,
        )
        if show_sql:
            print(f"-- steady cycle [{label}]:", *counter.sql, sep="\n  ")
    started = time.perf_counter()
    for cid in ids:
        h.services.run_cycle(cid)
    steady_s = time.perf_counter() - started

    for cid in ids:
        h.sandbox.shock(cid, Platform.META, cpm_factor=1.6)
    h.clock.advance(6 * 3600)
    with counting(database, keep_sql=show_sql) as counter:
        report = h.services.run_cycle(ids[0])
        shifting = (
            counter.statements,
            counter.transactions,
            counter.read_transactions,
            counter.commits,
        )
        if show_sql:
            print(f"-- shifting cycle [{label}]:", *counter.sql, sep="\n  ")
    applied = sum(1 for o in report.outcomes if o.result.value == "APPLIED")
    assert applied == 1, f"the shifting cycle applied {applied} shifts: {report}"
    started = time.perf_counter()
    moved = 0
    for cid in ids[1:]:
        r = h.services.run_cycle(cid)
        moved += sum(1 for o in r.outcomes if o.result.value == "APPLIED")
    shifting_s = time.perf_counter() - started
    assert moved == len(ids) - 1, f"only {moved} of {len(ids) - 1} cycles shifted"
    h.close()
    figures = Figures(
        label,
        history,
        round(clients / steady_s, 1),
        round((clients - 1) / shifting_s, 1),
        *steady,
        *shifting,
    )
    print(
        f"cycle [{label}, {history:>6,} transfers]: steady {figures.steady_per_s:>7,.0f}/s "
        f"({steady[0]} statements, {steady[1]} transactions of which {steady[2]} read, "
        f"{steady[3]} commits); shifting {figures.shifting_per_s:>6,.0f}/s ({shifting[0]} "
        f"statements, {shifting[1]} transactions of which {shifting[2]} read, "
        f"{shifting[3]} commits)"
    )
    return figures


@contextmanager
def postgres_schema(admin_url: str) -> Iterator[str]:
    """A fresh schema on ``admin_url``; yields a URL that uses it."""
    schema = f"bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(_driver(admin_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{admin_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(
    *, quick: bool = False, postgres: str | None = None, show_sql: bool = False
) -> dict[str, Any]:
    postgres = postgres or default_postgres()
    # clients per row by history: the 10,000-transfer rows insert 10,000 rows per client
    sizes = {0: 20, 1_000: 20, 10_000: 5} if quick else {0: 100, 1_000: 100, 10_000: 20}
    results: list[Figures] = []
    for history in HISTORIES:
        clients = sizes[history]
        with tempfile.TemporaryDirectory() as tmp:
            results.append(
                measure(
                    "SQLite",
                    f"sqlite:///{tmp}/bench.sqlite3",
                    tmp,
                    clients=clients,
                    history=history,
                    show_sql=show_sql and history == 0,
                )
            )
        with tempfile.TemporaryDirectory() as tmp, postgres_schema(postgres) as url:
            results.append(
                measure(
                    "PostgreSQL",
                    url,
                    tmp,
                    clients=clients,
                    history=history,
                    show_sql=show_sql and history == 0,
                )
            )
    return {
        "clients": sizes,
        "cycles": [asdict(r) | {"clients": sizes[r.history]} for r in results],
    }


def default_postgres() -> str:
    return os.environ.get("KIKI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=default_postgres())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    figures = run(quick=args.quick, postgres=args.postgres, show_sql=args.show_sql)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
