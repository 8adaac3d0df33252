"""Apply one planned shift, intent first: record, act, confirm (a two-phase transfer).

1. Record a PENDING transfer with both budgets before the shift (so the absolute targets are
   known to anyone who reads the ledger) — before any platform is called.
2. Lower the source to its target, then raise the destination to its target.
3. POST the transfer. If the source could not be lowered, VOID it (nothing moved); if the
   destination could not be raised, put the source back and record ROLLED_BACK.

A leg the platform took as a request it has not confirmed yet (ChangePendingError: a CSV
change file waiting for its upload) has an unknown outcome: the transfer stays PENDING, the
destination is not raised after a pending source, a lowered source is not put back after a
pending destination (either would risk spending more than the plan), and the reconciler
settles it once the platform has confirmed or refused the change.

Any path that leaves the platforms and the ledger possibly disagreeing (the source cannot be
put back, the ledger fails to record the outcome) ends with the client STUCK, a CRITICAL alert
and an audit entry; the pending transfer stays in the ledger, and the reconciler resolves it by
reading the platforms. A process that dies at any line leaves a pending transfer that the
reconciler resolves the same way. A shift id already in the ledger is not applied again.
"""

from __future__ import annotations

import contextlib

from kiki.core.clock import Clock
from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.platforms.errors import ChangePendingError, PlatformError
from kiki.platforms.ports import PlatformGateway
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.domain.report import ShiftOutcome, ShiftResult
from kiki.syncflow.ports import ClientStates, OptimizerMetrics
from kiki.syncflow.services.alerting import alert, mark_stuck
from kiki.syncflow.services.fence import Fence
from kiki.syncledger.ledger import Transfer, TransferKind, budget_account, summarize_shifts
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog

RESTORE_ATTEMPTS = 3


class ShiftRun:
    """One shift's ports and ids; its methods are the steps of the two-phase transfer."""

    def __init__(
        self,
        client_id: str,
        shift: PlannedShift,
        *,
        shift_id: str,
        gateway: PlatformGateway,
        ledger: Ledger,
        states: ClientStates,
        audit: AuditLog,
        notifier: Notifier,
        metrics: OptimizerMetrics,
        clock: Clock,
        fence: Fence,
    ) -> None:
        self.client_id = client_id
        self.shift = shift
        self.shift_id = shift_id
        self.gateway = gateway
        self.ledger = ledger
        self.states = states
        self.audit = audit
        self.notifier = notifier
        self.metrics = metrics
        self.clock = clock
        self.fence = fence

    def resolution(self, pending: Transfer, kind: TransferKind, reason: str) -> Transfer:
        suffix = {
            TransferKind.POSTED: "post",
            TransferKind.VOIDED: "void",
            TransferKind.ROLLED_BACK: "rollback",
        }[kind]
        return Transfer(
            transfer_id=f"{self.shift_id}:{suffix}",
            client_id=self.client_id,
            shift_id=self.shift_id,
            kind=kind,
            source=pending.source,
            destination=pending.destination,
            amount=pending.amount,
            reason=reason,
            at=self.clock.now(),
            corrects=pending.transfer_id,
        )

    def record(self, transfer: Transfer) -> None:
        self.fence.check()
        self.ledger.record(transfer, fence=self.fence.lease)

    def set_budget(self, source: bool, budget: Money) -> None:
        platform = self.shift.source if source else self.shift.destination
        self.fence.check()
        try:
            self.gateway.set_daily_budget(self.client_id, platform, budget)
        except PlatformError:
            self.metrics.count_platform_error(platform, "set")
            raise

    def details(self, **extra: object) -> dict[str, object]:
        s = self.shift
        return {
            "shift_id": self.shift_id,
            "from": s.source.value,
            "to": s.destination.value,
            "amount_micros": s.amount.micros,
            "source_efficiency": round(s.source_efficiency, 6),
            "destination_efficiency": round(s.destination_efficiency, 6),
            "average_efficiency": round(s.average_efficiency, 6),
            **extra,
        }

    def event(self, event_type: str, reason: str, **extra: object) -> None:
        self.audit.append(
            AuditEvent(
                event_type,
                self.clock.now(),
                self.client_id,
                reason=reason,
                metadata=self.details(**extra),
            )
        )

    def tell(self, severity: Severity, title: str, message: str, **extra: object) -> None:
        alert(
            self.notifier,
            self.audit,
            self.clock,
            Alert(severity, title, message, self.client_id, self.details(**extra)),
        )

    def stuck(self, cause: str, **extra: object) -> ShiftOutcome:
        s = self.shift
        reason = (
            f"shift {self.shift_id} ({s.source.display_name} → {s.destination.display_name} "
            f"{s.amount.format()}/day) could not be finished or undone: {cause}"
        )
        mark_stuck(
            self.client_id,
            reason,
            self.details(cause=cause, **extra),
            states=self.states,
            audit=self.audit,
            notifier=self.notifier,
            clock=self.clock,
        )
        return ShiftOutcome(self.shift_id, s, ShiftResult.STUCK, cause)


