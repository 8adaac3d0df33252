"""``kiki serve`` under load from a second process on loopback: requests/s, p50 and p99.

Run: .venv/bin/python -m benchmarks.bench_service [--requests N] [--concurrency C]

Starts ``kiki serve`` (one process, one uvicorn worker, SQLite, sandbox) on free ports in a
temporary data directory, then sends a bounded number of requests from this process:
``GET /budget-efficiency`` (a dry-run cycle: six sandbox reads, the ledger's history, a plan)
over HTTP keep-alive, and ``SimulateStrategy`` (10,000 scenarios on a given baseline) over gRPC.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import httpx
from tests.e2e.service import running_service

from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc


def load(name: str, call: Callable[[], None], requests: int, concurrency: int) -> None:
    for _ in range(min(50, requests)):  # warm up connections and caches
        call()
    latencies: list[float] = []

    def one(_: int) -> None:
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{name:<26} {requests / elapsed:8.0f} req/s   p50 {q[49] * 1000:6.2f} ms"
        f"   p99 {q[98] * 1000:6.2f} ms   ({requests} requests, concurrency {concurrency})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_service(
            Path(tmp), {"bench": ["bench-shop"]}, KIKI_CHECK_INTERVAL_S="86400"
        ) as service,
    ):
        auth = f"Bearer {service.keys['bench']}"
        local = threading_local_clients(service.http_url, auth)

        def efficiency() -> None:
            r = local().get("/budget-efficiency", params={"client_id": "bench-shop"})
            r.raise_for_status()

        load("GET /budget-efficiency", efficiency, args.requests, args.concurrency)

        with grpc.insecure_channel(service.grpc_target) as channel:
            stub = tw_grpc.SyncTwinServiceStub(channel)
            request = tw.SimulateStrategyRequest(
                client_id="bench-shop",
                strategy=tw.Strategy(
                    audience_size=50_000, cvr=0.02, daily_budget_micros=500_000_000
                ),
                baseline=tw.Baseline(
                    avg_order_value_micros=85_000_000,
                    monthly_revenue_micros=50_000_000_000,
                    monthly_ad_spend_micros=10_000_000_000,
                ),
            )

            def simulate() -> None:
                stub.SimulateStrategy(request, metadata=(("authorization", auth),))

            load("gRPC SimulateStrategy", simulate, args.requests, args.concurrency)
        service.stop()


def threading_local_clients(base_url: str, auth: str) -> Callable[[], httpx.Client]:
    """One keep-alive client per load thread."""
    local = threading.local()

    def get() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(
                base_url=base_url, headers={"Authorization": auth}, timeout=30
            )
        client: httpx.Client = local.client
        return client

    return get


if __name__ == "__main__":
    main()
