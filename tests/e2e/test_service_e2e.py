"""``kiki serve`` end to end: real HTTP and gRPC clients, tenants, idempotency, SIGTERM."""

from __future__ import annotations

from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc
from tests.e2e.service import RunningService, running_service

SEED_KEYS = {"timestamp", "average_efficiency", "best_platform", "best_efficiency"}
READING_KEYS = {"read_at", "age_s"}  # when the recorded reading was taken, and its age
LEFT_OUT_KEYS = {"left_out_reasons", "left_out_note"}  # which platforms were left out, and why
DETAIL_KEYS = {"platform", "ltv", "cac", "efficiency", "daily_budget"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> RunningService:
    tmp = tmp_path_factory.mktemp("serve")
    with running_service(tmp, {"acme": ["acme-shop"], "globex": ["globex-shop"]}) as running:
        yield running  # type: ignore[misc]


def bearer(service: RunningService, tenant: str = "acme") -> dict[str, str]:
    return {"Authorization": f"Bearer {service.keys[tenant]}"}


def metadata(service: RunningService, tenant: str = "acme") -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {service.keys[tenant]}"),)


def test_http_answers_the_seeds_shape_and_keeps_tenants_apart(service: RunningService) -> None:
    with httpx.Client(base_url=service.http_url, timeout=30) as http:
        r = http.get(
            "/budget-efficiency", params={"client_id": "acme-shop"}, headers=bearer(service)
        )
        assert r.status_code == 200
        body = r.json()
        assert set(body) == SEED_KEYS | READING_KEYS | LEFT_OUT_KEYS | {"platform_details"}
        assert body["best_platform"] == "PLATFORM_TIKTOK"
        assert [set(d) for d in body["platform_details"]] == [DETAIL_KEYS] * 6
        assert body["platform_details"][0]["ltv"] == 450.0

        assert http.get("/budget-efficiency", params={"client_id": "acme-shop"}).status_code == 401
        theirs = http.get(
            "/budget-efficiency", params={"client_id": "globex-shop"}, headers=bearer(service)
        )
        missing = http.get(
            "/budget-efficiency", params={"client_id": "no-such-shop"}, headers=bearer(service)
        )
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["error"] == missing.json()["error"] == "not_found"

        assert http.get("/readyz").json()["ready"] is True
        assert "syncflow_platform_efficiency" in http.get("/metrics").text
        assert "/budget-efficiency" in http.get("/openapi.json").json()["paths"]


def test_http_changes_are_idempotent(service: RunningService) -> None:
    with httpx.Client(base_url=service.http_url, timeout=30) as http:
        headers = {**bearer(service), "Idempotency-Key": "e2e-cycle-1"}
        first = http.post("/v1/clients/acme-shop/cycles", json={}, headers=headers)
        again = http.post("/v1/clients/acme-shop/cycles", json={}, headers=headers)
        assert first.status_code == again.status_code == 200
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        other = http.post(
            "/v1/clients/acme-shop/cycles", json={"dry_run": True, "x": 1}, headers=headers
        )
        assert other.status_code == 422
        changed = http.patch(
            "/v1/clients/acme-shop/settings", json={"efficiency_threshold": 0.2}, headers=headers
        )
        assert changed.status_code == 409


def test_grpc_authenticates_scopes_and_replays(service: RunningService) -> None:
    with grpc.insecure_channel(service.grpc_target) as channel:
        stub = bo_grpc.BudgetOptimizerServiceStub(channel)
        reply = stub.GetBudgetEfficiency(
            bo.BudgetEfficiencyRequest(client_id="acme-shop"), metadata=metadata(service)
        )
        assert reply.best_platform == bo.PLATFORM_TIKTOK
        assert [d.platform for d in reply.platform_details] == list(range(1, 7))
        assert reply.platform_details[0].ltv_micros == 450_000_000

        with pytest.raises(grpc.RpcError) as unauthenticated:
            stub.GetBudgetEfficiency(bo.BudgetEfficiencyRequest(client_id="acme-shop"))
        assert unauthenticated.value.code() is grpc.StatusCode.UNAUTHENTICATED
        for client_id in ("globex-shop", "no-such-shop"):
            with pytest.raises(grpc.RpcError) as hidden:
                stub.GetBudgetEfficiency(
                    bo.BudgetEfficiencyRequest(client_id=client_id), metadata=metadata(service)
                )
            assert hidden.value.code() is grpc.StatusCode.NOT_FOUND

        request = bo.RunOptimizationCycleRequest(client_id="acme-shop", idempotency_key="g-1")
        first = stub.RunOptimizationCycle(request, metadata=metadata(service))
        again = stub.RunOptimizationCycle(request, metadata=metadata(service))
        assert (first.status, first.replayed, again.replayed) == ("COMPLETED", False, True)
        with pytest.raises(grpc.RpcError) as refused:
            stub.RunOptimizationCycle(
                bo.RunOptimizationCycleRequest(client_id="acme-shop", dry_run=False),
                metadata=metadata(service),
            )
        assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert "Idempotency-Key" in (refused.value.details() or "")

        twin = tw_grpc.SyncTwinServiceStub(channel)
        result = twin.SimulateStrategy(
            tw.SimulateStrategyRequest(
                client_id="acme-shop",
                strategy=tw.Strategy(
                    audience_size=50_000, cvr=0.02, daily_budget_micros=500_000_000
                ),
                baseline=tw.Baseline(
                    avg_order_value_micros=85_000_000,
                    monthly_revenue_micros=50_000_000_000,
                    monthly_ad_spend_micros=10_000_000_000,
                ),
                seed=42,
            ),
            metadata=metadata(service),
        )
        assert (result.seed, result.total_simulations) == ("42", 10_000)
        with pytest.raises(grpc.RpcError) as bad:
            twin.SimulateStrategy(
                tw.SimulateStrategyRequest(
                    client_id="acme-shop",
                    strategy=tw.Strategy(audience_size=1, cvr=float("nan"), daily_budget_micros=1),
                ),
                metadata=metadata(service),
            )
        assert bad.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert "cvr" in (bad.value.details() or "")

        health = health_pb2_grpc.HealthStub(channel)
        assert health.Check(health_pb2.HealthCheckRequest()).status == (
            health_pb2.HealthCheckResponse.SERVING
        )
        listed = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = {s.name for s in next(listed).list_services_response.service}
        assert {"kiki.v1.BudgetOptimizerService", "kiki.v1.SyncTwinService"} <= names


def test_sigterm_stops_the_service_cleanly(tmp_path: Path) -> None:
    with running_service(tmp_path, {"acme": ["acme-shop"]}) as service:
        with httpx.Client(base_url=service.http_url, timeout=30) as http:
            assert http.get("/healthz").json() == {"status": "serving"}
        assert service.stop() == 0
        assert any("stopped cleanly" in line for line in service.stderr_lines)
