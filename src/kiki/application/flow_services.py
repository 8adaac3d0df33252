"""SyncFlow's use cases: cycles, the efficiency report, reallocations, client settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from kiki.application import inputs
from kiki.application.base import ServicesBase
from kiki.application.results import ClientSettings, EfficiencyReport
from kiki.settings import Settings
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.plan import CyclePlan, plan_cycle
from kiki.syncflow.domain.report import CycleReport, CycleStatus
from kiki.syncflow.errors import CycleInProgressError
from kiki.syncflow.services.run_optimization_cycle import (
    CyclePorts,
    run_optimization_cycle,
)
from kiki.syncflow.snapshot import parse_snapshot
from kiki.syncledger.ledger import ShiftRecord, summarize_shifts
from kiki.syncshield.chain import AuditEvent

# Another process (the CLI, a second replica) may hold a client's lock for a moment.
_LOCKED_RETRIES = 50
_LOCKED_PAUSE_S = 0.02
SETTINGS_CHANGED = "CLIENT_SETTINGS_CHANGED"


class FlowServices(ServicesBase):
    def run_cycle(self, client_id: str, *, dry_run: bool = False, wait: bool = True) -> CycleReport:
        """One cycle. Appliers in this process queue on the client rather than bounce off its
        lease; with ``wait`` they also retry a moment while another process holds it, and
        without (the scheduler, where another replica may have the client) they return
        LOCKED at once. A dry run takes no lease."""
        if dry_run:
            return self._cycle(client_id, dry_run=True)
        if not wait:
            return self._cycle(client_id, dry_run=False)
        with self._locks_guard:
            local = self._client_locks[client_id]
        with local:
            for _ in range(_LOCKED_RETRIES):
                report = self._cycle(client_id, dry_run=False)
                if report.status is not CycleStatus.LOCKED:
                    return report
                self.ports.clock.sleep(_LOCKED_PAUSE_S)
        raise CycleInProgressError(f"another optimisation cycle for {client_id!r} is running")

    def _cycle(self, client_id: str, *, dry_run: bool) -> CycleReport:
        # One connection and read transaction for the cycle's reads; each write ends it.
        with self.ports.read_scope():
            return self._cycle_in_scope(client_id, dry_run=dry_run)

    def _cycle_in_scope(self, client_id: str, *, dry_run: bool) -> CycleReport:
        return run_optimization_cycle(
            client_id,
            ports=self.cycle_ports(),
            cac_window_s=self.ports.settings.cac_window_s,
            dry_run=dry_run,
            lease_ttl_s=self.ports.settings.cycle_lock_ttl_s,
        )

    def cycle_ports(self) -> CyclePorts:
        p = self.ports
        return CyclePorts(
            gateway=p.gateway,
            values=p.optimizer_values,
            ledger=p.ledger,
            audit=p.audit,
            notifier=p.notifier,
            configs=p.configs,
            leases=p.leases,
            states=p.states,
            metrics=p.metrics,
            readings=p.readings,
            clock=p.clock,
        )

    def latest_efficiency(self, client_id: str) -> EfficiencyReport | None:
        """The latest recorded reading, or None when the client was never read: no platform
        is called, so this is cheap enough for a request's event loop."""
        latest = self.ports.readings.latest(client_id)
        if latest is None or latest.plan is None:
            return None
        age_s = max(0.0, (self.ports.clock.now() - latest.at).total_seconds())
        return EfficiencyReport(latest, age_s, fresh=False)

    def efficiency(self, client_id: str, *, refresh: bool = False) -> EfficiencyReport:
        """The latest recorded reading (no platform call), or a fresh dry run when asked for
        or when the client was never read."""
        recorded = None if refresh else self.latest_efficiency(client_id)
        if recorded is not None:
            return recorded
        return EfficiencyReport(self.run_cycle(client_id, dry_run=True), 0.0, fresh=True)

    def reallocations(self, client_id: str | None = None) -> list[ShiftRecord]:
        if client_id is not None:
            self.require_client(client_id)
        return summarize_shifts(self.ports.ledger.transfers(client_id=client_id))

    def settings(self, client_id: str) -> ClientSettings:
        return ClientSettings(client_id, self.ports.configs.get(self.require_client(client_id)))

    def validate_settings(self, client_id: str, changes: Mapping[str, object]) -> OptimizerConfig:
        """The configuration ``changes`` would give; nothing is stored."""
        current = self.ports.configs.get(self.require_client(client_id))
        return inputs.settings_patch(changes, current)

    def change_settings(self, client_id: str, changes: Mapping[str, object]) -> ClientSettings:
        """Apply ``changes`` (the settings' JSON names); audited. Bad input changes nothing."""
        p = self.ports
        config = self.validate_settings(client_id, changes)
        now = p.clock.now()
        p.configs.put(client_id, config, now=now)
        p.audit.append(
            AuditEvent(SETTINGS_CHANGED, now, client_id, metadata={"changes": dict(changes)})
        )
        return ClientSettings(client_id, p.configs.get(client_id))

    def defaults(self) -> OptimizerConfig:
        return optimizer_defaults(self.ports.settings)


def what_if(snapshot: object, settings: Settings) -> CyclePlan:
    """The plan for a snapshot (platforms and optional config): no history, nothing read or
    written, so it needs no database."""
    platform_inputs, config = parse_snapshot(snapshot, optimizer_defaults(settings))
    return plan_cycle(platform_inputs, config, usage={}, now=datetime(1970, 1, 1, tzinfo=UTC))


def optimizer_defaults(settings: Settings) -> OptimizerConfig:
    """The optimiser's configuration for clients that set none: the settings' values."""
    return OptimizerConfig(
        efficiency_threshold=settings.efficiency_threshold,
        reallocation_percent=settings.reallocation_percent,
        cooldown_s=settings.shift_cooldown_s,
        window_s=settings.shift_window_s,
    )
