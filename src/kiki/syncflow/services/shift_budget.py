"""Apply one planned shift at the platforms, all or nothing, and record what happened.

Order: lower the source (absolute target), record ``source -> transit``; raise the destination,
record ``transit -> destination``. If raising fails, restore the source and record the
correcting ``transit -> source``; if even that fails, the money stays visibly in transit and a
CRITICAL alert goes out. A shift id already in the ledger is not applied again.
"""

from __future__ import annotations

from kiki.core.clock import Clock
from kiki.core.errors import StorageError
from kiki.core.money import Money
from kiki.platforms.errors import PlatformError
from kiki.platforms.ports import PlatformGateway
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.domain.report import ShiftOutcome, ShiftResult
from kiki.syncflow.ports import OptimizerMetrics
from kiki.syncledger.ledger import (
    IN_TRANSIT,
    Transfer,
    TransferKind,
    budget_account,
    summarize_shifts,
)
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import NotifyError
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog

_RESTORE_ATTEMPTS = 3


def shift_budget(
    client_id: str,
    shift: PlannedShift,
    *,
    shift_id: str,
    source_budget: Money,
    destination_budget: Money,
    gateway: PlatformGateway,
    ledger: Ledger,
    audit: AuditLog,
    notifier: Notifier,
    metrics: OptimizerMetrics,
    clock: Clock,
) -> ShiftOutcome:
    done = [
        r for r in summarize_shifts(ledger.transfers(client_id=client_id)) if r.shift_id == shift_id
    ]
    if done:
        return ShiftOutcome(shift_id, shift, ShiftResult.ALREADY_RECORDED, done[0].status.value)

    src, dst = shift.source, shift.destination
    try:
        gateway.set_daily_budget(client_id, src, source_budget - shift.amount)
    except PlatformError as exc:
        metrics.count_platform_error(src, "set")
        return _failed(
            client_id, shift, shift_id, cause=str(exc), audit=audit, notifier=notifier, clock=clock
        )

    leg_out = _leg(client_id, shift, shift_id, TransferKind.SHIFT_OUT, clock)
    try:
        ledger.record(leg_out)
    except StorageError as exc:
        # The ledger cannot say the money moved, so it must not have: undo at the platform.
        _restore(client_id, shift, source_budget, gateway, metrics)
        return _failed(
            client_id,
            shift,
            shift_id,
            cause=f"ledger unavailable: {exc}",
            audit=audit,
            notifier=notifier,
            clock=clock,
        )

    try:
        gateway.set_daily_budget(client_id, dst, destination_budget + shift.amount)
    except PlatformError as exc:
        metrics.count_platform_error(dst, "set")
        return _undo(
            client_id,
            shift,
            shift_id,
            cause=str(exc),
            source_budget=source_budget,
            leg_out=leg_out,
            gateway=gateway,
            ledger=ledger,
            audit=audit,
            notifier=notifier,
            metrics=metrics,
            clock=clock,
        )

    ledger.record(_leg(client_id, shift, shift_id, TransferKind.SHIFT_IN, clock))
    metrics.count_shift(src, dst)
    audit.append(
        AuditEvent(
            event_type="BUDGET_SHIFTED",
            at=clock.now(),
            client_id=client_id,
            reason=shift.reason,
            metadata=_metadata(shift, shift_id),
        )
    )
    _alert(
        notifier,
        audit,
        clock,
        Alert(
            severity=Severity.INFO,
            title=f"Budget shifted from {src.display_name} to {dst.display_name}",
            message=shift.alert_text,
            client_id=client_id,
            details=_metadata(shift, shift_id),
        ),
    )
    return ShiftOutcome(shift_id, shift, ShiftResult.APPLIED)


