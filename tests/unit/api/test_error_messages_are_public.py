"""Issue #14: no error message carries SQL, parameters, stack frames or secrets, on any
entrypoint: database failures and bugs are answered by one sanitising layer."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kiki.api.grpc.server import build_server
from kiki.core.errors import StorageError
from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from tests.unit.api.conftest import Service

LEAKY = (
    '(psycopg.errors.UndefinedTable) relation "orders" does not exist\n'
    "[SQL: SELECT orders.client_id FROM orders WHERE orders.client_id = %(c)s]\n"
    "[parameters: {'c': 'acme-shop'}] postgresql://kiki:hunter2@db/kiki kiki_SECRETSECRETSECRET"
)
FORBIDDEN = ("SELECT", "[SQL", "parameters", "hunter2", "SECRETSECRET", "Traceback", 'File "')


@pytest.fixture
def stub(service: Service) -> Iterator[bo_grpc.BudgetOptimizerServiceStub]:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield bo_grpc.BudgetOptimizerServiceStub(channel)
    server.stop(grace=None).wait()


def md(service: Service) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {service.acme_key}"),)


def public(text: str) -> bool:
    return not any(word in text for word in FORBIDDEN)


def test_a_real_database_failure_names_the_action_only(
    service: Service, stub: bo_grpc.BudgetOptimizerServiceStub
) -> None:
    engine = service.services.ports.tenants._engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE client_budget_limits"))
    r = service.http.get("/v1/clients/acme-shop/settings", headers=service.auth())
    assert r.status_code == 503
    assert r.json()["error"] == "unavailable"
    assert r.json()["message"].startswith("database error while ")
    assert public(r.text)
    with pytest.raises(grpc.RpcError) as err:
        stub.RunOptimizationCycle(
            bo.RunOptimizationCycleRequest(client_id="acme-shop", dry_run=True),
            metadata=md(service),
        )
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert public(err.value.details() or "")


@pytest.mark.parametrize("error", [RuntimeError(LEAKY), StorageError(LEAKY)])
def test_a_leaky_error_reaches_no_caller(
    service: Service,
    stub: bo_grpc.BudgetOptimizerServiceStub,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(service.services, "settings", broken)
    monkeypatch.setattr(service.services, "efficiency", broken)
    http = TestClient(service.http.app, raise_server_exceptions=False)
    r = http.get("/v1/clients/acme-shop/settings", headers=service.auth())
    assert r.status_code == (503 if isinstance(error, StorageError) else 500)
    assert public(r.text), r.text
    if not isinstance(error, StorageError):
        assert r.json()["error"] == "internal"
        assert "reference" in r.json()["message"]
    with pytest.raises(grpc.RpcError) as err:
        stub.GetBudgetEfficiency(
            bo.BudgetEfficiencyRequest(client_id="acme-shop", refresh=True), metadata=md(service)
        )
    expected = (
        grpc.StatusCode.UNAVAILABLE if isinstance(error, StorageError) else grpc.StatusCode.INTERNAL
    )
    assert err.value.code() == expected
    assert public(err.value.details() or ""), err.value.details()
