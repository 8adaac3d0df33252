"""Money safety's use cases: reconcile pending transfers; list, pause, resume and inspect the
clients whose money KIKI may move (ACTIVE), may not (PAUSED by a person) or must not (STUCK)."""

from __future__ import annotations

from dataclasses import dataclass

from kiki.application.base import ServicesBase
from kiki.application.inputs import note as check_note
from kiki.core.errors import KikiError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformError
from kiki.syncflow.domain.client_state import ClientState, ClientStatus
from kiki.syncflow.errors import ClientStuckError, CycleInProgressError
from kiki.syncflow.services.fence import Fence
from kiki.syncflow.services.reconcile import ReconcileReport, reconcile
from kiki.syncledger.ledger import Transfer, balances, unresolved
from kiki.syncshield.chain import AuditEvent

CLIENT_PAUSED = "CLIENT_PAUSED"
CLIENT_RESUMED = "CLIENT_RESUMED"
_READ_WINDOW_S = 3600.0


@dataclass(frozen=True, slots=True)
class ClientView:
    """What is where for one client: its state, the pending transfers the ledger holds, its
    platforms' budgets now (or why they could not be read), and its ledger balances."""

    status: ClientStatus
    pending: tuple[Transfer, ...]
    budgets: dict[Platform, Money]
    unreadable: dict[Platform, str]
    balances: dict[str, Money]


class MoneyServices(ServicesBase):
    def reconcile(self, client_id: str) -> ReconcileReport:
        """Resolve the client's pending transfers now, under its cycle lease."""
        p = self.ports
        lease = p.leases.acquire(
            self.require_client(client_id), ttl_s=p.settings.cycle_lock_ttl_s, now=p.clock.now()
        )
        if lease is None:
            raise CycleInProgressError(f"a cycle for {client_id!r} is running; try again")
        try:
            return reconcile(
                client_id,
                gateway=p.gateway,
                ledger=p.ledger,
                states=p.states,
                audit=p.audit,
                notifier=p.notifier,
                metrics=p.metrics,
                clock=p.clock,
                fence=Fence(lease, p.leases, p.clock),
            )
        finally:
            p.leases.release(lease)

    def reconcile_all(self) -> list[ReconcileReport]:
        """Every client with a pending transfer (at start-up: what a crash left behind).
        One client's failure is reported and the others go on."""
        pending = sorted({t.client_id for t in unresolved(self.ports.ledger.transfers())})
        reports: list[ReconcileReport] = []
        for client_id in pending:
            try:
                reports.append(self.reconcile(client_id))
            except KikiError:
                continue  # left pending: its next cycle reconciles it first
        return reports

    def client_states(self) -> list[ClientStatus]:
        """Every client KIKI serves (attached to a tenant) or has held in a state."""
        p = self.ports
        held = {s.client_id: s for s in p.states.all()}
        clients = sorted(set(p.directory.clients()) | set(held))
        return [held.get(c) or ClientStatus(c, ClientState.ACTIVE) for c in clients]

    def show_client(self, client_id: str) -> ClientView:
        p = self.ports
        status = p.states.get(self.require_client(client_id))
        transfers = p.ledger.transfers(client_id=client_id)
        budgets: dict[Platform, Money] = {}
        unreadable: dict[Platform, str] = {}
        for platform in p.gateway.platforms(client_id):
            try:
                reading = p.gateway.read(client_id, platform, window_s=_READ_WINDOW_S)
            except PlatformError as exc:
                unreadable[platform] = str(exc)
                continue
            budgets[platform] = reading.daily_budget
        return ClientView(
            status, tuple(unresolved(transfers)), budgets, unreadable, balances(transfers)
        )

    def pause_client(self, client_id: str, *, note: str | None = None) -> ClientStatus:
        """No more cycles until resumed; a stuck client stays stuck (it needs resolving)."""
        p = self.ports
        current = p.states.get(self.require_client(client_id))
        if current.state is not ClientState.ACTIVE:
            return current
        reason = check_note(note) or "paused by hand"
        status = ClientStatus(client_id, ClientState.PAUSED, reason, p.clock.now())
        p.states.set(status)
        p.audit.append(AuditEvent(CLIENT_PAUSED, p.clock.now(), client_id, reason=reason))
        return status

    def resume_client(self, client_id: str, *, note: str | None = None) -> ClientStatus:
        """Back to ACTIVE. A stuck client is first reconciled: it resumes only when every
        pending transfer is explained by the platforms' budgets (ClientStuckError if not)."""
        p = self.ports
        current = p.states.get(self.require_client(client_id))
        if current.state is ClientState.ACTIVE:
            return current
        reason = check_note(note) or "resumed by hand"
        if current.state is ClientState.STUCK:
            p.states.set(ClientStatus(client_id, ClientState.ACTIVE, reason, p.clock.now()))
            report = self.reconcile(client_id)
            if report.stuck:
                still = p.states.get(client_id)
                raise ClientStuckError(
                    f"{client_id} is still stuck: {still.reason} (see `kiki clients show`)"
                )
        status = ClientStatus(client_id, ClientState.ACTIVE, reason, p.clock.now())
        p.states.set(status)
        p.audit.append(
            AuditEvent(
                CLIENT_RESUMED,
                p.clock.now(),
                client_id,
                reason=reason,
                metadata={"was": current.state.value, "because": current.reason},
            )
        )
        return status
