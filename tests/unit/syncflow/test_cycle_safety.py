"""Running cycles against the sandbox: rollback, idempotency, locking, degradation, pausing."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox import SandboxMarket
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.errors import SyncFlowError
from kiki.syncflow.services.run_optimization_cycle import CycleStatus, run_optimization_cycle
from kiki.syncflow.services.shift_budget import ShiftResult, shift_budget
from kiki.syncnotify import DeliveryError
from kiki.testing import Harness

M = 1_000_000


@pytest.fixture
def h() -> Harness:
    harness = Harness.build("unused", database_url="sqlite://")
    harness.open_client("acme")
    harness.market.shock("acme", Platform.META, cpm_factor=1.4)
    harness.clock.advance(6 * 3600)
    return harness


def test_destination_failure_restores_the_source_and_records_a_correcting_transfer(
    h: Harness,
) -> None:
    h.market.fail(Platform.TIKTOK, "set", times=1)
    report = h.app.run_cycle("acme")
    assert [o.result for o in report.outcomes] == [ShiftResult.ROLLED_BACK]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert h.budgets("acme")[Platform.TIKTOK] == Money(400 * M)
    assert h.total("acme") == Money(2500 * M)
    kinds = [(t.kind.value, t.source, t.destination) for t in h.app.ledger.transfers()]
    assert kinds == [
        ("SHIFT_OUT", "budget:PLATFORM_META", "transit"),
        ("ROLLBACK", "transit", "budget:PLATFORM_META"),
    ]
    assert h.in_transit("acme") == Money(0)
    assert [s.status.value for s in h.shifts("acme")] == ["ROLLED_BACK"]
    assert [a.severity.value for a in h.app.recorded.alerts] == ["WARNING"]
    assert [e.event.event_type for e in h.app.audit.entries()] == ["BUDGET_SHIFT_ROLLED_BACK"]


def test_source_failure_changes_nothing_and_records_no_transfer(h: Harness) -> None:
    h.market.fail(Platform.META, "set", times=1)
    report = h.app.run_cycle("acme")
    assert [o.result for o in report.outcomes] == [ShiftResult.FAILED]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert h.app.ledger.transfers() == []
    assert [e.event.event_type for e in h.app.audit.entries()] == ["BUDGET_SHIFT_FAILED"]
    assert (
        h.app.metrics.value(
            "syncflow_platform_api_errors_total", {"platform": "PLATFORM_META", "operation": "set"}
        )
        == 1.0
    )


def test_money_that_cannot_be_restored_stays_visibly_in_transit_and_pauses_the_client(
    h: Harness,
) -> None:
    h.market.fail(Platform.TIKTOK, "set")
    # Lowering Meta succeeds; every attempt to restore it afterwards fails.
    meta_calls = {"n": 0}
    original = h.market.set_daily_budget

    def lower_then_fail(client_id: str, platform: Platform, budget: Money) -> None:
        if platform is Platform.META:
            meta_calls["n"] += 1
            if meta_calls["n"] > 1:
                h.market.fail(Platform.META, "set", times=1)
        original(client_id, platform, budget)

    h.market.set_daily_budget = lower_then_fail  # type: ignore[method-assign]  # a flaky API, scripted
    report = h.app.run_cycle("acme")
    assert [o.result for o in report.outcomes] == [ShiftResult.STUCK_IN_TRANSIT]
    assert h.in_transit("acme") == Money(100 * M)
    # Conservation still holds when the transit account is counted.
    assert h.total("acme") + h.in_transit("acme") == Money(2500 * M)
    assert [a.severity.value for a in h.app.recorded.alerts] == ["CRITICAL"]
    h.market.heal()
    h.clock.advance(48 * 3600)
    assert h.app.run_cycle("acme").status is CycleStatus.PAUSED


def test_a_retried_shift_id_moves_nothing_twice(h: Harness) -> None:
    shift = PlannedShift(Platform.META, Platform.TIKTOK, Money(100 * M), 2.14, 4.0, 3.06)
    kwargs = {
        "shift_id": "acme/retry-1/PLATFORM_META",
        "source_budget": Money(500 * M),
        "destination_budget": Money(400 * M),
        "gateway": h.market,
        "ledger": h.app.ledger,
        "audit": h.app.audit,
        "notifier": h.app.notifier,
        "metrics": h.app.metrics,
        "clock": h.clock,
    }
    first = shift_budget("acme", shift, **kwargs)  # type: ignore[arg-type]
    again = shift_budget("acme", shift, **kwargs)  # type: ignore[arg-type]
    assert (first.result, again.result) == (ShiftResult.APPLIED, ShiftResult.ALREADY_RECORDED)
    assert h.budgets("acme")[Platform.META] == Money(400 * M)
    assert len(h.app.ledger.transfers()) == 2


def test_a_failing_read_leaves_that_platform_out_and_the_cycle_goes_on(h: Harness) -> None:
    h.market.fail(Platform.GOOGLE, "read")
    report = h.app.run_cycle("acme")
    assert report.plan is not None
    assert Platform.GOOGLE in report.errors
    assert Platform.GOOGLE not in [p.platform for p in report.plan.platforms]
    assert [o.result for o in report.outcomes] == [ShiftResult.APPLIED]
    assert (
        h.app.metrics.value(
            "syncflow_platforms_left_out_total",
            {"platform": "PLATFORM_GOOGLE", "reason": "api_error"},
        )
        == 1.0
    )


def test_a_dry_run_plans_but_moves_nothing(h: Harness) -> None:
    report = h.app.run_cycle("acme", dry_run=True)
    assert report.status is CycleStatus.DRY_RUN
    assert report.plan is not None
    assert [s.amount for s in report.plan.shifts] == [Money(100 * M)]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)
    assert h.app.ledger.transfers() == []


def test_concurrent_triggers_run_one_cycle_per_client(tmp_path: object) -> None:
    h = Harness.build(str(tmp_path), database_url=f"sqlite:///{tmp_path}/k.sqlite3")
    h.open_client("acme")
    h.market.shock("acme", Platform.META, cpm_factor=1.4)
    h.clock.advance(6 * 3600)
    barrier = threading.Barrier(4)
    statuses: list[CycleStatus] = []

    def trigger() -> None:
        barrier.wait()
        statuses.append(h.app.run_cycle("acme").status)

    threads = [threading.Thread(target=trigger) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(CycleStatus.COMPLETED) >= 1
    assert set(statuses) <= {CycleStatus.COMPLETED, CycleStatus.LOCKED}
    assert [s.amount for s in h.shifts("acme")] == [Money(100 * M)]
    assert h.total("acme") == Money(2500 * M)


def test_a_dry_run_plans_even_while_a_cycle_holds_the_lock(h: Harness) -> None:
    token = h.app.state.acquire_lock("syncflow:cycle:acme", ttl_s=60)
    assert token is not None
    assert h.app.run_cycle("acme").status is CycleStatus.LOCKED
    report = h.app.run_cycle("acme", dry_run=True)
    assert report.status is CycleStatus.DRY_RUN
    assert [s.amount for s in report.plan.shifts] == [Money(100 * M)]  # type: ignore[union-attr]


def test_the_lock_is_released_after_a_cycle(h: Harness) -> None:
    h.app.run_cycle("acme")
    assert h.app.state.acquire_lock("syncflow:cycle:acme", ttl_s=1) is not None


def test_per_client_settings_in_the_database_steer_the_cycle(h: Harness) -> None:
    config = h.app.configs.get("acme")
    h.app.configs.put("acme", replace(config, efficiency_threshold=0.5), now=h.clock.now())
    assert h.app.run_cycle("acme", dry_run=True).plan.underperformers == ()  # type: ignore[union-attr]
    h.app.configs.put("acme", replace(config, deny=frozenset({Platform.META})), now=h.clock.now())
    plan = h.app.run_cycle("acme", dry_run=True).plan
    assert plan is not None
    assert Platform.META not in [p.platform for p in plan.platforms]
    h.app.configs.put("acme", replace(config, reallocation_percent=0.05), now=h.clock.now())
    report = h.app.run_cycle("acme")
    assert [o.shift.amount for o in report.outcomes] == [Money(25 * M)]


def test_the_sandbox_keeps_budgets_and_shocks_across_a_snapshot(h: Harness) -> None:
    h.app.run_cycle("acme")
    copy = SandboxMarket(h.clock)
    copy.restore(h.market.snapshot())
    assert copy.snapshot() == h.market.snapshot()
    assert copy.read("acme", Platform.META).daily_budget == Money(400 * M)
    assert copy.read("acme", Platform.META).cac == Money(210 * M)


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
        "gateway": h.market,
        "values": h.app.values,
        "ledger": h.app.ledger,
        "audit": h.app.audit,
        "notifier": h.app.notifier,
        "configs": h.app.configs,
        "state": h.app.state,
        "metrics": h.app.metrics,
        "clock": h.clock,
    }
    return run_optimization_cycle("acme", **{**ports, **overrides})  # type: ignore[arg-type]


def test_a_ledger_that_cannot_record_undoes_the_platform_change(h: Harness) -> None:
    report = cycle(h, ledger=BrokenLedger(h.app.ledger))
    assert [o.result for o in report.outcomes] == [ShiftResult.FAILED]  # type: ignore[attr-defined]
    assert "ledger unavailable" in report.outcomes[0].detail  # type: ignore[attr-defined]
    assert h.budgets("acme")[Platform.META] == Money(500 * M)


def test_an_undelivered_alert_is_audited_and_the_shift_stands(h: Harness) -> None:
    report = cycle(h, notifier=SilentNotifier())
    assert [o.result for o in report.outcomes] == [ShiftResult.APPLIED]  # type: ignore[attr-defined]
    assert [e.event.event_type for e in h.app.audit.entries()] == [
        "BUDGET_SHIFTED",
        "ALERT_UNDELIVERED",
    ]
    assert h.budgets("acme")[Platform.TIKTOK] == Money(500 * M)


def test_without_ltv_every_platform_is_left_out_and_nothing_moves(h: Harness) -> None:
    report = cycle(h, values=NoValues())
    assert report.plan.platforms == ()  # type: ignore[attr-defined]
    assert report.outcomes == ()  # type: ignore[attr-defined]
    assert (
        h.app.metrics.value(
            "syncflow_platforms_left_out_total",
            {"platform": "PLATFORM_META", "reason": "ltv_unavailable"},
        )
        == 1.0
    )
