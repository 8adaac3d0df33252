"""Issue #14, bad input: out-of-range instants, absurd numbers, garbage and oversized bodies are
answered 422 / INVALID_ARGUMENT naming the field, over HTTP and gRPC, and change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import grpc
import pytest

from kiki.api.grpc.server import build_server
from kiki.core.money import Money
from kiki.syncledger.ledger import Transfer, TransferKind
from kiki.wire import convert
from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc
from tests.unit.api.conftest import Service

STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 500}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 50_000, "monthly_ad_spend": 10_000}
BOUNDS = "must be between 1970-01-01 and 2100-01-01 (UTC)"
YEAR_9999 = 253_402_300_799 * 1_000_000


@pytest.fixture
def channel(service: Service) -> Iterator[grpc.Channel]:
    server, port = build_server(service.tenancy, service.state, address="127.0.0.1:0")
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel
    server.stop(grace=None).wait()


def md(service: Service) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {service.acme_key}"),)


def unchanged(service: Service) -> tuple[object, ...]:
    ports = service.services.ports
    return (
        ports.ledger.transfers(client_id="acme-shop"),
        ports.audit.entries(),
        ports.configs.get("acme-shop"),
        service.budgets("acme-shop"),
    )


@pytest.mark.parametrize("path", ["ltv", "baseline"])
@pytest.mark.parametrize(
    "as_of", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "-2035", "2100-01-01T00:00:00Z"]
)
def test_an_out_of_range_as_of_is_422_naming_it(service: Service, path: str, as_of: str) -> None:
    before = unchanged(service)
    r = service.http.get(f"/v1/clients/acme-shop/{path}?as_of={as_of}", headers=service.auth())
    assert r.status_code == 422, r.text
    assert r.json() == {"error": "invalid_input", "field": "as_of", "message": f"as_of: {BOUNDS}"}
    assert unchanged(service) == before


def test_an_as_of_inside_the_bounds_is_answered(service: Service) -> None:
    r = service.http.get(
        "/v1/clients/acme-shop/baseline?as_of=1970-01-01T00:00:00Z", headers=service.auth()
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("request_", "method"),
    [
        (bo.PlatformLTVRequest(client_id="acme-shop", platform=1, as_of_unix_micros=-1), "LTV"),
        (bo.PlatformLTVRequest(client_id="acme-shop", platform=1, as_of_unix_s=2**62), "LTV"),
        (
            bo.PlatformCACRequest(client_id="acme-shop", platform=1, as_of_unix_micros=YEAR_9999),
            "CAC",
        ),
    ],
)
def test_a_grpc_as_of_out_of_range_is_invalid_argument(
    service: Service, channel: grpc.Channel, request_: object, method: str
) -> None:
    stub = bo_grpc.BudgetOptimizerServiceStub(channel)
    call = stub.GetPlatformLTV if method == "LTV" else stub.GetPlatformCAC
    with pytest.raises(grpc.RpcError) as err:
        call(request_, metadata=md(service))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == f"as_of: {BOUNDS}"


def test_a_grpc_since_out_of_range_is_invalid_argument(
    service: Service, channel: grpc.Channel
) -> None:
    stub = bo_grpc.BudgetOptimizerServiceStub(channel)
    with pytest.raises(grpc.RpcError) as err:
        stub.ListBudgetReallocations(
            bo.ListBudgetReallocationsRequest(client_id="acme-shop", since_unix_micros=-(2**62)),
            metadata=md(service),
        )
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == f"since_unix_micros: {BOUNDS}"


def test_a_grpc_transfer_at_out_of_range_is_refused_and_not_recorded(
    service: Service, channel: grpc.Channel
) -> None:
    transfer = Transfer(
        transfer_id="t-at",
        client_id="acme-shop",
        shift_id="s-at",
        kind=TransferKind.PENDING,
        source="budget:PLATFORM_META",
        destination="budget:PLATFORM_GOOGLE",
        amount=Money(10_000_000),
        reason="test",
        at=service.clock.now(),
        source_before=Money(100_000_000),
        destination_before=Money(100_000_000),
    )
    message = convert.transfer_to(transfer)
    message.at_unix_micros = YEAR_9999
    before = unchanged(service)
    stub = bo_grpc.BudgetOptimizerServiceStub(channel)
    with pytest.raises(grpc.RpcError) as err:
        stub.RecordBudgetReallocation(
            bo.BudgetReallocationRequest(transfer=message), metadata=md(service)
        )
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == f"transfer.at_unix_micros: {BOUNDS}"
    assert unchanged(service) == before


@pytest.mark.parametrize(
    ("strategy", "field", "rule"),
    [
        ({**STRATEGY, "audience_size": 10**400}, "strategy.audience_size", "must be at most"),
        ({**STRATEGY, "audience_size": 1e300}, "strategy.audience_size", "positive integer"),
        ({**STRATEGY, "uncertainty": {"cost": 1e308}}, "strategy.uncertainty.cost", "[0, 10]"),
    ],
)
@pytest.mark.parametrize("path", ["simulations", "launches"])
def test_absurd_numbers_are_refused_the_same_way_on_http(
    service: Service, strategy: dict[str, object], field: str, rule: str, path: str
) -> None:
    before = unchanged(service)
    r = service.http.post(
        f"/v1/clients/acme-shop/{path}",
        content=json.dumps({"strategy": strategy}).encode(),
        headers={**service.auth(), "Content-Type": "application/json", "Idempotency-Key": path},
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert rule in r.json()["message"]
    assert unchanged(service) == before


@pytest.mark.parametrize("method", ["SimulateStrategy", "LaunchCampaign"])
def test_absurd_numbers_are_refused_the_same_way_on_grpc(
    service: Service, channel: grpc.Channel, method: str
) -> None:
    strategy = tw.Strategy(audience_size=2**62, cvr=0.02, daily_budget_micros=500_000_000)
    stub = tw_grpc.SyncTwinServiceStub(channel)
    request_: object = (
        tw.SimulateStrategyRequest(client_id="acme-shop", strategy=strategy)
        if method == "SimulateStrategy"
        else tw.LaunchCampaignRequest(client_id="acme-shop", strategy=strategy, idempotency_key="k")
    )
    before = unchanged(service)
    with pytest.raises(grpc.RpcError) as err:
        getattr(stub, method)(request_, metadata=md(service))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == "strategy.audience_size: must be at most 10,000,000,000"
    assert unchanged(service) == before


def test_an_oversized_chunked_body_is_422_as_the_readme_says(service: Service) -> None:
    limit = service.services.ports.settings.max_body_bytes

    def chunks() -> Iterator[bytes]:
        sent = 0
        while sent <= limit:
            yield b" " * 4096
            sent += 4096

    before = unchanged(service)
    r = service.http.patch(
        "/v1/clients/acme-shop/settings",
        content=chunks(),
        headers={
            **service.auth(),
            "Idempotency-Key": "chunked",
            "Content-Type": "application/json",
        },
    )
    assert r.status_code == 422, r.text
    assert r.json() == {
        "error": "invalid_input",
        "field": "body",
        "message": f"body: is larger than {limit} bytes",
    }
    assert unchanged(service) == before


def test_a_small_chunked_body_still_reaches_the_route(service: Service) -> None:
    r = service.http.post(
        "/v1/clients/acme-shop/cycles",
        content=iter([b'{"dry_run":', b" true}"]),
        headers={**service.auth(), "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
@pytest.mark.parametrize("path", ["simulations", "launches", "cycles"])
def test_garbage_is_refused_naming_the_body_not_a_character(
    service: Service, content_type: str, path: str
) -> None:
    """``curl -d garbage`` sends a form; ``-H 'Content-Type: application/json'`` a bad JSON."""
    before = unchanged(service)
    r = service.http.post(
        f"/v1/clients/acme-shop/{path}",
        content=b"garbage",
        headers={**service.auth(), "Content-Type": content_type, "Idempotency-Key": "g"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "body"
    assert r.json()["message"].startswith("body: ")
    assert unchanged(service) == before


def test_a_body_that_is_not_text_is_422_naming_the_body(service: Service) -> None:
    """Found by schemathesis: FastAPI answered 400 with its own shape for undecodable bytes."""
    before = unchanged(service)
    r = service.http.patch(
        "/v1/clients/acme-shop/settings",
        content=b"\r\xff\x00j",
        headers={**service.auth(), "Idempotency-Key": "bytes", "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "body"
    assert unchanged(service) == before


def test_an_unknown_route_answers_in_the_error_shape(service: Service) -> None:
    r = service.http.get("/v1/nothing-here", headers=service.auth())
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "message": "Not Found"}
