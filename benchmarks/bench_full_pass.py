"""One scheduler pass over many clients on PostgreSQL, KIKI_CYCLE_CONCURRENCY cycles at a time.

Run: .venv/bin/python -m benchmarks.bench_full_pass [--clients N] [--concurrency K] [--quick]

The pass is the scheduler's own (``Scheduler.run_cycles``: every tenant client, K at a time in
threads, one lease each); the sandbox runs in this process. A fifth of the clients have Meta's
CPM shocked, so their cycle shifts budget (intent, two platform calls, posting, audit). The
figure is the pass's wall time; 100,000 clients is the issue's goal (under 300 s), which this
loaded 2-core machine cannot run in a reasonable time: pass ``--clients 100000`` elsewhere.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from typing import Any

import sqlalchemy as sa

from benchmarks.bench_cycle_cost import default_postgres, postgres_schema
from kiki.core.platform import Platform
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.scheduler import ServiceScheduler
from kiki.testing import Harness

TENANT = "bench"


def attach(h: Harness, ids: list[str]) -> None:
    """The clients attached to one tenant in one statement (``attach_client`` one by one, with
    its campaign bookkeeping, took longer than the pass itself on this machine)."""
    from kiki.adapters.sql.tenant_tables import tenant_clients  # noqa: PLC0415

    h.services.ports.tenants.create(TENANT, now=h.clock.now())
    engine = sa.create_engine(h.database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            conn.execute(
                tenant_clients.insert(),
                [{"client_id": c, "tenant_id": TENANT, "attached_at": h.clock.now()} for c in ids],
            )
    finally:
        engine.dispose()


def run(
    *,
    quick: bool = False,
    clients: int | None = None,
    concurrency: int = 8,
    postgres: str | None = None,
) -> dict[str, Any]:
    clients = clients or (300 if quick else 10_000)
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_schema(postgres or default_postgres()) as url,
    ):
        h = Harness.build(tmp, database_url=url, cycle_concurrency=concurrency)
        try:
            started = time.perf_counter()
            ids = [f"p-{c:06d}" for c in range(clients)]
            attach(h, ids)
            for c, cid in enumerate(ids):
                h.sandbox.open_client(cid, demo_accounts())
                if c % 5 == 0:
                    h.sandbox.shock(cid, Platform.META, cpm_factor=1.6)
            setup_s = time.perf_counter() - started
            h.clock.advance(6 * 3600)
            scheduler = ServiceScheduler(h.services)
            started = time.perf_counter()
            ran = scheduler.run_cycles()
            pass_s = time.perf_counter() - started
            shifts = sum(1 for t in h.services.ports.ledger.transfers() if t.kind.value == "POSTED")
        finally:
            h.close()
    figures = {
        "clients": clients,
        "concurrency": concurrency,
        "cycles": ran,
        "shifts_posted": shifts,
        "pass_s": round(pass_s, 1),
        "clients_per_s": round(ran / pass_s, 1),
        "projected_100k_s": round(100_000 * pass_s / max(ran, 1)),
        "setup_s": round(setup_s, 1),
    }
    print(
        f"full pass [PostgreSQL, concurrency {concurrency}]: {ran:,} cycles of {clients:,} "
        f"clients in {pass_s:.1f} s -> {figures['clients_per_s']:,.0f} clients/s, "
        f"{shifts:,} shifts posted; 100,000 clients at this rate: "
        f"{figures['projected_100k_s']:,} s"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=default_postgres())
    parser.add_argument("--clients", type=int)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    run(
        quick=args.quick,
        clients=args.clients,
        concurrency=args.concurrency,
        postgres=args.postgres,
    )


if __name__ == "__main__":
    main()