def _undo(
    client_id: str,
    shift: PlannedShift,
    shift_id: str,
    *,
    cause: str,
    source_budget: Money,
    leg_out: Transfer,
    gateway: PlatformGateway,
    ledger: Ledger,
    audit: AuditLog,
    notifier: Notifier,
    metrics: OptimizerMetrics,
    clock: Clock,
) -> ShiftOutcome:
    details = {**_metadata(shift, shift_id), "cause": cause}
    if _restore(client_id, shift, source_budget, gateway, metrics):
        ledger.record(
            _leg(
                client_id,
                shift,
                shift_id,
                TransferKind.ROLLBACK,
                clock,
                corrects=leg_out.transfer_id,
            )
        )
        audit.append(
            AuditEvent(
                "BUDGET_SHIFT_ROLLED_BACK", clock.now(), client_id, reason=cause, metadata=details
            )
        )
        _alert(
            notifier,
            audit,
            clock,
            Alert(
                Severity.WARNING,
                f"Budget shift rolled back: {shift.destination.display_name} API failed",
                f"Could not raise {shift.destination.display_name}; restored "
                f"{shift.source.display_name} to {source_budget.format()}/day. Nothing moved.",
                client_id,
                details,
            ),
        )
        return ShiftOutcome(shift_id, shift, ShiftResult.ROLLED_BACK, cause)
    audit.append(
        AuditEvent("BUDGET_SHIFT_STUCK", clock.now(), client_id, reason=cause, metadata=details)
    )
    _alert(
        notifier,
        audit,
        clock,
        Alert(
            Severity.CRITICAL,
            "Budget shift stuck in transit: manual action needed",
            f"{shift.source.display_name} was lowered by {shift.amount.format()}/day, "
            f"{shift.destination.display_name} could not be raised and "
            f"{shift.source.display_name} could not be restored. The ledger holds the amount in "
            "transit; optimisation for this client is paused until it is resolved.",
            client_id,
            details,
        ),
    )
    return ShiftOutcome(shift_id, shift, ShiftResult.STUCK_IN_TRANSIT, cause)


def _restore(
    client_id: str,
    shift: PlannedShift,
    source_budget: Money,
    gateway: PlatformGateway,
    metrics: OptimizerMetrics,
) -> bool:
    for _ in range(_RESTORE_ATTEMPTS):
        try:
            gateway.set_daily_budget(client_id, shift.source, source_budget)
        except PlatformError:
            metrics.count_platform_error(shift.source, "set")
            continue
        return True
    return False


def _failed(
    client_id: str,
    shift: PlannedShift,
    shift_id: str,
    *,
    cause: str,
    audit: AuditLog,
    notifier: Notifier,
    clock: Clock,
) -> ShiftOutcome:
    details = {**_metadata(shift, shift_id), "cause": cause}
    audit.append(
        AuditEvent("BUDGET_SHIFT_FAILED", clock.now(), client_id, reason=cause, metadata=details)
    )
    _alert(
        notifier,
        audit,
        clock,
        Alert(
            Severity.WARNING,
            f"Budget shift not applied: {shift.source.display_name}",
            f"Could not lower {shift.source.display_name}: {cause}. Nothing moved.",
            client_id,
            details,
        ),
    )
    return ShiftOutcome(shift_id, shift, ShiftResult.FAILED, cause)


def _alert(notifier: Notifier, audit: AuditLog, clock: Clock, alert: Alert) -> None:
    """Alert people; a failed delivery is audited, never allowed to undo a money move."""
    try:
        notifier.send(alert)
    except NotifyError as exc:
        audit.append(
            AuditEvent(
                "ALERT_UNDELIVERED",
                clock.now(),
                alert.client_id,
                reason=str(exc),
                metadata={"title": alert.title, "severity": alert.severity.value},
            )
        )


def _leg(
    client_id: str,
    shift: PlannedShift,
    shift_id: str,
    kind: TransferKind,
    clock: Clock,
    *,
    corrects: str | None = None,
) -> Transfer:
    src, dst = budget_account(shift.source), budget_account(shift.destination)
    source, destination, suffix = {
        TransferKind.SHIFT_OUT: (src, IN_TRANSIT, "out"),
        TransferKind.SHIFT_IN: (IN_TRANSIT, dst, "in"),
        TransferKind.ROLLBACK: (IN_TRANSIT, src, "rollback"),
    }[kind]
    return Transfer(
        transfer_id=f"{shift_id}:{suffix}",
        client_id=client_id,
        shift_id=shift_id,
        kind=kind,
        source=source,
        destination=destination,
        amount=shift.amount,
        reason=shift.reason,
        at=clock.now(),
        corrects=corrects,
        bound_for=dst if kind is TransferKind.SHIFT_OUT else None,
    )


def _metadata(shift: PlannedShift, shift_id: str) -> dict[str, object]:
    return {
        "shift_id": shift_id,
        "from": shift.source.value,
        "to": shift.destination.value,
        "amount_micros": shift.amount.micros,
        "source_efficiency": round(shift.source_efficiency, 6),
        "destination_efficiency": round(shift.destination_efficiency, 6),
        "average_efficiency": round(shift.average_efficiency, 6),
    }
