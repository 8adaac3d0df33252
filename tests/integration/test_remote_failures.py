"""How the gRPC client adapters fail: each foreign grpc.RpcError becomes the port's own error,
chained, against a real server on loopback (or a port where none listens)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent import futures
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest

from kiki.adapters.grpc_clients import (
    GrpcLedger,
    GrpcNotifier,
    GrpcValueSource,
    RemoteService,
    open_channel,
)
from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnknownClientError
from kiki.syncledger import IN_TRANSIT, Transfer, TransferKind
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import DeliveryError
from tests.contract.remote import Remote, serving

AT = datetime(2026, 2, 3, 9, 5, tzinfo=UTC)
ALERT = Alert(Severity.WARNING, "Platform unavailable", "Meta API down", "acme")


def transfer(client_id: str) -> Transfer:
    return Transfer(
        transfer_id=f"{client_id}/s1:out",
        client_id=client_id,
        shift_id=f"{client_id}/s1",
        kind=TransferKind.SHIFT_OUT,
        source="budget:PLATFORM_META",
        destination=IN_TRANSIT,
        amount=Money(1_000_000),
        reason="test",
        at=AT,
    )


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[Remote]:
    with serving(tmp_path / "remote", clients=("acme",)) as running:
        yield running


@pytest.fixture
def nobody_listening() -> Iterator[RemoteService]:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    channel = open_channel(address)
    yield RemoteService(channel, api_key="kiki_unused", address=address, timeout_s=2.0)
    channel.close()


def cause_code(exc: BaseException) -> grpc.StatusCode:
    cause = exc.__cause__
    assert isinstance(cause, grpc.Call)
    return cause.code()


def test_an_unreachable_remote_is_a_storage_or_delivery_error(
    nobody_listening: RemoteService,
) -> None:
    with pytest.raises(
        StorageError, match=r"ledger at 127\.0\.0\.1:\d+ failed: UNAVAILABLE"
    ) as ledger_error:
        GrpcLedger(nobody_listening).record(transfer("acme"))
    with pytest.raises(StorageError, match=r"SyncValue at 127\.0\.0\.1:\d+ failed: UNAVAILABLE"):
        GrpcValueSource(nobody_listening).platform_ltv(
            "acme", Platform.META, lookback_days=90, as_of=AT
        )
    with pytest.raises(DeliveryError, match=r"notifier at 127\.0\.0\.1:\d+ failed: UNAVAILABLE"):
        GrpcNotifier(nobody_listening).send(ALERT)
    assert cause_code(ledger_error.value) is grpc.StatusCode.UNAVAILABLE


@pytest.fixture
def stalling() -> Iterator[RemoteService]:
    """A real server whose every kiki.v1 call answers only after the test is over."""
    release = threading.Event()

    def stall(request: bytes, context: grpc.ServicerContext) -> bytes:
        release.wait(timeout=10)
        return b""

    methods = (
        "RecordBudgetReallocation",
        "ListBudgetReallocations",
        "GetPlatformCAC",
        "SendBudgetAlert",
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                "kiki.v1.BudgetOptimizerService",
                {name: grpc.unary_unary_rpc_method_handler(stall) for name in methods},
            ),
        )
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = open_channel(f"127.0.0.1:{port}")
    yield RemoteService(channel, api_key="kiki_unused", address=f"127.0.0.1:{port}", timeout_s=0.2)
    release.set()
    channel.close()
    server.stop(grace=None).wait()


def test_a_missed_deadline_is_a_storage_or_delivery_error(stalling: RemoteService) -> None:
    with pytest.raises(StorageError, match="DEADLINE_EXCEEDED"):
        GrpcLedger(stalling).transfers(client_id="acme")
    with pytest.raises(StorageError, match="DEADLINE_EXCEEDED"):
        GrpcLedger(stalling).record(transfer("acme"))
    with pytest.raises(StorageError, match="DEADLINE_EXCEEDED"):
        GrpcValueSource(stalling).platform_cac("acme", Platform.META, lookback_days=90, as_of=AT)
    with pytest.raises(DeliveryError, match="DEADLINE_EXCEEDED"):
        GrpcNotifier(stalling).send(ALERT)
    # A call past its deadline may still land at the remote later; a ledger write is safe to
    # retry (by its transfer id), an alert is not retried.


def test_a_refused_api_key_changes_nothing_at_the_remote(remote: Remote) -> None:
    stranger = remote.service(api_key="kiki_not-a-key")
    with pytest.raises(StorageError, match="UNAUTHENTICATED") as refused:
        GrpcLedger(stranger).record(transfer("acme"))
    with pytest.raises(DeliveryError, match="UNAUTHENTICATED"):
        GrpcNotifier(stranger).send(ALERT)
    assert cause_code(refused.value) is grpc.StatusCode.UNAUTHENTICATED
    assert remote.services.ports.ledger.transfers() == []
    assert remote.alerts.alerts == []


def test_a_client_the_key_does_not_hold_is_named_and_nothing_is_recorded(remote: Remote) -> None:
    with pytest.raises(StorageError, match="holds no client 'globex'"):
        GrpcLedger(remote.service()).record(transfer("globex"))
    with pytest.raises(StorageError, match="holds no client 'globex'"):
        GrpcLedger(remote.service()).transfers(client_id="globex")
    with pytest.raises(UnknownClientError, match="holds no client 'globex'"):
        GrpcValueSource(remote.service()).platform_ltv(
            "globex", Platform.META, lookback_days=90, as_of=AT
        )
    with pytest.raises(DeliveryError, match="NOT_FOUND"):
        GrpcNotifier(remote.service()).send(
            Alert(Severity.INFO, "Budget shifted", "moved", "globex")
        )
    assert remote.services.ports.ledger.transfers() == []
    assert remote.alerts.alerts == []


def test_every_call_carries_the_api_key_and_reaches_the_callers_data(remote: Remote) -> None:
    ledger = GrpcLedger(remote.service())
    assert ledger.record(transfer("acme")) is True
    assert ledger.record(transfer("acme")) is False
    assert remote.services.ports.ledger.transfers() == [transfer("acme")]
