"""The real-to-sim mirror's throughput with 1,000 campaigns, beside the seed's own loop.

Run: .venv/bin/python -m benchmarks.bench_mirror [--campaigns N] [--batches B]

Set-up (not timed): KIKI on a throwaway SQLite file, the sandbox in the process, N campaigns
launched through the gate (their projections stored), a tenant and its API key, Redis at
KIKI_BENCH_REDIS_URL (default redis://127.0.0.1:6379/0) under a throwaway key prefix, and
every campaign watched once (its projection looked up and written to Redis).

Timed, on the same events (B batches, each one event per campaign, every campaign's sequence
rising, its figures on track), one after the other in one run:

- **gRPC**: a second process streams the batches to ``MirrorBidStream`` (``kiki.api.grpc``,
  this process) and reads every decision; the mirror keeps its state in Redis (one Lua script
  per batch). Events per second from the first send to the last decision.
- **seed loop**: the seed's own loop on the same Redis: per event one ``HSET`` of the mirror
  state and one ``HGETALL`` of the projected state, then the deviation.
- **in process**: ``Services.mirror_events`` on the batches, no gRPC: with the state in
  process (one core) and with the state in Redis.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import secrets
import tempfile
import time
from typing import Any

import numpy as np
import redis

from kiki.api.grpc.server import build_server
from kiki.api.health import ServiceState
from kiki.application.tenancy import TenantServices
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.mirror import EventBatch
from kiki.testing import Harness

CLIENT = "bench-shop"
REDIS_URL = os.environ.get("KIKI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DAY = 86_400.0


def build(workdir: str, campaigns: int, **settings: object) -> tuple[Harness, dict[str, Any]]:
    h = Harness.build(
        workdir,
        database_url=f"sqlite:///{workdir}/kiki.sqlite3",
        simulations=200,
        mirror_warmup_s=3600,
        mirror_min_conversions=0,
        **settings,
    )
    key = h.services.create_tenant("bench").secret
    h.services.attach_client(CLIENT, tenant_id="bench", sandbox=True)
    h.services.record_baseline(
        CLIENT,
        Baseline.from_dict(
            {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
        ),
    )
    projections = {}
    for i in range(campaigns):
        strategy = Strategy.from_dict(
            {"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800", "name": f"c{i}"}
        )
        outcome = h.services.launch(CLIENT, strategy)
        assert outcome.mirrored is not None
        assert outcome.campaign_id is not None
        projections[outcome.campaign_id] = outcome.mirrored
    return h, {"key": key, "projections": projections}


def batches(projections: dict[str, Any], count: int) -> list[EventBatch]:
    """``count`` batches of one on-track event per campaign, a minute apart, from day 2."""
    ids = list(projections)
    started = np.array([p.started_at.timestamp() for p in projections.values()])
    revenue = np.array([p.revenue_micros for p in projections.values()], dtype=np.float64)
    spend = np.array([p.spend_micros for p in projections.values()], dtype=np.float64)
    conversions = np.array([p.conversions for p in projections.values()])
    rng = np.random.default_rng(11)
    out = []
    for k in range(count):
        at = started + 2 * DAY + 60.0 * k
        share = (at - started) / (30 * DAY)
        noise = rng.uniform(0.97, 1.03, len(ids))
        out.append(
            EventBatch(
                campaign_ids=ids,
                sequences=np.full(len(ids), k + 1, dtype=np.int64),
                spend_micros=np.rint(spend * share).astype(np.int64),
                conversions=conversions * share,
                revenue_micros=np.rint(revenue * share * noise).astype(np.int64),
                at_s=at,
            )
        )
    return out


def _publisher(target: str, key: str, blobs: list[bytes], answer: Any) -> None:
    """The second process: stream the batches, read every decision, report the time."""
    import grpc  # noqa: PLC0415  # in the child

    from kiki.wire.gen import synctwin_pb2 as tw  # noqa: PLC0415
    from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc  # noqa: PLC0415

    requests = [tw.BidStreamBatch.FromString(b) for b in blobs]
    with grpc.insecure_channel(target) as channel:
        stub = tw_grpc.SyncTwinServiceStub(channel)
        started = time.perf_counter()
        decided = 0
        for reply in stub.MirrorBidStream(
            iter(requests), metadata=(("authorization", f"Bearer {key}"),)
        ):
            decided += len(reply.decisions)
        answer.put((decided, time.perf_counter() - started))


def bench_grpc(h: Harness, key: str, events: list[EventBatch]) -> tuple[int, float]:
    from kiki.wire.mirror_convert import events_to  # noqa: PLC0415

    blobs = [events_to(b).SerializeToString() for b in events]
    tenancy = TenantServices(h.services)
    server, port = build_server(tenancy, ServiceState(h.services), address="127.0.0.1:0")
    server.start()
    ctx = mp.get_context("spawn")
    answer = ctx.Queue()
    child = ctx.Process(target=_publisher, args=(f"127.0.0.1:{port}", key, blobs, answer))
    child.start()
    decided, seconds = answer.get(timeout=600)
    child.join()
    server.stop(grace=None).wait()
    return decided, seconds


def bench_seed_loop(client: redis.Redis, prefix: str, events: list[EventBatch]) -> float:
    """The seed's loop: per event, HSET the real state, HGETALL the projected, compare."""
    started = time.perf_counter()
    for batch in events:
        for cid, seq, spend, rev, at in zip(
            batch.campaign_ids,
            batch.sequences.tolist(),
            batch.spend_micros.tolist(),
            batch.revenue_micros.tolist(),
            batch.at_s.tolist(),
            strict=True,
        ):
            client.hset(
                f"{prefix}seed:campaign:{cid}:mirror_state",
                mapping={"sequence": seq, "spend": spend, "revenue": rev, "timestamp": at},
            )
            projected = client.hgetall(f"{prefix}campaign:{cid}:projected_state")
            total = int(projected.get(b"total_revenue_micros", 0))
            _ = abs(rev - total) / total if total else 0.0
    return time.perf_counter() - started


