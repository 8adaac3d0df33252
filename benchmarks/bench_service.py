"""``kiki serve`` under load from a second process on loopback, beside a trivial FastAPI endpoint.

Run: .venv/bin/python -m benchmarks.bench_service [--seconds S] [--connections C]

Starts ``kiki serve`` (one process, one uvicorn worker, SQLite, the sandbox) in a temporary
data directory, and ``benchmarks.trivial_app`` (a FastAPI route that does nothing, served the
same way). Each is loaded in turn by ``wrk`` (Debian's package; a Python thread pool when wrk is
missing) for the same time at the same concurrency: ``GET /budget-efficiency`` (key lookup,
tenant check, the latest recorded reading, the seed's JSON) against ``GET /ping``. Then gRPC
``SimulateStrategy`` (10,000 scenarios on a given baseline) from this process.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
from tests.e2e.service import running_service

from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc


@dataclass(frozen=True)
class Load:
    name: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int

    def line(self) -> str:
        return (
            f"{self.name:<28} {self.requests_per_s:8.0f} req/s   p50 {self.p50_ms:6.2f} ms"
            f"   p99 {self.p99_ms:6.2f} ms   ({self.requests} requests)"
        )


def wrk(name: str, url: str, headers: dict[str, str], seconds: int, connections: int) -> Load:
    """wrk with two threads; its latency distribution gives p50 and p99."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    subprocess.run([*args[:-2], "-d2s", url], capture_output=True, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603  # wrk, on our own loopback URL
        [*args, url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{name}: wrk saw errors\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    return Load(name, rate, _ms(out, "50%"), _ms(out, "99%"), total)


def _ms(out: str, quantile: str) -> float:
    value, unit = re.search(rf"{quantile}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def threads(name: str, call: Callable[[], None], requests: int, concurrency: int) -> Load:
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
    return Load(name, requests / elapsed, q[49] * 1000, q[98] * 1000, requests)


@contextmanager
def trivial_app() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.trivial_app"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip().removeprefix("trivial: ")
    finally:
        process.terminate()
        process.wait(10)


def http_load(
    name: str, base: str, path: str, headers: dict[str, str], *, seconds: int, connections: int
) -> Load:
    if shutil.which("wrk"):
        return wrk(name, base + path, headers, seconds, connections)
    local = threading.local()

    def call() -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, headers=headers, timeout=30)
        local.client.get(path).raise_for_status()

    return threads(name, call, 2000, connections)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="gRPC requests")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_service(
            Path(tmp), {"bench": ["bench-shop"]}, KIKI_CHECK_INTERVAL_S="86400"
        ) as service,
        trivial_app() as trivial,
    ):
        auth = {"Authorization": f"Bearer {service.keys['bench']}"}
        # The first request reads the platforms once and records the reading.
        httpx.get(f"{service.http_url}/budget-efficiency?client_id=bench-shop", headers=auth)
        print(
            f"load: {'wrk' if shutil.which('wrk') else 'Python threads'}, "
            f"{args.connections} connections, {args.seconds} s each"
        )
        ours = http_load(
            "GET /budget-efficiency",
            service.http_url,
            "/budget-efficiency?client_id=bench-shop",
            auth,
            seconds=args.seconds,
            connections=args.connections,
        )
        baseline = http_load(
            "GET /ping (trivial FastAPI)",
            trivial,
            "/ping",
            {},
            seconds=args.seconds,
            connections=args.connections,
        )
        print(ours.line())
        print(baseline.line())
        print(f"ratio: {ours.requests_per_s / baseline.requests_per_s:.2f} of the trivial rate")

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
            metadata = (("authorization", auth["Authorization"]),)

            def simulate() -> None:
                stub.SimulateStrategy(request, metadata=metadata)

            print(threads("gRPC SimulateStrategy", simulate, args.requests, 8).line())
        service.stop()


if __name__ == "__main__":
    main()
