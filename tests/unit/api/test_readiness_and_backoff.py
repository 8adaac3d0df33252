"""Issue #14: readiness checks every configured dependency (Redis too), gRPC health agrees, and
a dependency down makes the scheduler back off instead of failing once per client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from kiki.api.grpc.server import build_server
from kiki.application.services import Services
from kiki.core.errors import StorageError
from kiki.core.platform import Platform
from kiki.scheduler import MAX_BACKOFF_S, ServiceScheduler
from tests.unit.api.conftest import Service, build_service

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@pytest.fixture
def with_dead_redis(tmp_path: Path) -> Iterator[Service]:
    """A service configured with a Redis nobody listens on (a closed loopback port)."""
    yield from build_service(tmp_path, redis_url="redis://127.0.0.1:9/0")


@pytest.fixture
def with_redis(tmp_path: Path, redis_url: str) -> Iterator[Service]:
    yield from build_service(tmp_path, redis_url=redis_url)


def health(service: Service) -> int:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            return int(stub.Check(health_pb2.HealthCheckRequest(service="")).status)
    finally:
        server.stop(grace=None).wait()


def test_readyz_and_grpc_health_say_not_ready_while_redis_is_down(
    with_dead_redis: Service,
) -> None:
    r = with_dead_redis.http.get("/readyz")
    assert r.status_code == 503
    assert r.json()["redis"] is False
    assert r.json()["database"] is True
    assert r.json()["ready"] is False
    assert health(with_dead_redis) == NOT_SERVING


def test_readyz_and_grpc_health_say_ready_when_redis_answers(with_redis: Service) -> None:
    r = with_redis.http.get("/readyz")
    assert r.status_code == 200
    assert r.json()["redis"] is True
    assert health(with_redis) == SERVING


def test_without_redis_configured_readiness_does_not_ask_for_it(service: Service) -> None:
    assert "redis" not in service.http.get("/readyz").json()


class Probe:
    def __init__(self) -> None:
        self.up = False
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.up


def test_a_dependency_down_backs_off_exponentially_and_capped(service: Service) -> None:
    probe = Probe()
    service.services.ports.probes["redis"] = probe
    service.sandbox.shock("acme-shop", Platform.META, cpm_factor=1.4)
    scheduler = ServiceScheduler(service.services)
    interval = service.services.ports.settings.check_interval_s
    delays = []
    for _ in range(12):
        assert scheduler.run_cycles() == 0
        assert scheduler.backoff.until is not None
        delays.append((scheduler.backoff.until - service.clock.now()).total_seconds())
        assert scheduler.run_cycles() == 0  # still waiting: not even the probe is asked
        service.clock.advance(delays[-1])
    assert probe.calls == 12
    assert delays[:4] == [interval, 2 * interval, 4 * interval, 8 * interval]
    assert max(delays) == MAX_BACKOFF_S
    assert service.services.ports.ledger.transfers() == []
    probe.up = True
    assert scheduler.run_cycles() == 2
    assert scheduler.backoff.failures == 0


def test_a_storage_failure_stops_the_pass_instead_of_failing_every_client(
    service: Service,
) -> None:
    for n in range(40):
        service.services.attach_client(f"c{n}", tenant_id="acme", sandbox=True)
    calls = []
    p = service.services.ports
    broken = Services(p, service.services.values)

    def failing(client_id: str, **_kwargs: object) -> None:
        calls.append(client_id)
        raise StorageError("database error while reading client settings (OperationalError)")

    broken.run_cycle = failing  # type: ignore[method-assign, assignment]
    scheduler = ServiceScheduler(broken)
    assert scheduler.run_cycles() == 0
    assert len(calls) <= p.settings.cycle_concurrency  # those already in flight, no more
    assert p.metrics.value("syncflow_cycle_failures_total", {"cause": "storage"}) == len(calls)
    assert scheduler.backoff.failures == 1
    assert scheduler.run_cycles() == 0  # backing off
    assert len(calls) <= p.settings.cycle_concurrency