def bench_in_process(h: Harness, events: list[EventBatch]) -> float:
    started = time.perf_counter()
    for batch in events:
        h.services.mirror_events(batch)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--batches", type=int, default=100)
    args = parser.parse_args()
    prefix = f"bench:{secrets.token_hex(4)}:"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            t0 = time.perf_counter()
            h, extra = build(workdir, args.campaigns, redis_url=REDIS_URL, redis_key_prefix=prefix)
            projections = extra["projections"]
            events = batches(projections, 2 * args.batches + 1)
            h.services.mirror_events(events[0])  # watch every campaign (set-up)
            print(f"set-up: {args.campaigns} campaigns in {time.perf_counter() - t0:.1f} s")
            n = args.campaigns * args.batches
            decided, grpc_s = bench_grpc(h, extra["key"], events[1 : args.batches + 1])
            assert decided == n
            seed_s = bench_seed_loop(client, prefix, events[1 : args.batches + 1])
            redis_s = bench_in_process(h, events[args.batches + 1 :])
            h.close()

            memory, extra = build(f"{workdir}/memory", args.campaigns)  # no Redis
            mem_events = batches(extra["projections"], args.batches + 1)
            memory.services.mirror_events(mem_events[0])
            memory_s = bench_in_process(memory, mem_events[1:])
            memory.close()
    finally:
        for key in client.scan_iter(f"{prefix}*", count=10_000):
            client.delete(key)
        client.close()
    rate = {
        "gRPC stream (2nd process) + Redis": n / grpc_s,
        "seed loop (HSET + HGETALL per event)": n / seed_s,
        "in process, Redis state": n / redis_s,
        "in process, state in process": n / memory_s,
    }
    print(f"{n:,} events ({args.campaigns:,} campaigns x {args.batches} batches)")
    for name, value in rate.items():
        print(f"  {name:40s} {value:>12,.0f} events/s")
    ratio = rate["gRPC stream (2nd process) + Redis"] / rate["seed loop (HSET + HGETALL per event)"]
    print(f"  gRPC path / seed loop: {ratio:.1f}x")


if __name__ == "__main__":
    main()
