"""The scheduler's jobs, driven directly (APScheduler's own timing is not under test)."""

from __future__ import annotations

from pathlib import Path

from kiki.bootstrap import App
from kiki.core.platform import Platform
from kiki.scheduler import ServiceScheduler
from tests.unit.api.conftest import Service


def test_a_pass_runs_a_cycle_for_every_tenant_client(service: Service) -> None:
    service.app.market.shock("globex-shop", Platform.META, cpm_factor=1.4)
    service.clock.advance(6 * 3600)
    scheduler = ServiceScheduler(service.ops)
    assert scheduler.run_cycles() == 2
    [shift] = service.app.ledger.transfers(client_id="globex-shop")[:1]
    assert shift.amount.to_units() == 100.0
    assert service.app.ledger.transfers(client_id="acme-shop") == []


def test_a_stopped_scheduler_takes_no_new_work(service: Service) -> None:
    scheduler = ServiceScheduler(service.ops)
    scheduler.start()
    assert scheduler.running
    scheduler.stop()
    assert not scheduler.running
    assert scheduler.run_cycles() == 0


def test_the_nightly_slot_runs_each_registered_job(service: Service, tmp_path: Path) -> None:
    scheduler = ServiceScheduler(service.ops)
    assert scheduler.run_nightly() == []  # nothing registered yet: the chaos suite will be
    seen: list[str] = []

    def job(app: App) -> None:
        seen.append(app.settings.chaos_cron)

    scheduler.register_nightly("chaos", job)
    assert scheduler.run_nightly() == ["chaos"]
    assert seen == ["0 0 * * *"]
