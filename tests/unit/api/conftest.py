"""Services on SQLite, the sandbox in-process and a virtual clock, with two tenants and their
clients whose markets have run for six hours (so every platform has a measured CAC)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiki.api.health import ServiceState
from kiki.api.http import create_app
from kiki.application.services import Services
from kiki.application.tenancy import TenantServices
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import FaultInjector, SandboxControls
from kiki.syncnotify.recording import RecordingNotifier
from kiki.testing import Harness

WARM_UP_S = 6 * 3600


@dataclass
class Service:
    services: Services
    clock: VirtualClock
    tenancy: TenantServices
    state: ServiceState
    http: TestClient
    acme_key: str
    globex_key: str
    alerts: RecordingNotifier

    @property
    def sandbox(self) -> SandboxControls:
        return self.services.sandbox()

    @property
    def faults(self) -> FaultInjector:
        return self.services.faults()

    def budgets(self, client_id: str) -> dict[Platform, Money]:
        view = self.sandbox.show(client_id, window_s=3600)
        return {a.platform: a.daily_budget for a in view.accounts}

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.acme_key}"}


def build_service(tmp_path: Path, **settings: object) -> Iterator[Service]:
    h = Harness.build(tmp_path, sandbox_url="memory", **settings)
    services = h.services
    acme = services.create_tenant("acme")
    globex = services.create_tenant("globex")
    for tenant, client in (("acme", "acme-shop"), ("globex", "globex-shop")):
        services.attach_client(client, tenant_id=tenant, sandbox=True)
    h.clock.advance(WARM_UP_S)
    tenancy = TenantServices(services)
    state = ServiceState(services)
    with TestClient(create_app(tenancy, state)) as http:
        yield Service(services, h.clock, tenancy, state, http, acme.secret, globex.secret, h.alerts)
    services.close()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    yield from build_service(tmp_path)
