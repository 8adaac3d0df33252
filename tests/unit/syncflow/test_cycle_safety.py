"""Running cycles against the sandbox: two-phase shifts, rollback, idempotency, leases,
degradation, and the paths that leave a client STUCK."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.safety import SqlCycleLeases
from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.platforms.ports import Gateway
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.domain.report import CycleStatus, ShiftResult
from kiki.syncflow.errors import CycleInProgressError, SyncFlowError
from kiki.syncflow.services.run_optimization_cycle import run_optimization_cycle
from kiki.syncflow.services.shift_budget import shift_budget
from kiki.syncledger.ledger import Transfer, TransferKind
from kiki.syncledger.ports import Ledger
from kiki.syncnotify import DeliveryError
from kiki.testing import Harness

M = 1_000_000


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness.build(tmp_path)  # KIKI on a SQLite file, the sandbox in the process
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
        ("PENDING", "budget:PLATFORM_META", "budget:PLATFORM_TIKTOK"),
        ("ROLLED_BACK", "budget:PLATFORM_META", "budget:PLATFORM_TIKTOK"),
    ]
    assert h.pending("acme") == Money(0)
    assert [s.status.value for s in h.shifts("acme")] == ["ROLLED_BACK"]
    assert [a.severity.value for a in h.alerts.alerts] == ["WARNING"]
    assert [e.event.event_type for e in h.services.ports.audit.entries()] == [
        "BUDGET_SHIFT_ROLLED_BACK"
    ]


def test_the_intent_is_recorded_before_the_platforms_are_called_and_posted_after(
    h: Harness,
) -> None:
    seen: list[str] = []
    gateway = Watching(h.services.ports.gateway, h, seen)
    report = cycle(h, gateway=gateway)
    assert [o.result for o in report.outcomes] == [ShiftResult.APPLIED]  # type: ignore[attr-defined]
    assert seen == [
        "set PLATFORM_META after PENDING",
        "set PLATFORM_TIKTOK after PENDING",
    ]
    [pending, posted] = h.services.ports.ledger.transfers()
    assert (pending.kind.value, posted.kind.value, posted.corrects) == (
        "PENDING",
        "POSTED",
        pending.transfer_id,
    )
    assert (pending.source_before, pending.destination_before) == (Money(500 * M), Money(400 * M))
    assert (pending.source_target, pending.destination_target) == (
        Money(400 * M),
        Money(500 * M),
    )


def test_source_failure_changes_nothing_and_voids_the_intent(h: Harness) -> None:
    h.faults.fail(Platform.META, "set", times=1)
    report = h.services.run_cycle("acme")
    assert [o.result for o in report.outcomes] == [ShiftResult.FAILED]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert [t.kind.value for t in h.services.ports.ledger.transfers()] == ["PENDING", "VOIDED"]
    assert [s.status.value for s in h.shifts("acme")] == ["VOIDED"]
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


def test_a_source_that_cannot_be_put_back_makes_the_client_stuck_with_the_intent_pending(
    h: Harness,
) -> None:
    report = cycle(h, gateway=LowersThenFails(h.services.ports.gateway))
    assert [o.result for o in report.outcomes] == [ShiftResult.STUCK]  # type: ignore[attr-defined]
    assert report.status is CycleStatus.STUCK  # type: ignore[attr-defined]
    assert h.pending("acme") == Money(100 * M)
    # The platforms lack exactly what the pending transfer says is on its way.
    assert h.total("acme") + h.pending("acme") == Money(2500 * M)
    assert [a.severity.value for a in h.alerts.alerts] == ["CRITICAL"]
    status = h.services.ports.states.get("acme")
    assert status.state is ClientState.STUCK
    assert "could not be put back" in status.reason
    assert "CLIENT_STUCK" in [e.event.event_type for e in h.services.ports.audit.entries()]
    h.clock.advance(48 * 3600)
    assert h.services.run_cycle("acme").status is CycleStatus.STUCK
    assert h.shifts("acme")[0].status.value == "PENDING"


def test_a_ledger_that_fails_to_post_makes_the_client_stuck_and_resume_posts_it(
    h: Harness,
) -> None:
    report = cycle(h, ledger=FailsOn(h.services.ports.ledger, TransferKind.POSTED))
    assert [o.result for o in report.outcomes] == [ShiftResult.STUCK]  # type: ignore[attr-defined]
    assert h.budgets("acme")[Platform.TIKTOK] == Money(500 * M)  # the money did move
    assert h.services.ports.states.get("acme").state is ClientState.STUCK
    h.services.resume_client("acme", note="checked Meta and TikTok")
    assert h.services.ports.states.get("acme").state is ClientState.ACTIVE
    assert [s.status.value for s in h.shifts("acme")] == ["APPLIED"]
    assert h.total("acme") == Money(2500 * M)


def test_a_ledger_that_fails_during_a_rollback_makes_the_client_stuck(h: Harness) -> None:
    h.faults.fail(Platform.TIKTOK, "set", times=1)
    report = cycle(h, ledger=FailsOn(h.services.ports.ledger, TransferKind.ROLLED_BACK))
    assert [o.result for o in report.outcomes] == [ShiftResult.STUCK]  # type: ignore[attr-defined]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)  # put back at the platform
    assert h.services.ports.states.get("acme").state is ClientState.STUCK
    h.services.resume_client("acme")
    assert [s.status.value for s in h.shifts("acme")] == ["VOIDED"]


def test_a_retried_shift_id_moves_nothing_twice(h: Harness) -> None:
    shift = PlannedShift(Platform.META, Platform.TIKTOK, Money(100 * M), 2.14, 4.0, 3.06)
    kwargs = {
        "shift_id": "acme/retry-1/PLATFORM_META",
        "source_budget": Money(500 * M),
        "destination_budget": Money(400 * M),
        "gateway": h.services.ports.gateway,
        "ledger": h.services.ports.ledger,
        "states": h.services.ports.states,
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


def test_a_dry_run_plans_even_while_another_process_holds_the_lease(h: Harness) -> None:
    other = SqlCycleLeases(make_engine(h.database_url))  # another process, same database
    assert other.acquire("acme", ttl_s=60, now=h.clock.now()) is not None
    with pytest.raises(CycleInProgressError):  # after queueing for the lease a while
        h.services.run_cycle("acme")
    assert h.services.run_cycle("acme", wait=False).status is CycleStatus.LOCKED
    report = h.services.run_cycle("acme", dry_run=True)
    assert report.status is CycleStatus.DRY_RUN
    assert [s.amount for s in report.plan.shifts] == [Money(100 * M)]  # type: ignore[union-attr]


def test_the_lease_is_released_after_a_cycle(h: Harness) -> None:
    h.services.run_cycle("acme")
    other = SqlCycleLeases(make_engine(h.database_url))
    assert other.acquire("acme", ttl_s=1, now=h.clock.now()) is not None


def test_a_paused_client_gets_no_cycle_until_resumed(h: Harness) -> None:
    h.services.pause_client("acme", note="client asked")
    assert h.services.run_cycle("acme").status is CycleStatus.PAUSED
    assert h.services.ports.ledger.transfers() == []
    h.services.resume_client("acme")
    assert [o.result for o in h.services.run_cycle("acme").outcomes] == [ShiftResult.APPLIED]
    events = [e.event.event_type for e in h.services.ports.audit.entries()]
    assert events[:2] == ["CLIENT_PAUSED", "CLIENT_RESUMED"]


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

    def record(self, transfer: object, **kwargs: object) -> bool:
        raise StorageError("database error while recording a transfer: connection refused")

    def transfers(self, **kwargs: object) -> list[object]:
        return self._inner.transfers(**kwargs)  # type: ignore[attr-defined, no-any-return]


class FailsOn:
    """A ledger that fails to record one kind of transfer (its database went down then)."""

    def __init__(self, inner: Ledger, kind: TransferKind) -> None:
        self._inner = inner
        self._kind = kind

    def record(self, transfer: Transfer, **kwargs: object) -> bool:
        if transfer.kind is self._kind:
            raise StorageError("database error while recording a transfer: connection refused")
        return self._inner.record(transfer, **kwargs)  # type: ignore[arg-type]

    def transfers(self, **kwargs: object) -> list[Transfer]:
        return self._inner.transfers(**kwargs)  # type: ignore[arg-type]


class Watching:
    """A gateway that notes, at each budget write, the ledger's last transfer kind."""

    def __init__(self, inner: Gateway, h: Harness, seen: list[str]) -> None:
        self._inner = inner
        self._h = h
        self._seen = seen

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        last = self._h.services.ports.ledger.transfers()[-1].kind.value
        self._seen.append(f"set {platform.value} after {last}")
        self._inner.set_daily_budget(client_id, platform, budget)


class SilentNotifier:
    def send(self, alert: object) -> None:
        raise DeliveryError("smtp refused")


class NoValues:
    def platform_ltv(self, client_id: str, platform: Platform, **kwargs: object) -> Money | None:
        raise SyncFlowError("SyncValue unreachable")

    def platform_cac(self, client_id: str, platform: Platform, **kwargs: object) -> Money | None:
        raise SyncFlowError("SyncValue unreachable")


def cycle(h: Harness, **overrides: object) -> object:
    """A cycle through ``run_optimization_cycle`` with some of the app's ports replaced."""
    ports = replace(h.services.cycle_ports(), **overrides)  # type: ignore[arg-type]
    return run_optimization_cycle("acme", ports=ports, cac_window_s=6 * 3600.0)


def test_a_ledger_that_cannot_record_the_intent_moves_nothing(h: Harness) -> None:
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
