"""The reconciler: explain every pending transfer by reading the platforms' actual budgets.

For each pending transfer of a client (an intent whose outcome was never recorded, because the
process died or the ledger failed), with ``before`` and ``target`` the budgets it recorded:

- both platforms at their targets → POSTED (the shift happened);
- both at their ``before`` budgets → VOIDED (nothing moved);
- the source at its target and the destination at its ``before`` (the one half-way state the
  shift's own order can leave: the source is lowered first) → the source is put back, absolute
  and so safe to re-send, and the transfer ROLLED_BACK;
- anything else, or a platform that cannot be read → the client is STUCK: a CRITICAL alert, an
  audit entry, and no cycle until a person has looked.

Before any of these, a platform with a change still waiting for its confirmation (a CSV change
file not yet followed by a newer export: ``PendingChanges``) makes the budget read unknown,
neither target nor before: the transfer is left PENDING (resolution PENDING, the client not
STUCK) and the next reconciliation looks again. Once nothing is pending, the rules above
decide: at the targets POSTED, at the budgets before VOIDED.

Absolute targets make re-sending safe, and a resolution is recorded once per transfer id, so a
reconciled shift is never applied twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiki.core.clock import Clock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import ChangePendingError, PlatformError
from kiki.platforms.pending import PendingChanges
from kiki.platforms.ports import PlatformGateway
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncflow.ports import ClientStates, OptimizerMetrics
from kiki.syncflow.services.alerting import mark_stuck
from kiki.syncflow.services.fence import Fence
from kiki.syncledger.ledger import (
    IN_TRANSIT,
    Transfer,
    TransferKind,
    account_platform,
    balances,
    unresolved,
)
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog

RECONCILED = "BUDGET_SHIFT_RECONCILED"
_READ_WINDOW_S = 3600.0  # the budget is what is read; the window hardly matters


class Resolution(enum.Enum):
    PENDING = "PENDING"  # a change awaits the platform's confirmation: left for later
    POSTED = "POSTED"
    VOIDED = "VOIDED"
    ROLLED_BACK = "ROLLED_BACK"
    STUCK = "STUCK"


@dataclass(frozen=True, slots=True)
class Reconciled:
    shift_id: str
    resolution: Resolution
    detail: str


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    client_id: str
    items: tuple[Reconciled, ...]
    state: ClientState

    @property
    def stuck(self) -> bool:
        return self.state is ClientState.STUCK

    @property
    def awaiting(self) -> bool:
        """A transfer was left pending: a platform has not confirmed a change yet."""
        return any(i.resolution is Resolution.PENDING for i in self.items)


@dataclass(frozen=True, slots=True)
class _Ports:
    gateway: PlatformGateway
    ledger: Ledger
    states: ClientStates
    audit: AuditLog
    notifier: Notifier
    metrics: OptimizerMetrics
    clock: Clock
    fence: Fence


def reconcile(
    client_id: str,
    *,
    gateway: PlatformGateway,
    ledger: Ledger,
    states: ClientStates,
    audit: AuditLog,
    notifier: Notifier,
    metrics: OptimizerMetrics,
    clock: Clock,
    fence: Fence | None = None,
) -> ReconcileReport:
    """Resolve every pending transfer of the client; stop at the first that makes it STUCK.

    Raises StorageError when the ledger cannot be read or written (nothing is decided then),
    FencedOutError when the cycle's lease was lost.
    """
    p = _Ports(gateway, ledger, states, audit, notifier, metrics, clock, fence or Fence())
    # Only what reconciling needs (open transfers, transit legs), not the whole history.
    transfers = ledger.transfers(client_id=client_id, reconciling=True)
    items: list[Reconciled] = []
    transit = balances(transfers).get(IN_TRANSIT, Money.zero())
    if transit.micros != 0:
        _stuck(
            p,
            client_id,
            f"{transit.format()} has stayed in transit since a shift recorded before two-phase "
            "transfers; record the correcting transfer once the platforms are checked",
            {"in_transit_micros": transit.micros},
        )
        items.append(Reconciled("", Resolution.STUCK, "money in transit"))
    for pending in unresolved(transfers):
        if items and items[-1].resolution is Resolution.STUCK:
            break
        waiting = _awaiting(p, pending)
        if waiting:
            p.metrics.count_reconciliation(Resolution.PENDING.value)
            items.append(Reconciled(pending.shift_id, Resolution.PENDING, waiting))
            continue
        later = balances(transfers[transfers.index(pending) + 1 :])
        items.append(_resolve(pending, later, p))
    return ReconcileReport(client_id, tuple(items), states.get(client_id).state)


def _resolve(pending: Transfer, later: dict[str, Money], p: _Ports) -> Reconciled:
    """``later``: what transfers posted after ``pending`` moved, per account; the budgets it
    recorded are compared after adding those (a later shift may share an account with it)."""
    client_id = pending.client_id
    source, destination = account_platform(pending.source), account_platform(pending.destination)
    if source is None or destination is None:  # a pending transfer is between two budgets
        return _stuck(p, client_id, f"pending shift {pending.shift_id} names no platforms", {})
    try:
        now = (
            p.gateway.read(client_id, source, window_s=_READ_WINDOW_S).daily_budget,
            p.gateway.read(client_id, destination, window_s=_READ_WINDOW_S).daily_budget,
        )
    except PlatformError as exc:
        return _stuck(
            p, client_id, f"pending shift {pending.shift_id} cannot be checked: {exc}", {}, pending
        )
    shift = (
        later.get(pending.source, Money.zero()),
        later.get(pending.destination, Money.zero()),
    )
    before = _plus(pending.source_before, pending.destination_before, shift)
    target = _plus(pending.source_target, pending.destination_target, shift)
    if now == target:
        return _record(p, pending, TransferKind.POSTED, "both platforms hold the targets")
    if now == before:
        return _record(p, pending, TransferKind.VOIDED, "both platforms hold their budgets before")
    if now == (target[0], before[1]):
        return _put_back(p, pending, source, before[0], now)
    return _stuck(
        p,
        client_id,
        f"pending shift {pending.shift_id}: the platforms' budgets match neither its targets "
        "nor its budgets before",
        _figures(pending, now),
        pending,
    )


def _awaiting(p: _Ports, pending: Transfer) -> str:
    """Why the budgets cannot be judged yet ("" when they can): changes still unconfirmed."""
    if not isinstance(p.gateway, PendingChanges):
        return ""
    found = []
    for account in (pending.source, pending.destination):
        platform = account_platform(account)
        if platform is None:
            continue
        try:
            waiting = p.gateway.pending_changes(pending.client_id, platform)
        except PlatformError as exc:
            return f"{platform.display_name}: cannot tell whether changes are pending: {exc}"
        if waiting:
            found.append(f"{platform.display_name}: {len(waiting)} change(s) not yet confirmed")
    return "; ".join(found)


def _put_back(
    p: _Ports, pending: Transfer, source: Platform, budget: Money, now: tuple[Money, Money]
) -> Reconciled:
    """The half-way state the shift's own order leaves: put the source back, absolutely."""
    p.fence.check()
    try:
        p.gateway.set_daily_budget(pending.client_id, source, budget)
    except ChangePendingError as exc:
        p.metrics.count_reconciliation(Resolution.PENDING.value)
        return Reconciled(pending.shift_id, Resolution.PENDING, f"put back requested: {exc}")
    except PlatformError as exc:
        return _stuck(
            p,
            pending.client_id,
            f"pending shift {pending.shift_id} was half made and its source could not be "
            f"put back: {exc}",
            _figures(pending, now),
            pending,
        )
    return _record(p, pending, TransferKind.ROLLED_BACK, "half made: the source was put back")


