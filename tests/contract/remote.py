"""A real kiki.v1 gRPC server on 127.0.0.1:0 over a built App (SQLite), with one tenant that
holds the given clients, and its API key created through the tenancy code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc

from kiki.adapters.grpc_clients import RemoteService, open_channel
from kiki.api.grpc.server import build_server
from kiki.api.health import ServiceState
from kiki.api.operations import Operations
from kiki.bootstrap import App, build
from kiki.core.clock import SystemClock
from kiki.platforms.sandbox import SandboxMarket
from kiki.settings import Settings
from kiki.tenancy.services import create_tenant


@dataclass
class Remote:
    app: App
    address: str
    api_key: str
    channel: grpc.Channel

    def service(self, *, api_key: str | None = None, timeout_s: float = 5.0) -> RemoteService:
        return RemoteService(
            self.channel,
            api_key=self.api_key if api_key is None else api_key,
            address=self.address,
            timeout_s=timeout_s,
        )


@contextmanager
def serving(data_dir: Path, *, clients: tuple[str, ...] = ("acme", "globex")) -> Iterator[Remote]:
    clock = SystemClock()
    settings = Settings(
        data_dir=data_dir,
        database_url=None,
        redis_url=None,
        syncvalue_addr=None,  # the remote itself is all in-process, whatever the environment says
        ledger_addr=None,
        notify_addr=None,
    )
    app = build(
        settings, clock=clock, market=SandboxMarket(clock), quiet=True, persist_sandbox=False
    )
    key = create_tenant("remote-caller", tenants=app.tenants, clock=clock)
    for client_id in clients:
        app.directory.attach(key.tenant_id, client_id, now=clock.now())
    server, port = build_server(Operations(app), ServiceState(app), address="127.0.0.1:0")
    server.start()
    address = f"127.0.0.1:{port}"
    channel = open_channel(address)
    try:
        yield Remote(app, address, key.secret, channel)
    finally:
        channel.close()
        server.stop(grace=None).wait()
        app.close()
