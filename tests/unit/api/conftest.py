"""An app on SQLite, the sandbox and a virtual clock, with two tenants and their clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiki.api.health import ServiceState
from kiki.api.http import create_app
from kiki.api.operations import Operations
from kiki.bootstrap import App, build
from kiki.core.clock import VirtualClock
from kiki.platforms.sandbox import SandboxMarket
from kiki.settings import Settings
from kiki.tenancy.services import create_tenant


@dataclass
class Service:
    app: App
    clock: VirtualClock
    ops: Operations
    state: ServiceState
    http: TestClient
    acme_key: str
    globex_key: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.acme_key}"}


def build_service(tmp_path: Path, **settings: object) -> Iterator[Service]:
    clock = VirtualClock()
    config = Settings(data_dir=tmp_path, database_url=None, **settings)  # type: ignore[arg-type]
    app = build(config, clock=clock, market=SandboxMarket(clock), quiet=True, persist_sandbox=False)
    acme = create_tenant("acme", tenants=app.tenants, clock=clock)
    globex = create_tenant("globex", tenants=app.tenants, clock=clock)
    for tenant, client in (("acme", "acme-shop"), ("globex", "globex-shop")):
        app.directory.attach(tenant, client, now=clock.now())
        app.open_sandbox_client(client)
    ops = Operations(app)
    state = ServiceState(app)
    with TestClient(create_app(ops, state)) as http:
        yield Service(app, clock, ops, state, http, acme.secret, globex.secret)
    app.close()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    yield from build_service(tmp_path)