def _record(p: _Ports, pending: Transfer, kind: TransferKind, why: str) -> Reconciled:
    suffix = {
        TransferKind.POSTED: "post",
        TransferKind.VOIDED: "void",
        TransferKind.ROLLED_BACK: "rollback",
    }[kind]
    p.fence.check()
    p.ledger.record(
        Transfer(
            transfer_id=f"{pending.shift_id}:{suffix}",
            client_id=pending.client_id,
            shift_id=pending.shift_id,
            kind=kind,
            source=pending.source,
            destination=pending.destination,
            amount=pending.amount,
            reason=f"reconciled: {why}",
            at=p.clock.now(),
            corrects=pending.transfer_id,
        ),
        fence=p.fence.lease,
    )
    resolution = Resolution(kind.value)
    p.metrics.count_reconciliation(resolution.value)
    p.audit.append(
        AuditEvent(
            RECONCILED,
            p.clock.now(),
            pending.client_id,
            reason=why,
            metadata={
                "shift_id": pending.shift_id,
                "resolution": resolution.value,
                "amount_micros": pending.amount.micros,
            },
        )
    )
    return Reconciled(pending.shift_id, resolution, why)


def _stuck(
    p: _Ports,
    client_id: str,
    reason: str,
    figures: dict[str, object],
    pending: Transfer | None = None,
) -> Reconciled:
    p.metrics.count_reconciliation(Resolution.STUCK.value)
    mark_stuck(
        client_id,
        reason,
        figures,
        states=p.states,
        audit=p.audit,
        notifier=p.notifier,
        clock=p.clock,
    )
    return Reconciled(pending.shift_id if pending else "", Resolution.STUCK, reason)


def _plus(
    source: Money | None, destination: Money | None, shift: tuple[Money, Money]
) -> tuple[Money, Money]:
    return (source or Money.zero()) + shift[0], (destination or Money.zero()) + shift[1]


def _figures(pending: Transfer, now: tuple[Money, Money]) -> dict[str, object]:
    def micros(amount: Money | None) -> int | None:
        return None if amount is None else amount.micros

    return {
        "shift_id": pending.shift_id,
        "from": pending.source,
        "to": pending.destination,
        "amount_micros": pending.amount.micros,
        "source_before_micros": micros(pending.source_before),
        "source_target_micros": micros(pending.source_target),
        "source_now_micros": now[0].micros,
        "destination_before_micros": micros(pending.destination_before),
        "destination_target_micros": micros(pending.destination_target),
        "destination_now_micros": now[1].micros,
    }
