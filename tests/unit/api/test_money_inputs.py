"""Inputs that reach money are bounded where they enter: a client's settings over HTTP, and a
transfer recorded over gRPC (its accounts must be the client's platforms', its ids non-empty
and within the column's width). Each is refused as bad input naming the field (422 or
INVALID_ARGUMENT), never as an outage that invites a retry, and never with SQL in the words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from kiki.api.grpc.server import build_server
from kiki.core.platform import Platform
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.syncledger.ledger import MAX_ID_LENGTH
from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from tests.unit.api.conftest import Service

CLIENT = "acme-shop"
SQL_WORDS = ("INSERT", "SELECT", "sqlalchemy", "psycopg", "[SQL")


@pytest.fixture
def stub(service: Service) -> Iterator[bo_grpc.BudgetOptimizerServiceStub]:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield bo_grpc.BudgetOptimizerServiceStub(channel)
    finally:
        channel.close()
        server.stop(grace=None).wait()


def metadata(service: Service) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {service.acme_key}"),)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cooldown_s": 1e308}, "cooldown_s"),
        ({"cooldown_s": -1}, "cooldown_s"),
        ({"cooldown_s": 31 * 86_400}, "cooldown_s"),
        ({"efficiency_threshold": 5}, "efficiency_threshold"),
        ({"reallocation_percent": 0}, "reallocation_percent"),
        ({"limits": {"PLATFORM_META": {"ceiling": 1e300}}}, "ceiling"),
    ],
)
def test_http_settings_out_of_range_answer_422_naming_the_field(
    service: Service, body: dict[str, Any], field: str
) -> None:
    before = service.http.get(f"/v1/clients/{CLIENT}/settings", headers=service.auth()).json()
    answer = service.http.patch(
        f"/v1/clients/{CLIENT}/settings",
        json=body,
        headers={**service.auth(), "Idempotency-Key": f"bad-{field}-{len(str(body))}"},
    )
    assert answer.status_code == 422
    assert field in answer.text
    assert not any(word in answer.text for word in SQL_WORDS)
    after = service.http.get(f"/v1/clients/{CLIENT}/settings", headers=service.auth()).json()
    assert after == before
    cycle = service.http.post(
        f"/v1/clients/{CLIENT}/cycles", json={}, headers={**service.auth(), "Idempotency-Key": "c"}
    )
    assert cycle.status_code == 200  # the client's cycles go on


def transfer(**overrides: Any) -> bo.Transfer:
    fields: dict[str, Any] = {
        "transfer_id": f"{CLIENT}/ext-1:pending",
        "client_id": CLIENT,
        "shift_id": f"{CLIENT}/ext-1",
        "kind": "PENDING",
        "source_account": "budget:PLATFORM_META",
        "destination_account": "budget:PLATFORM_TIKTOK",
        "amount_micros": 1_000_000,
        "reason": "recorded from outside",
        "at_unix_micros": 1_770_000_000_000_000,
        "source_before_micros": 500_000_000,
        "destination_before_micros": 400_000_000,
        **overrides,
    }
    return bo.Transfer(**fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source_account": "budget:PLATFORM_FOO"}, "source"),
        ({"destination_account": "budget:PLATFORM_FOO"}, "destination"),
        ({"transfer_id": ""}, "transfer_id"),
        ({"transfer_id": "x" * (MAX_ID_LENGTH + 1)}, "transfer_id"),
        ({"shift_id": "s" * (MAX_ID_LENGTH + 1)}, "shift_id"),
        ({"kind": "POSTED", "corrects": "c" * (MAX_ID_LENGTH + 1)}, "corrects"),
        ({"kind": "SHIFT_OUT", "destination_account": "transit", "bound_for": "b:x"}, "bound_for"),
    ],
)
def test_grpc_record_transfer_refuses_bad_accounts_and_ids_as_invalid_argument(
    service: Service,
    stub: bo_grpc.BudgetOptimizerServiceStub,
    overrides: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        stub.RecordBudgetReallocation(
            bo.BudgetReallocationRequest(transfer=transfer(**overrides)),
            metadata=metadata(service),
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details() or ""
    assert field in details
    assert not any(word in details for word in SQL_WORDS)
    assert service.services.ports.ledger.transfers(client_id=CLIENT) == []


def test_grpc_record_transfer_refuses_a_platform_the_client_has_not(
    service: Service, stub: bo_grpc.BudgetOptimizerServiceStub
) -> None:
    accounts = demo_accounts()
    service.sandbox.open_client("two-shop", {p: accounts[p] for p in (Platform.META,)})
    service.services.attach_client("two-shop", tenant_id="acme", sandbox=False)
    with pytest.raises(grpc.RpcError) as refused:
        stub.RecordBudgetReallocation(
            bo.BudgetReallocationRequest(transfer=transfer(client_id="two-shop")),
            metadata=metadata(service),
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "destination" in (refused.value.details() or "")
    assert "PLATFORM_TIKTOK" in (refused.value.details() or "")
    recorded = stub.RecordBudgetReallocation(
        bo.BudgetReallocationRequest(transfer=transfer()), metadata=metadata(service)
    )
    assert recorded.recorded  # the same transfer for a client with both platforms is taken


def test_transfer_ids_live_in_the_clients_namespace_so_another_tenants_cannot_be_probed(
    service: Service, stub: bo_grpc.BudgetOptimizerServiceStub
) -> None:
    acme = stub.RecordBudgetReallocation(
        bo.BudgetReallocationRequest(transfer=transfer()), metadata=metadata(service)
    )
    assert acme.recorded
    globex = (("authorization", f"Bearer {service.globex_key}"),)
    # globex names acme's transfer id for its own client: refused as its own bad input, the
    # same answer whether or not acme has such a transfer (never ALREADY_EXISTS)
    answers = []
    for taken in (f"{CLIENT}/ext-1", f"{CLIENT}/never-recorded"):
        with pytest.raises(grpc.RpcError) as refused:
            stub.RecordBudgetReallocation(
                bo.BudgetReallocationRequest(
                    transfer=transfer(
                        client_id="globex-shop", transfer_id=f"{taken}:pending", shift_id=taken
                    )
                ),
                metadata=globex,
            )
        answers.append((refused.value.code(), refused.value.details()))
    assert answers[0] == answers[1]
    assert answers[0][0] is grpc.StatusCode.INVALID_ARGUMENT
    assert "transfer_id" in (answers[0][1] or "")
    # in its own namespace the same suffix is globex's own transfer, not a collision
    own = stub.RecordBudgetReallocation(
        bo.BudgetReallocationRequest(
            transfer=transfer(
                client_id="globex-shop",
                transfer_id="globex-shop/ext-1:pending",
                shift_id="globex-shop/ext-1",
            )
        ),
        metadata=globex,
    )
    assert own.recorded
    assert [t.client_id for t in service.services.ports.ledger.transfers()] == [
        CLIENT,
        "globex-shop",
    ]
