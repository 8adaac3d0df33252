"""Running cycles against the sandbox: rollback, idempotency, locking, degradation, pausing."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.platforms.ports import Gateway
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.domain.report import CycleStatus, ShiftResult
from kiki.syncflow.errors import CycleInProgressError, SyncFlowError
from kiki.syncflow.services.run_optimization_cycle import run_optimization_cycle
from kiki.syncflow.services.shift_budget import shift_budget
from kiki.syncnotify import DeliveryError
from kiki.testing import Harness

M = 1_000_000


@pytest.fixture
def h() -> Harness:
    harness = Harness.build("unused", database_url="sqlite://")
    harness.open_client("acme")
    harness.sandbox.shock("acme", Platform.META, cpm_factor=1.4)
    harness.clock.advance(6 * 3600)
    return harness


def test_destination_failure_restores_the_source_and_records_a_correcting_transfer(
    h: Harness,
) -> None:
    h.faults.fail(Platform.TIKTOK, "set", times=1)
    report = h.services.run_cycle("acme")
    assert [o.result for o in report.outcomes] == [ShiftResult.ROLLED_BACK]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert h.budgets("acme")[Platform.TIKTOK] == Money(400 * M)
    assert h.total("acme") == Money(2500 * M)
    kinds = [(t.kind.value, t.source, t.destination) for t in h.services.ports.ledger.transfers()]
    assert kinds == [
        ("SHIFT_OUT", "budget:PLATFORM_META", "transit"),
        ("ROLLBACK", "transit", "budget:PLATFORM_META"),
    ]
    assert h.in_transit("acme") == Money(0)
    assert [s.status.value for s in h.shifts("acme")] == ["ROLLED_BACK"]
    assert [a.severity.value for a in h.alerts.alerts] == ["WARNING"]
    assert [e.event.event_type for e in h.services.ports.audit.entries()] == [
        "BUDGET_SHIFT_ROLLED_BACK"
    ]


def test_source_failure_changes_nothing_and_records_no_transfer(h: Harness) -> None:
    h.faults.fail(Platform.META, "set", times=1)
    report = h.services.run_cycle("acme")
    assert [o.result for o in report.outcomes] == [ShiftResult.FAILED]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert h.services.ports.ledger.transfers() == []
    assert [e.event.event_type for e in h.services.ports.audit.entries()] == ["BUDGET_SHIFT_FAILED"]
    assert (
        h.services.ports.metrics.value(
            "syncflow_platform_api_errors_total", {"platform": "PLATFORM_META", "operation": "set"}
        )
        == 1.0
    )


class LowersThenFails:
    """A gateway whose budget writes work once for Meta (the lowering) and then fail for Meta
    and TikTok: the destination cannot be raised and the source cannot be restored."""

    def __init__(self, inner: Gateway) -> None:
        self._inner = inner
        self._meta_sets = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        if platform is Platform.META:
            self._meta_sets += 1
        if platform is Platform.TIKTOK or self._meta_sets > 1:
            raise PlatformUnavailableError(platform, "set", "scripted outage")
        self._inner.set_daily_budget(client_id, platform, budget)


def test_money_that_cannot_be_restored_stays_visibly_in_transit_and_pauses_the_client(
    h: Harness,
) -> None:
    report = cycle(h, gateway=LowersThenFails(h.services.ports.gateway))
    assert [o.result for o in report.outcomes] == [ShiftResult.STUCK_IN_TRANSIT]  # type: ignore[attr-defined]
    assert h.in_transit("acme") == Money(100 * M)
    # Conservation still holds when the transit account is counted.
    assert h.total("acme") + h.in_transit("acme") == Money(2500 * M)
    assert [a.severity.value for a in h.alerts.alerts] == ["CRITICAL"]
    h.clock.advance(48 * 3600)
    assert h.services.run_cycle("acme").status is CycleStatus.PAUSED


def test_a_retried_shift_id_moves_nothing_twice(h: Harness) -> None:
    shift = PlannedShift(Platform.META, Platform.TIKTOK, Money(100 * M), 2.14, 4.0, 3.06)
    kwargs = {
        "shift_id": "acme/retry-1/PLATFORM_META",
        "source_budget": Money(500 * M),
        "destination_budget": Money(400 * M),
        "gateway": h.services.ports.gateway,
        "ledger": h.services.ports.ledger,
        "audit": h.services.ports.audit,
        "notifier": h.services.ports.notifier,
        "metrics": h.services.ports.metrics,
        "clock": h.clock,
    }
    first = shift_budget("acme", shift, **kwargs)  # type: ignore[arg-type]
    again = shift_budget("acme", shift, **kwargs)  # type: ignore[arg-type]
    assert (first.result, again.result) == (ShiftResult.APPLIED, ShiftResult.ALREADY_RECORDED)
    assert h.budgets("acme")[Platform.META] == Money(400 * M)
    assert len(h.services.ports.ledger.transfers()) == 2


def test_a_failing_read_leaves_that_platform_out_and_the_cycle_goes_on(h: Harness) -> None:
    h.faults.fail(Platform.GOOGLE, "read")
    report = h.services.run_cycle("acme")
    assert report.plan is not None
    assert Platform.GOOGLE in report.errors
    assert Platform.GOOGLE not in [p.platform for p in report.plan.platforms]
    assert [o.result for o in report.outcomes] == [ShiftResult.APPLIED]
    assert (
        h.services.ports.metrics.value(
            "syncflow_platforms_left_out_total",
            {"platform": "PLATFORM_GOOGLE", "reason": "api_error"},
        )
        == 1.0
    )


def test_a_dry_run_plans_but_moves_nothing(h: Harness) -> None:
    report = h.services.run_cycle("acme", dry_run=True)
    assert report.status is CycleStatus.DRY_RUN
    assert report.plan is not None
    assert [s.amount for s in report.plan.shifts] == [Money(100 * M)]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert h.services.ports.ledger.transfers() == []


def test_concurrent_triggers_run_one_cycle_per_client(tmp_path: object) -> None:
    h = Harness.build(
        str(tmp_path),
        database_url=f"sqlite:///{tmp_path}/k.sqlite3",
        sandbox_url=f"sqlite:///{tmp_path}/sandbox.sqlite3",
    )
    h.open_client("acme")
    h.sandbox.shock("acme", Platform.META, cpm_factor=1.4)
    h.clock.advance(6 * 3600)
    barrier = threading.Barrier(4)
    statuses: list[CycleStatus] = []

    def trigger() -> None:
        barrier.wait()
        statuses.append(h.services.run_cycle("acme").status)

    threads = [threading.Thread(target=trigger) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # In one process the triggers queue on the client and run one after another.
    assert statuses == [CycleStatus.COMPLETED] * 4
    assert [s.amount for s in h.shifts("acme")] == [Money(100 * M)]
    assert h.total("acme") == Money(2500 * M)


def test_a_dry_run_plans_even_while_a_cycle_holds_the_lock(h: Harness) -> None:
    token = h.services.ports.state.acquire_lock("syncflow:cycle:acme", ttl_s=60)
    assert token is not None
    with pytest.raises(CycleInProgressError):  # after queueing for the lock a while
        h.services.run_cycle("acme")
    report = h.services.run_cycle("acme", dry_run=True)
    assert report.status is CycleStatus.DRY_RUN
    assert [s.amount for s in report.plan.shifts] == [Money(100 * M)]  # type: ignore[union-attr]


def test_the_lock_is_released_after_a_cycle(h: Harness) -> None:
    h.services.run_cycle("acme")
    assert h.services.ports.state.acquire_lock("syncflow:cycle:acme", ttl_s=1) is not None


def test_per_client_settings_in_the_database_steer_the_cycle(h: Harness) -> None:
    config = h.services.ports.configs.get("acme")
    h.services.ports.configs.put(
        "acme", replace(config, efficiency_threshold=0.5), now=h.clock.now()
    )
    assert h.services.run_cycle("acme", dry_run=True).plan.underperformers == ()  # type: ignore[union-attr]
    h.services.ports.configs.put(
        "acme", replace(config, deny=frozenset({Platform.META})), now=h.clock.now()
    )
    plan = h.services.run_cycle("acme", dry_run=True).plan
    assert plan is not None
    assert Platform.META not in [p.platform for p in plan.platforms]
    h.services.ports.configs.put(
        "acme", replace(config, reallocation_percent=0.05), now=h.clock.now()
    )
    report = h.services.run_cycle("acme")
    assert [o.shift.amount for o in report.outcomes] == [Money(25 * M)]


def test_another_process_sees_the_budgets_and_shocks_the_sandbox_keeps(tmp_path: Path) -> None:
    first = Harness.build(tmp_path, sandbox_url=f"sqlite:///{tmp_path}/sandbox.sqlite3")
    first.open_client("acme")
    first.sandbox.shock("acme", Platform.META, cpm_factor=1.4)
    first.clock.advance(6 * 3600)
    first.services.run_cycle("acme")
    second = Harness.build(tmp_path, sandbox_url=f"sqlite:///{tmp_path}/sandbox.sqlite3")
    second.clock.advance(6 * 3600)
    assert second.budgets("acme") == first.budgets("acme")
    assert second.budgets("acme")[Platform.META] == Money(400 * M)
    view = second.sandbox.show("acme", window_s=3600)
    assert [a.factors.cpm for a in view.accounts if a.platform is Platform.META] == [1.4]
    first.close()
    second.close()


class BrokenLedger:
    """A ledger whose database is down: reads work, every write fails."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def record(self, transfer: object) -> bool:
        raise StorageError("database error while recording a transfer: connection refused")

    def transfers(self, **kwargs: object) -> list[object]:
        return self._inner.transfers(**kwargs)  # type: ignore[attr-defined, no-any-return]


