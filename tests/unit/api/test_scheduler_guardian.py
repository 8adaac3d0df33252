"""The scheduler's guardian job and the chaos suite in the nightly slot, driven directly."""

from __future__ import annotations

from kiki.core.platform import Platform
from kiki.scheduler import ServiceScheduler
from kiki.serve import run_chaos_suite
from tests.unit.api.conftest import Service


def test_the_guardian_job_runs_every_interval_and_pauses_a_runaway(service: Service) -> None:
    scheduler = ServiceScheduler(service.services)
    job = scheduler._scheduler.get_job("guardian")  # the trigger is the point
    assert job.trigger.interval.total_seconds() == 60
    service.sandbox.shock("acme-shop", Platform.META, spend_factor=10)
    actions = 0
    for _ in range(240):
        service.clock.advance(60)
        actions += scheduler.run_guardian()
        if actions:
            break
    [campaign] = [
        c
        for c in service.services.campaigns("acme-shop").campaigns
        if c.state.platform is Platform.META
    ]
    assert campaign.pause_reason is not None
    assert campaign.pause_reason.value == "BUDGET_OVERRUN"


def test_a_stopped_scheduler_runs_no_guardian_pass(service: Service) -> None:
    scheduler = ServiceScheduler(service.services)
    scheduler.stop()
    assert scheduler.run_guardian() == 0


def test_the_nightly_chaos_job_runs_the_suite_and_audits_it(service: Service) -> None:
    scheduler = ServiceScheduler(service.services)
    scheduler.register_nightly("chaos", run_chaos_suite)
    assert scheduler.run_nightly() == ["chaos"]
    entries = service.services.ports.audit.entries(event_type="CHAOS_TEST_COMPLETED")
    assert len(entries) == 1
    assert entries[0].event.metadata["failed"] == 0
