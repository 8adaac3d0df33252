"""SyncValue on the full CDNOW log: import rows per second, and one all-platforms value report.

Run: .venv/bin/python -m benchmarks.bench_syncvalue [--postgres URL] [--repeats N]

Each engine gets a throwaway database (a temporary SQLite file; a fresh PostgreSQL schema that
is dropped afterwards). The customers, orders and spend files (platforms and spend added by the
rules in ``kiki.syncvalue.testing``) go through the real CSV import, then ``value_report`` (LTV,
CAC and cohort of all six platforms plus the baseline, in one call) is timed: median of N calls
for three as-of instants, the first being the heaviest (every customer's cohort in one window).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import make_engine, upgrade
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.value_source import SqlValueSource
from kiki.syncvalue import testing as cdnow
from kiki.syncvalue.domain.records import RecordKind
from kiki.syncvalue.services.import_csv import import_csv

CLIENT = "cdnow"
AS_OF = [
    datetime(1997, 4, 1, tzinfo=UTC),
    datetime(1998, 1, 1, tzinfo=UTC),
    datetime(1998, 7, 1, tzinfo=UTC),
]
TARGET_MS = 50.0


def run(engine: Engine, label: str, repeats: int) -> None:
    path = cdnow.cdnow_path()
    if path is None:
        raise SystemExit("install the dev extra: the lifetimes package carries CDNOW")
    orders = list(cdnow.cdnow_orders(path))
    customers = cdnow.cdnow_customers(orders)
    spend = cdnow.cdnow_spend()
    files: list[tuple[RecordKind, Iterator[bytes]]] = [
        (RecordKind.CUSTOMERS, cdnow.customers_csv(customers)),
        (RecordKind.ORDERS, cdnow.orders_csv(orders)),
        (RecordKind.SPEND, cdnow.spend_csv(spend)),
    ]
    importer = SqlValueImporter(engine)
    for kind, lines in files:
        started = time.perf_counter()
        result = import_csv(kind, lines, client_id=CLIENT, importer=importer)
        elapsed = time.perf_counter() - started
        print(
            f"{label} import {kind.value}: {result.rows:,} rows in {elapsed:.2f} s "
            f"-> {result.rows / elapsed:,.0f} rows/s"
        )
    source = SqlValueSource(engine)
    for as_of in AS_OF:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            report = source.value_report(CLIENT, lookback_days=90, as_of=as_of)
            timings.append(time.perf_counter() - started)
        median_ms = statistics.median(timings) * 1000
        cohort = sum(p.customers for p in report.platforms)
        verdict = "ok" if median_ms <= TARGET_MS else f"over the {TARGET_MS:.0f} ms target"
        print(
            f"{label} value_report as of {as_of:%Y-%m-%d}, L=90 ({cohort:,} cohort customers, "
            f"{report.baseline.orders:,} orders in W): median {median_ms:.1f} ms of {repeats} "
            f"[{verdict}]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "KIKI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        try:
            run(engine, "sqlite", args.repeats)
        finally:
            engine.dispose()

    if args.skip_postgres:
        return
    schema = f"bench_{secrets.token_hex(4)}"
    admin = make_engine(args.postgres)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = make_engine(args.postgres, connect_args={"options": f"-csearch_path={schema}"})
        upgrade(engine)
        try:
            run(engine, "postgres", args.repeats)
        finally:
            engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
