"""The scheduler's jobs, driven directly (APScheduler's own timing is not under test)."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from kiki.application.services import Services
from kiki.core.platform import Platform
from kiki.scheduler import ServiceScheduler
from tests.unit.api.conftest import Service, build_service


def test_a_pass_runs_a_cycle_for_every_tenant_client(service: Service) -> None:
    service.sandbox.shock("globex-shop", Platform.META, cpm_factor=1.4)
    service.clock.advance(6 * 3600)
    scheduler = ServiceScheduler(service.services)
    assert scheduler.run_cycles() == 2
    [shift] = service.services.ports.ledger.transfers(client_id="globex-shop")[:1]
    assert shift.amount.to_units() == 100.0
    assert service.services.ports.ledger.transfers(client_id="acme-shop") == []


class Exploding:
    """A gateway that breaks in a way nobody planned for, for one client only."""

    def __init__(self, inner: object, victim: str) -> None:
        self._inner = inner
        self._victim = victim

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def platforms(self, client_id: str) -> list[Platform]:
        if client_id == self._victim:
            raise ZeroDivisionError("a bug in an adapter")
        return self._inner.platforms(client_id)  # type: ignore[attr-defined, no-any-return]


def test_one_clients_unexpected_failure_does_not_stop_the_pass(service: Service) -> None:
    for client in ("c1", "c2", "c3"):
        service.services.attach_client(client, tenant_id="acme", sandbox=True)
    service.clock.advance(6 * 3600)
    p = service.services.ports
    broken = Services(replace(p, gateway=Exploding(p.gateway, "c2")), service.services.values)
    assert ServiceScheduler(broken).run_cycles() == 4  # acme-shop, c1, c3, globex-shop
    assert p.metrics.value("syncflow_cycle_failures_total", {"cause": "unexpected"}) == 1.0


def test_cycles_of_different_clients_run_at_once_up_to_the_setting(tmp_path: Path) -> None:
    running, most = 0, 0
    guard = threading.Lock()

    class Slow:
        def __init__(self, inner: object) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

        def platforms(self, client_id: str) -> list[Platform]:
            nonlocal running, most
            with guard:
                running += 1
                most = max(most, running)
                if running >= expected:
                    full.set()
            # hold every call until `expected` are in flight at once: no timing involved; if the
            # pool ran fewer at once, the wait would end on its timeout and `most` would say so
            full.wait(timeout=10)
            with guard:
                running -= 1
            return self._inner.platforms(client_id)  # type: ignore[attr-defined, no-any-return]

    for concurrency, expected in ((1, 1), (4, 4)):
        running, most = 0, 0
        full = threading.Event()
        for svc in build_service(tmp_path / str(concurrency), cycle_concurrency=concurrency):
            for i in range(8):
                svc.services.attach_client(f"x{i}", tenant_id="acme", sandbox=True)
            p = svc.services.ports
            slow = Services(replace(p, gateway=Slow(p.gateway)), svc.services.values)
            assert ServiceScheduler(slow).run_cycles() == 10
        assert most == expected


def test_a_stopped_scheduler_takes_no_new_work(service: Service) -> None:
    scheduler = ServiceScheduler(service.services)
    scheduler.start()
    assert scheduler.running
    scheduler.stop()
    assert not scheduler.running
    assert scheduler.run_cycles() == 0


def test_the_nightly_slot_runs_each_registered_job(service: Service, tmp_path: Path) -> None:
    scheduler = ServiceScheduler(service.services)
    assert scheduler.run_nightly() == []  # nothing registered yet: the chaos suite will be
    seen: list[str] = []

    def job(services: Services) -> None:
        seen.append(services.ports.settings.chaos_cron)

    scheduler.register_nightly("chaos", job)
    assert scheduler.run_nightly() == ["chaos"]
    assert seen == ["0 0 * * *"]
