"""SyncFlow throughput: planning 10,000 clients x 6 platforms, and full cycles for 1,000 clients.

Run: .venv/bin/python -m benchmarks.bench_syncflow [--postgres URL]

The full cycle is the real thing: read six sandbox accounts, plan, and for every client whose
Meta CPM was shocked, lower Meta and raise TikTok at the sandbox, two ledger transfers and one
audit entry, under the per-client lock. Half the clients are shocked.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.efficiency import PlatformInput
from kiki.syncflow.domain.plan import plan_cycle
from kiki.testing import Harness

NOW = datetime(2026, 2, 3, 9, 5, tzinfo=UTC)


def plan_throughput(clients: int = 10_000, repeats: int = 5) -> float:
    rng = np.random.default_rng(20260203)
    ltv = rng.uniform(100, 900, size=(clients, 6))
    cac = rng.uniform(50, 300, size=(clients, 6))
    budget = rng.uniform(100, 1000, size=(clients, 6))
    snapshots = [
        [
            PlatformInput(
                p,
                Money.parse(round(ltv[c, i], 2)),
                Money.parse(round(cac[c, i], 2)),
                Money.parse(round(budget[c, i], 2)),
            )
            for i, p in enumerate(Platform)
        ]
        for c in range(clients)
    ]
    config = OptimizerConfig()
    timings = []
    shifts = 0
    for _ in range(repeats):
        started = time.perf_counter()
        shifts = sum(len(plan_cycle(s, config, usage={}, now=NOW).shifts) for s in snapshots)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(
        f"plan: {clients} clients x 6 platforms in {median * 1000:.0f} ms median of {repeats} "
        f"-> {clients / median:,.0f} clients/s ({shifts} shifts planned)"
    )
    return clients / median


def cycle_throughput(label: str, database_url: str, data_dir: str, clients: int = 1_000) -> float:
    """The sandbox on its own SQLite file beside KIKI's database, as ``kiki serve`` runs it."""
    h = Harness.build(
        data_dir, database_url=database_url, sandbox_url=f"sqlite:///{data_dir}/sandbox.sqlite3"
    )
    for c in range(clients):
        h.open_client(f"client-{c:04d}")
        if c % 2 == 0:
            h.sandbox.shock(f"client-{c:04d}", Platform.META, cpm_factor=1.4)
    h.clock.advance(6 * 3600)
    started = time.perf_counter()
    applied = 0
    for c in range(clients):
        report = h.services.run_cycle(f"client-{c:04d}")
        applied += sum(1 for o in report.outcomes if o.result.value == "APPLIED")
    elapsed = time.perf_counter() - started
    transfers = len(h.services.ports.ledger.transfers())
    h.close()
    print(
        f"cycle [{label}]: {clients} clients in {elapsed:.2f} s -> {clients / elapsed:,.0f} "
        f"clients/s ({applied} shifts applied, {transfers} ledger transfers)"
    )
    return clients / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "KIKI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--clients", type=int, default=1_000)
    args = parser.parse_args()
    plan_throughput()
    with tempfile.TemporaryDirectory() as tmp:
        cycle_throughput("SQLite file", f"sqlite:///{tmp}/bench.sqlite3", tmp, args.clients)
        os.remove(f"{tmp}/sandbox.sqlite3")
        schema = f"bench_{secrets.token_hex(4)}"
        admin = sa.create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://"))
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            cycle_throughput("PostgreSQL", url, tmp, args.clients)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