class SilentNotifier:
    def send(self, alert: object) -> None:
        raise DeliveryError("smtp refused")


class NoValues:
    def platform_ltv(self, client_id: str, platform: Platform, **kwargs: object) -> Money | None:
        raise SyncFlowError("SyncValue unreachable")

    def platform_cac(self, client_id: str, platform: Platform, **kwargs: object) -> Money | None:
        raise SyncFlowError("SyncValue unreachable")


def cycle(h: Harness, **overrides: object) -> object:
    ports: dict[str, object] = {
        "gateway": h.services.ports.gateway,
        "values": h.services.ports.optimizer_values,
        "ledger": h.services.ports.ledger,
        "audit": h.services.ports.audit,
        "notifier": h.services.ports.notifier,
        "configs": h.services.ports.configs,
        "state": h.services.ports.state,
        "metrics": h.services.ports.metrics,
        "readings": h.services.ports.readings,
        "clock": h.clock,
        "cac_window_s": 6 * 3600.0,
    }
    return run_optimization_cycle("acme", **{**ports, **overrides})  # type: ignore[arg-type]


def test_a_ledger_that_cannot_record_undoes_the_platform_change(h: Harness) -> None:
    report = cycle(h, ledger=BrokenLedger(h.services.ports.ledger))
    assert [o.result for o in report.outcomes] == [ShiftResult.FAILED]  # type: ignore[attr-defined]
    assert "ledger unavailable" in report.outcomes[0].detail  # type: ignore[attr-defined]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)


def test_an_undelivered_alert_is_audited_and_the_shift_stands(h: Harness) -> None:
    report = cycle(h, notifier=SilentNotifier())
    assert [o.result for o in report.outcomes] == [ShiftResult.APPLIED]  # type: ignore[attr-defined]
    assert [e.event.event_type for e in h.services.ports.audit.entries()] == [
        "BUDGET_SHIFTED",
        "ALERT_UNDELIVERED",
    ]
    assert h.budgets("acme")[Platform.TIKTOK] == Money(500 * M)


def test_without_ltv_every_platform_is_left_out_and_nothing_moves(h: Harness) -> None:
    report = cycle(h, values=NoValues())
    assert report.plan.platforms == ()  # type: ignore[attr-defined]
    assert report.outcomes == ()  # type: ignore[attr-defined]
    assert (
        h.services.ports.metrics.value(
            "syncflow_platforms_left_out_total",
            {"platform": "PLATFORM_META", "reason": "ltv_unavailable"},
        )
        == 1.0
    )
