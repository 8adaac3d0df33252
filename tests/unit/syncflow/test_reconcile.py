"""The reconciler explains each pending transfer by the platforms' budgets, or stops the client."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncflow.domain.report import CycleStatus
from kiki.syncflow.errors import ClientStuckError
from kiki.syncflow.services.reconcile import Resolution
from kiki.syncledger.ledger import Transfer, TransferKind, budget_account
from kiki.testing import Harness

M = 1_000_000
META, TIKTOK = Platform.META, Platform.TIKTOK


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness.build(tmp_path)
    harness.open_client("acme")
    harness.clock.advance(6 * 3600)
    return harness


def intend(h: Harness, shift_id: str = "acme/s1/PLATFORM_META") -> Transfer:
    """What a process records before calling any platform: $100 from Meta ($500) to TikTok."""
    pending = Transfer(
        transfer_id=f"{shift_id}:pending",
        client_id="acme",
        shift_id=shift_id,
        kind=TransferKind.PENDING,
        source=budget_account(META),
        destination=budget_account(TIKTOK),
        amount=Money(100 * M),
        reason="Efficiency drop: 2.14x vs 3.06x avg",
        at=h.clock.now(),
        source_before=Money(500 * M),
        destination_before=Money(400 * M),
    )
    h.services.ports.ledger.record(pending)
    return pending


def set_budgets(h: Harness, meta: int, tiktok: int) -> None:
    h.services.ports.gateway.set_daily_budget("acme", META, Money(meta * M))
    h.services.ports.gateway.set_daily_budget("acme", TIKTOK, Money(tiktok * M))


def resolutions(h: Harness) -> list[str]:
    return [s.status.value for s in h.shifts("acme")]


def test_both_platforms_at_their_targets_post_the_transfer(h: Harness) -> None:
    intend(h)
    set_budgets(h, 400, 500)  # the process died after both calls, before posting
    report = h.services.reconcile("acme")
    assert [i.resolution for i in report.items] == [Resolution.POSTED]
    assert resolutions(h) == ["APPLIED"]
    assert h.total("acme") == Money(2500 * M)
    assert not report.stuck


def test_both_platforms_at_their_budgets_before_void_the_transfer(h: Harness) -> None:
    intend(h)  # the process died before calling any platform
    report = h.services.reconcile("acme")
    assert [i.resolution for i in report.items] == [Resolution.VOIDED]
    assert resolutions(h) == ["VOIDED"]
    assert h.budgets("acme")[META] == Money(500 * M)


def test_a_half_made_shift_is_undone_by_putting_the_source_back(h: Harness) -> None:
    intend(h)
    h.services.ports.gateway.set_daily_budget("acme", META, Money(400 * M))  # died here
    report = h.services.reconcile("acme")
    assert [i.resolution for i in report.items] == [Resolution.ROLLED_BACK]
    assert h.budgets("acme")[META] == Money(500 * M)
    assert h.budgets("acme")[TIKTOK] == Money(400 * M)
    assert resolutions(h) == ["ROLLED_BACK"]


def test_budgets_that_match_nothing_make_the_client_stuck(h: Harness) -> None:
    intend(h)
    set_budgets(h, 450, 400)  # someone changed Meta by hand meanwhile
    report = h.services.reconcile("acme")
    assert report.stuck
    assert [i.resolution for i in report.items] == [Resolution.STUCK]
    status = h.services.ports.states.get("acme")
    assert status.state is ClientState.STUCK
    assert status.details["source_now_micros"] == 450 * M
    assert [a.severity.value for a in h.alerts.alerts] == ["CRITICAL"]
    assert resolutions(h) == ["PENDING"]  # nothing is guessed
    assert h.services.run_cycle("acme").status is CycleStatus.STUCK


def test_a_platform_that_cannot_be_read_makes_the_client_stuck(h: Harness) -> None:
    intend(h)
    h.faults.fail(TIKTOK, "read")
    assert h.services.reconcile("acme").stuck
    assert "cannot be checked" in h.services.ports.states.get("acme").reason


def test_a_stuck_client_resumes_only_once_the_platforms_and_the_ledger_agree(
    h: Harness,
) -> None:
    intend(h)
    set_budgets(h, 450, 400)
    h.services.reconcile("acme")
    with pytest.raises(ClientStuckError, match="still stuck"):
        h.services.resume_client("acme")
    assert h.services.ports.states.get("acme").state is ClientState.STUCK
    set_budgets(h, 500, 400)  # a person puts Meta back as it was before the shift
    status = h.services.resume_client("acme", note="Meta restored by hand")
    assert status.state is ClientState.ACTIVE
    assert resolutions(h) == ["VOIDED"]
    assert h.services.ports.audit.entries()[-1].event.event_type == "CLIENT_RESUMED"


def test_a_reconciled_shift_is_never_applied_twice(h: Harness) -> None:
    intend(h)
    set_budgets(h, 400, 500)
    h.services.reconcile("acme")
    h.services.reconcile("acme")
    assert [t.kind.value for t in h.services.ports.ledger.transfers()] == ["PENDING", "POSTED"]
    assert h.budgets("acme")[TIKTOK] == Money(500 * M)


def test_every_cycle_reconciles_first(h: Harness) -> None:
    intend(h)
    set_budgets(h, 400, 500)
    report = h.services.run_cycle("acme")
    assert report.status is CycleStatus.COMPLETED
    assert resolutions(h)[0] == "APPLIED"


def test_the_service_reconciles_every_client_with_a_pending_transfer_at_start(
    h: Harness,
) -> None:
    intend(h)
    [report] = h.services.reconcile_all()
    assert (report.client_id, [i.resolution for i in report.items]) == (
        "acme",
        [Resolution.VOIDED],
    )
    assert h.services.reconcile_all() == []