def shift_budget(  # noqa: PLR0911  # one return per outcome of the two-phase transfer
    client_id: str,
    shift: PlannedShift,
    *,
    shift_id: str,
    source_budget: Money,
    destination_budget: Money,
    gateway: PlatformGateway,
    ledger: Ledger,
    states: ClientStates,
    audit: AuditLog,
    notifier: Notifier,
    metrics: OptimizerMetrics,
    clock: Clock,
    fence: Fence | None = None,
) -> ShiftOutcome:
    """Raises FencedOutError when the cycle's lease was lost (before any further action)."""
    run = ShiftRun(
        client_id,
        shift,
        shift_id=shift_id,
        gateway=gateway,
        ledger=ledger,
        states=states,
        audit=audit,
        notifier=notifier,
        metrics=metrics,
        clock=clock,
        fence=fence or Fence(),
    )
    history = summarize_shifts(ledger.transfers(client_id=client_id, shift_id=shift_id))
    done = [r for r in history if r.shift_id == shift_id]
    if done:
        return ShiftOutcome(shift_id, shift, ShiftResult.ALREADY_RECORDED, done[0].status.value)
    pending = Transfer(
        transfer_id=f"{shift_id}:pending",
        client_id=client_id,
        shift_id=shift_id,
        kind=TransferKind.PENDING,
        source=budget_account(shift.source),
        destination=budget_account(shift.destination),
        amount=shift.amount,
        reason=shift.reason,
        at=clock.now(),
        source_before=source_budget,
        destination_before=destination_budget,
    )
    try:
        run.record(pending)
    except StorageError as exc:
        return _failed(run, f"ledger unavailable: {exc}", recorded=False)
    try:
        run.set_budget(True, source_budget - shift.amount)
    except ChangePendingError as exc:
        return _awaiting(run, "source", str(exc))
    except PlatformError as exc:
        return _void(run, pending, str(exc))
    try:
        run.set_budget(False, destination_budget + shift.amount)
    except ChangePendingError as exc:
        return _awaiting(run, "destination", str(exc))
    except PlatformError as exc:
        return _roll_back(run, pending, source_budget, str(exc))
    try:
        run.record(run.resolution(pending, TransferKind.POSTED, shift.reason))
    except StorageError as exc:
        return run.stuck(
            f"both platforms hold their targets but the ledger could not post it: {exc}"
        )
    return _applied(run)


def _applied(run: ShiftRun) -> ShiftOutcome:
    s = run.shift
    run.metrics.count_shift(s.source, s.destination)
    run.event("BUDGET_SHIFTED", s.reason)
    run.tell(
        Severity.INFO,
        f"Budget shifted from {s.source.display_name} to {s.destination.display_name}",
        s.alert_text,
    )
    return ShiftOutcome(run.shift_id, s, ShiftResult.APPLIED)


def _awaiting(run: ShiftRun, leg: str, cause: str) -> ShiftOutcome:
    """A leg is requested, not confirmed: leave the transfer PENDING and say so."""
    s = run.shift
    platform = s.source if leg == "source" else s.destination
    run.event("BUDGET_SHIFT_PENDING_CONFIRMATION", cause, leg=leg, cause=cause)
    run.tell(
        Severity.WARNING,
        f"Budget shift waiting for {platform.display_name} to confirm",
        f"The {leg} change was requested and not yet confirmed: {cause}. The shift stays "
        "pending; the next cycle settles it once the platform's export confirms it.",
        leg=leg,
        cause=cause,
    )
    return ShiftOutcome(run.shift_id, s, ShiftResult.PENDING_CONFIRMATION, cause)


def _failed(run: ShiftRun, cause: str, *, recorded: bool) -> ShiftOutcome:
    s = run.shift
    run.event("BUDGET_SHIFT_FAILED", cause, cause=cause, intent_recorded=recorded)
    run.tell(
        Severity.WARNING,
        f"Budget shift not applied: {s.source.display_name}",
        f"Could not lower {s.source.display_name}: {cause}. Nothing moved.",
        cause=cause,
    )
    return ShiftOutcome(run.shift_id, s, ShiftResult.FAILED, cause)


def _void(run: ShiftRun, pending: Transfer, cause: str) -> ShiftOutcome:
    """The source refused the change (a failed call changes nothing): void the intent."""
    # Nothing moved; if the ledger cannot say so now, the next reconciliation voids it.
    with contextlib.suppress(StorageError):
        run.record(run.resolution(pending, TransferKind.VOIDED, f"voided: {cause}"))
    return _failed(run, cause, recorded=True)


def _roll_back(run: ShiftRun, pending: Transfer, source_budget: Money, cause: str) -> ShiftOutcome:
    s = run.shift
    if not _restore(run, source_budget):
        return run.stuck(
            f"{s.destination.display_name} could not be raised ({cause}) and "
            f"{s.source.display_name} could not be put back to {source_budget.format()}/day"
        )
    try:
        run.record(run.resolution(pending, TransferKind.ROLLED_BACK, f"rolled back: {cause}"))
    except StorageError as exc:
        return run.stuck(f"the source was put back but the ledger could not record it: {exc}")
    run.event("BUDGET_SHIFT_ROLLED_BACK", cause, cause=cause)
    run.tell(
        Severity.WARNING,
        f"Budget shift rolled back: {s.destination.display_name} API failed",
        f"Could not raise {s.destination.display_name}; restored "
        f"{s.source.display_name} to {source_budget.format()}/day. Nothing moved.",
        cause=cause,
    )
    return ShiftOutcome(run.shift_id, s, ShiftResult.ROLLED_BACK, cause)


def _restore(run: ShiftRun, budget: Money) -> bool:
    """Put the source back (absolute, so retrying is safe), a few times."""
    for _ in range(RESTORE_ATTEMPTS):
        try:
            run.set_budget(True, budget)
        except PlatformError:
            continue
        return True
    return False
