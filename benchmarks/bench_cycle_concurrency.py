"""One scheduler pass over N sandbox clients with 100 ms of latency per platform call, at
KIKI_CYCLE_CONCURRENCY 1, 16 and 64 side by side in one run (the issue's goal: 10,000 clients
within the 5-minute interval).

Run: .venv/bin/python -m benchmarks.bench_cycle_concurrency [--clients 10000] [--serial 100]

KIKI's database is a fresh schema of the local PostgreSQL (KIKI_BENCH_POSTGRES_URL, default
the test server), as a deployment's would be; the sandbox keeps its accounts in this process
(so setting up 10,000 clients takes minutes, not hours) and sleeps ``--latency-ms`` of real
time in every API call, as ``KIKI_SANDBOX_LATENCY_S`` does. Every tenth client has Meta's CPM
up 40 %, so its cycle also moves money (two more calls and the ledger's writes); the cap's
window is a second and the clock moves two seconds between passes, so each pass shifts again.

The pass at concurrency 1 runs over the first ``--serial`` clients only (10,000 one after
another would take about two and a half hours); the passes at 16 and 64 run over all N. Each
time is also scaled linearly to ``--target`` clients (default 10,000), labelled "measured" when
the pass covered them all and "extrapolated linearly" otherwise. What is timed is
``ServiceScheduler.run_cycles``: the scheduler's own pass, a bounded pool of threads, one cycle
per client at a time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.adapters.sql.engine import make_engine
from kiki.application.services import Services
from kiki.bootstrap import build
from kiki.core.clock import VirtualClock
from kiki.core.platform import Platform
from kiki.scheduler import ServiceScheduler
from kiki.settings import Settings

POSTGRES_URL = os.environ.get(
    "KIKI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CONCURRENCY = (1, 16, 64)


@contextmanager
def fresh_schema() -> Iterator[str]:
    admin = make_engine(POSTGRES_URL)
    schema = f"bench_{secrets.token_hex(4)}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def services(
    tmp: Path, url: str, clock: VirtualClock, store: InMemorySandboxStore, **settings: object
) -> Services:
    config = Settings(
        data_dir=tmp,
        database_url=url,
        shift_cooldown_s=0.0,
        shift_window_s=1.0,
        **settings,  # type: ignore[arg-type]
    )
    return build(config, clock=clock, quiet=True, sandbox_store=store)


class Subset:
    """The scheduler's view of the application, narrowed to some clients."""

    def __init__(self, inner: Services, clients: list[str]) -> None:
        self._inner, self._clients = inner, clients

    def clients(self, tenant_id: str | None = None) -> list[str]:  # noqa: ARG002
        return self._clients

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def one_pass(app: Services, clients: list[str]) -> tuple[float, float, int]:
    """Wall time, this process's CPU time (KIKI's Python, all threads; not PostgreSQL's), and
    how many cycles ran."""
    scheduler = ServiceScheduler(Subset(app, clients))  # type: ignore[arg-type]
    started, cpu = time.perf_counter(), time.process_time()
    ran = scheduler.run_cycles()
    return time.perf_counter() - started, time.process_time() - cpu, ran


def run(clients: int, serial: int, latency_ms: float, target: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_schema() as url:
        clock, store = VirtualClock(), InMemorySandboxStore()
        setup = services(Path(tmp), url, clock, store)
        names = [f"bench-{i:05d}" for i in range(clients)]
        started = time.perf_counter()
        for i, name in enumerate(names):
            setup.attach_client(name, tenant_id=None, sandbox=True)
            if i % 10 == 0:
                setup.sandbox().shock(name, Platform.META, cpm_factor=1.4)
        setup.close()
        print(f"set up {clients} clients in {time.perf_counter() - started:.0f} s")
        clock.advance(6 * 3600)  # six hours of market, so every platform has a CAC
        print(
            f"one pass over {clients} sandbox clients, {latency_ms:.0f} ms per platform call "
            "(2-core build machine, under load of parallel work):"
        )
        for concurrency in CONCURRENCY:
            clock.advance(2.0)
            app = services(
                Path(tmp),
                url,
                clock,
                store,
                sandbox_latency_s=latency_ms / 1000,
                cycle_concurrency=concurrency,
            )
            sample = names[:serial] if concurrency == 1 else names
            elapsed, cpu, ran = one_pass(app, sample)
            app.close()
            whole = elapsed / len(sample) * target
            label = "measured" if len(sample) == target else "extrapolated linearly"
            print(
                f"  KIKI_CYCLE_CONCURRENCY={concurrency:<3} {elapsed:7.1f} s for {len(sample)}"
                f" clients ({ran} cycles, {elapsed / len(sample) * 1000:.1f} ms per client,"
                f" KIKI's CPU {cpu / len(sample) * 1000:.1f} ms per client)"
                f" -> {label}: {whole:,.0f} s ({timedelta(seconds=round(whole))})"
                f" for {target:,}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--serial", type=int, default=100, help="clients timed at concurrency 1")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument(
        "--target", type=int, default=10_000, help="the fleet size each time is scaled to"
    )
    args = parser.parse_args()
    run(args.clients, min(args.serial, args.clients), args.latency_ms, args.target)


if __name__ == "__main__":
    main()
