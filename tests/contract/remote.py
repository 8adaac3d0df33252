"""A real kiki.v1 gRPC server on 127.0.0.1:0 over built Services (SQLite), with one tenant that
holds the given clients, and its API key created through the tenancy code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
from sqlalchemy.engine import Engine

from kiki.adapters.grpc_clients import RemoteService, open_channel
from kiki.adapters.sql.engine import make_engine
from kiki.api.grpc.server import build_server
from kiki.api.health import ServiceState
from kiki.application.services import Services
from kiki.application.tenancy import TenantServices
from kiki.bootstrap import build
from kiki.settings import Settings
from kiki.syncnotify.recording import RecordingNotifier


@dataclass
class Remote:
    services: Services
    address: str
    api_key: str
    channel: grpc.Channel
    alerts: RecordingNotifier
    engine: Engine  # the remote's own database, for tests that seed it directly

    def service(self, *, api_key: str | None = None, timeout_s: float = 5.0) -> RemoteService:
        return RemoteService(
            self.channel,
            api_key=self.api_key if api_key is None else api_key,
            address=self.address,
            timeout_s=timeout_s,
        )


@contextmanager
def serving(data_dir: Path, *, clients: tuple[str, ...] = ("acme", "globex")) -> Iterator[Remote]:
    settings = Settings(
        data_dir=data_dir,
        database_url=None,
        redis_url=None,
        syncvalue_addr=None,  # the remote itself is all in-process, whatever the environment says
        ledger_addr=None,
        notify_addr=None,
    )
    alerts = RecordingNotifier()
    services = build(settings, quiet=True, notifiers=[alerts])
    services.create_tenant("remote-caller")
    # A KIKI component calling another is the operator's: its alerts may name no client.
    key = services.issue_key("remote-caller", operator=True)
    for client_id in clients:
        services.attach_client(client_id, tenant_id=key.tenant_id, sandbox=False)
    server, port = build_server(
        TenantServices(services), ServiceState(services), address="127.0.0.1:0"
    )
    server.start()
    address = f"127.0.0.1:{port}"
    channel = open_channel(address)
    engine = make_engine(settings.resolved_database_url())
    try:
        yield Remote(services, address, key.secret, channel, alerts, engine)
    finally:
        engine.dispose()
        channel.close()
        server.stop(grace=None).wait()
        services.close()
