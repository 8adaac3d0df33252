"""Connections over HTTP and gRPC: the same use cases as ``kiki platforms``, scoped to the
tenant, idempotent, audited; here a client's Meta connected to the sandbox adapter."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import platforms_pb2 as pf
from kiki.wire.gen import platforms_pb2_grpc as pf_grpc
from tests.contract.remote import serving
from tests.unit.api.conftest import Service

BODY = {"adapter": "sandbox", "account": "acme-shop"}


def test_a_connection_is_made_listed_checked_and_removed_over_http(service: Service) -> None:
    http, auth = service.http, service.auth()
    url = "/v1/clients/acme-shop/platforms"
    made = http.put(f"{url}/meta", json=BODY, headers=auth | {"Idempotency-Key": "c1"})
    assert made.status_code == 200
    assert made.json() | {"connected_at": None} == {
        "client_id": "acme-shop",
        "platform": "PLATFORM_META",
        "adapter": "sandbox",
        "account_id": "acme-shop",
        "credentials": None,
        "connected_at": None,
        "replaced": False,
    }
    again = http.put(f"{url}/meta", json=BODY, headers=auth | {"Idempotency-Key": "c1"})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == made.json()
    assert [c["platform"] for c in http.get(url, headers=auth).json()] == ["PLATFORM_META"]
    checked = http.get(f"{url}/check", headers=auth).json()
    assert checked["ok"] is True
    [account] = checked["accounts"]
    assert (account["platform"], account["daily_budget_micros"]) == ("PLATFORM_META", 500_000_000)
    gone = http.delete(f"{url}/meta", headers=auth | {"Idempotency-Key": "d1"})
    assert gone.json()["adapter"] == "sandbox"
    assert http.get(url, headers=auth).json() == []
    events = [
        e.event.event_type for e in service.services.ports.audit.entries(client_id="acme-shop")
    ]
    assert events.count("PLATFORM_CONNECTED") == 1
    assert events.count("PLATFORM_DISCONNECTED") == 1


def test_bad_input_names_the_field_and_another_tenants_client_is_not_found(
    service: Service,
) -> None:
    http, auth = service.http, service.auth()
    bad = http.put(
        "/v1/clients/acme-shop/platforms/google",
        json={"adapter": "meta", "account": "1"},
        headers=auth | {"Idempotency-Key": "b1"},
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "platform"
    keyless = http.put("/v1/clients/acme-shop/platforms/meta", json=BODY, headers=auth)
    assert keyless.status_code == 422
    theirs = http.get("/v1/clients/globex-shop/platforms", headers=auth)
    assert theirs.status_code == 404


def test_connections_over_grpc(tmp_path: Path) -> None:
    with serving(tmp_path, clients=("acme",)) as remote:
        stub = pf_grpc.PlatformServiceStub(remote.channel)
        metadata = (("authorization", f"Bearer {remote.api_key}"),)
        made = stub.Connect(
            pf.ConnectRequest(
                client_id="acme",
                platform=bo.PLATFORM_GOOGLE,
                adapter="sandbox",
                account="acme",
                idempotency_key="k1",
            ),
            metadata=metadata,
        )
        assert (made.adapter, made.account_id, made.replaced) == ("sandbox", "acme", False)
        listed = stub.ListConnections(
            pf.ListConnectionsRequest(client_id="acme"), metadata=metadata
        )
        assert [c.platform for c in listed.connections] == [bo.PLATFORM_GOOGLE]
        checked = stub.CheckPlatforms(pf.CheckPlatformsRequest(client_id="acme"), metadata=metadata)
        [account] = checked.accounts
        assert account.problem.startswith("no access:")  # no sandbox accounts opened
        assert not checked.ok
        stub.Disconnect(
            pf.DisconnectRequest(
                client_id="acme", platform=bo.PLATFORM_GOOGLE, idempotency_key="k2"
            ),
            metadata=metadata,
        )
        with pytest.raises(grpc.RpcError) as missing:
            stub.Disconnect(
                pf.DisconnectRequest(
                    client_id="acme", platform=bo.PLATFORM_GOOGLE, idempotency_key="k3"
                ),
                metadata=metadata,
            )
        assert missing.value.code() is grpc.StatusCode.NOT_FOUND
