"""Issue #14, security: what reaches beyond a tenant's own clients needs an operator key, and
another tenant's client is answered exactly like an id with data nobody may claim."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from kiki.api.grpc.server import build_server
from kiki.core.platform import Platform
from kiki.syncvalue.domain.records import CustomerRecord
from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from tests.unit.api.conftest import Service


@pytest.fixture
def stub(service: Service) -> Iterator[bo_grpc.BudgetOptimizerServiceStub]:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield bo_grpc.BudgetOptimizerServiceStub(channel)
    server.stop(grace=None).wait()


def md(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


def alert(client_id: str = "") -> bo.BudgetAlertRequest:
    return bo.BudgetAlertRequest(
        severity="CRITICAL", title="Everything is on fire", message="pay us", client_id=client_id
    )


def test_a_tenant_alert_about_no_client_is_refused_and_delivers_nothing(
    service: Service, stub: bo_grpc.BudgetOptimizerServiceStub
) -> None:
    before = list(service.alerts.alerts)
    with pytest.raises(grpc.RpcError) as err:
        stub.SendBudgetAlert(alert(), metadata=md(service.acme_key))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert err.value.details() == (
        "an alert about no client needs an operator key (kiki tenants new-key --operator)"
    )
    assert service.alerts.alerts == before


def test_a_tenant_alerts_about_its_own_client_only(
    service: Service, stub: bo_grpc.BudgetOptimizerServiceStub
) -> None:
    before = list(service.alerts.alerts)
    with pytest.raises(grpc.RpcError) as err:
        stub.SendBudgetAlert(alert("globex-shop"), metadata=md(service.acme_key))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert service.alerts.alerts == before
    assert stub.SendBudgetAlert(alert("acme-shop"), metadata=md(service.acme_key)).delivered
    assert service.alerts.alerts[-1].client_id == "acme-shop"


def test_an_operator_key_may_alert_about_no_client(
    service: Service, stub: bo_grpc.BudgetOptimizerServiceStub
) -> None:
    operator = service.services.issue_key("acme", operator=True)
    assert stub.SendBudgetAlert(alert(), metadata=md(operator.secret)).delivered
    assert service.alerts.alerts[-1].title == "Everything is on fire"
    assert service.alerts.alerts[-1].client_id is None


def attach(service: Service, client_id: str, key: str | None = None) -> tuple[int, dict[str, str]]:
    r = service.http.post(
        "/v1/clients",
        json={"client_id": client_id},
        headers={**service.auth(key), "Idempotency-Key": f"attach-{client_id}"},
    )
    return r.status_code, r.json()


def with_data(service: Service, client_id: str) -> None:
    importer = service.services.ports.value_importer
    importer.import_customers(client_id, [CustomerRecord("c1", Platform.META, service.clock.now())])
    assert service.services.ports.values.has_data(client_id)


def refusal(client_id: str) -> dict[str, str]:
    return {
        "error": "operator_required",
        "message": f"attaching client id {client_id!r} (in use or with data) needs an operator "
        "key (kiki tenants new-key --operator)",
    }


def test_another_tenants_client_and_a_client_with_data_get_the_same_answer(
    service: Service,
) -> None:
    with_data(service, "imported-shop")
    theirs = attach(service, "globex-shop")
    data = attach(service, "imported-shop")
    assert theirs == (403, refusal("globex-shop"))
    assert data == (403, refusal("imported-shop"))
    directory = service.services.ports.directory
    assert directory.owner("globex-shop") == "globex"
    assert directory.owner("imported-shop") is None
    assert directory.clients("acme") == ["acme-shop"]


def test_the_operator_attaches_a_client_with_data_but_moves_no_client(service: Service) -> None:
    with_data(service, "imported-shop")
    operator = service.services.issue_key("acme", operator=True).secret
    assert attach(service, "imported-shop", operator)[0] == 201
    assert service.services.ports.directory.owner("imported-shop") == "acme"
    status, body = attach(service, "globex-shop", operator)
    assert (status, body["error"]) == (409, "client_taken")
    assert service.services.ports.directory.owner("globex-shop") == "globex"


def test_a_fresh_client_id_is_still_attached_by_its_tenant(service: Service) -> None:
    assert attach(service, "new-shop")[0] == 201
    assert service.services.ports.directory.owner("new-shop") == "acme"


def test_the_tenant_list_says_which_keys_are_operator_keys(service: Service) -> None:
    from kiki.views import records

    operator = service.services.issue_key("acme", operator=True)
    [acme] = [records.tenant(s) for s in service.services.tenants() if s.tenant_id == "acme"]
    flags = {k["key_id"]: k["operator"] for k in acme["keys"]}
    assert flags[operator.key_id] is True
    assert sorted(flags.values()) == [False, True]
