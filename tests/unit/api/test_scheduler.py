"""The scheduler's jobs, driven directly (APScheduler's own timing is not under test)."""

from __future__ import annotations

from pathlib import Path

from kiki.application.services import Services
from kiki.core.platform import Platform
from kiki.scheduler import ServiceScheduler
from tests.unit.api.conftest import Service


def test_a_pass_runs_a_cycle_for_every_tenant_client(service: Service) -> None:
    service.sandbox.shock("globex-shop", Platform.META, cpm_factor=1.4)
    service.clock.advance(6 * 3600)
    scheduler = ServiceScheduler(service.services)
    assert scheduler.run_cycles() == 2
    [shift] = service.services.ports.ledger.transfers(client_id="globex-shop")[:1]
    assert shift.amount.to_units() == 100.0
    assert service.services.ports.ledger.transfers(client_id="acme-shop") == []


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
