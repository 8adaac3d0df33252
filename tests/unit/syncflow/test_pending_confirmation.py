"""Money movement through a platform that takes changes as requests it confirms later (the CSV
gateway): an unconfirmed leg is an unknown outcome, never done, never undone on a guess."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import ChangePendingError, UnknownClientError
from kiki.platforms.pending import PendingChange
from kiki.platforms.ports import PlatformReading
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.domain.report import CycleStatus, ShiftResult
from kiki.syncflow.services.reconcile import Resolution, reconcile
from kiki.syncflow.services.run_optimization_cycle import CyclePorts, run_optimization_cycle
from kiki.syncflow.services.shift_budget import shift_budget
from kiki.testing import Harness

M = 1_000_000
META, TIKTOK = Platform.META, Platform.TIKTOK
SHIFT = PlannedShift(META, TIKTOK, Money(100 * M), 2.14, 4.0, 3.06)


class RequestingGateway:
    """Budgets per platform; on the platforms in ``by_request`` a write is a request that
    waits for ``confirm`` (applied) or ``refuse`` (not made). Implements PlatformGateway and
    PendingChanges."""

    def __init__(self, budgets: dict[Platform, int], by_request: set[Platform]) -> None:
        self.budgets = {p: Money(b * M) for p, b in budgets.items()}
        self.by_request = by_request
        self.waiting: dict[Platform, Money] = {}
        self.writes: list[tuple[Platform, Money]] = []

    def platforms(self, client_id: str) -> list[Platform]:
        if client_id != "acme":
            raise UnknownClientError(client_id)
        return list(self.budgets)

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        return PlatformReading(self.budgets[platform], None)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        self.writes.append((platform, budget))
        if platform not in self.by_request:
            self.budgets[platform] = budget
            return
        if self.budgets[platform] == budget and platform not in self.waiting:
            return
        self.waiting[platform] = budget
        raise ChangePendingError(platform, f"budget → {budget.format()}")

    def pending_changes(self, client_id: str, platform: Platform) -> tuple[PendingChange, ...]:
        if platform not in self.waiting:
            return ()
        new = self.waiting[platform]
        return (
            PendingChange(client_id, platform, "c1", "daily_budget", "", str(new.micros), "", _AT),
        )

    def confirm(self, platform: Platform) -> None:
        self.budgets[platform] = self.waiting.pop(platform)

    def refuse(self, platform: Platform) -> None:
        self.waiting.pop(platform)


_AT = datetime(2026, 2, 3, tzinfo=UTC)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness.build(tmp_path)
    harness.open_client("acme")
    return harness


def _shift(h: Harness, gateway: RequestingGateway) -> ShiftResult:
    p = h.services.ports
    outcome = shift_budget(
        "acme",
        SHIFT,
        shift_id="acme/s1/META",
        source_budget=Money(500 * M),
        destination_budget=Money(400 * M),
        gateway=gateway,
        ledger=p.ledger,
        states=p.states,
        audit=p.audit,
        notifier=h.alerts,
        metrics=p.metrics,
        clock=h.clock,
    )
    return outcome.result


def _reconcile(h: Harness, gateway: RequestingGateway) -> list[Resolution]:
    p = h.services.ports
    report = reconcile(
        "acme",
        gateway=gateway,
        ledger=p.ledger,
        states=p.states,
        audit=p.audit,
        notifier=h.alerts,
        metrics=p.metrics,
        clock=h.clock,
    )
    return [i.resolution for i in report.items]


def _kinds(h: Harness) -> list[str]:
    return [t.kind.value for t in h.services.ports.ledger.transfers(client_id="acme")]


def test_a_pending_source_leaves_the_transfer_pending_and_the_destination_untouched(
    h: Harness,
) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={META})
    assert _shift(h, gateway) is ShiftResult.PENDING_CONFIRMATION
    assert _kinds(h) == ["PENDING"]  # neither voided nor posted on a guess
    assert gateway.writes == [(META, Money(400 * M))]  # TikTok was never raised
    assert gateway.budgets[TIKTOK] == Money(400 * M)
    events = [e.event.event_type for e in h.services.ports.audit.entries()]
    assert "BUDGET_SHIFT_PENDING_CONFIRMATION" in events
    assert h.services.ports.states.get("acme").state is ClientState.ACTIVE


def test_a_pending_destination_leaves_the_lowered_source_as_it_is(h: Harness) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={TIKTOK})
    assert _shift(h, gateway) is ShiftResult.PENDING_CONFIRMATION
    assert _kinds(h) == ["PENDING"]
    # not put back: the raise may still be uploaded, and both at once would overspend
    assert gateway.budgets[META] == Money(400 * M)
    assert gateway.writes == [(META, Money(400 * M)), (TIKTOK, Money(500 * M))]


def test_the_reconciler_leaves_a_transfer_pending_while_its_change_is_unconfirmed(
    h: Harness,
) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={TIKTOK})
    _shift(h, gateway)
    # the budgets read now are the source's target and the destination's before: without the
    # pending rule this reads as half made and the source would be put back
    assert _reconcile(h, gateway) == [Resolution.PENDING]
    assert _kinds(h) == ["PENDING"]
    assert gateway.budgets[META] == Money(400 * M)
    assert h.services.ports.states.get("acme").state is ClientState.ACTIVE  # not STUCK


def test_once_confirmed_at_the_targets_the_transfer_is_posted(h: Harness) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={TIKTOK})
    _shift(h, gateway)
    gateway.confirm(TIKTOK)
    assert _reconcile(h, gateway) == [Resolution.POSTED]
    assert _kinds(h) == ["PENDING", "POSTED"]


def test_once_settled_at_the_budgets_before_the_transfer_is_voided(h: Harness) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={META})
    _shift(h, gateway)
    gateway.refuse(META)  # a newer export shows nobody uploaded the change
    assert _reconcile(h, gateway) == [Resolution.VOIDED]
    assert _kinds(h) == ["PENDING", "VOIDED"]


def test_a_put_back_that_is_itself_a_request_stays_pending(h: Harness) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={META, TIKTOK})
    _shift(h, gateway)  # META lowering requested
    gateway.confirm(META)  # uploaded: META at its target, TikTok never asked
    assert _reconcile(h, gateway) == [Resolution.PENDING]  # the put back is a request too
    assert gateway.waiting == {META: Money(500 * M)}
    gateway.confirm(META)
    assert _reconcile(h, gateway) == [Resolution.VOIDED]
    assert _kinds(h) == ["PENDING", "VOIDED"]


def test_a_cycle_with_a_shift_awaiting_confirmation_plans_nothing_new(h: Harness) -> None:
    gateway = RequestingGateway({META: 500, TIKTOK: 400}, by_request={TIKTOK})
    _shift(h, gateway)
    p = h.services.ports
    ports = CyclePorts(
        gateway=gateway,
        values=p.optimizer_values,
        ledger=p.ledger,
        audit=p.audit,
        notifier=h.alerts,
        configs=p.configs,
        leases=p.leases,
        states=p.states,
        metrics=p.metrics,
        readings=p.readings,
        clock=h.clock,
    )
    report = run_optimization_cycle("acme", ports=ports, cac_window_s=3600.0)
    assert report.status is CycleStatus.PENDING_CONFIRMATION
    assert report.outcomes == ()
    assert _kinds(h) == ["PENDING"]
    assert len(gateway.writes) == 2  # only the shift's own two requests
