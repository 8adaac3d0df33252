"""``Services``: every use case bound to the ports bootstrap chose; entrypoints call only this.

Each method is one use case: it calls a component's service with its ports, keyword by
keyword, and returns that service's typed, frozen result.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

from kiki.application import inputs
from kiki.application.ports import Ports
from kiki.application.results import ClientAttached, ClientSettings, EfficiencyReport
from kiki.application.values import ClientValues, ValueAnswer
from kiki.campaigns.domain import Campaign, PauseReason
from kiki.campaigns.services import (
    CampaignList,
    list_campaigns,
    locate,
    pause_campaign,
    resume_campaign,
)
from kiki.core.errors import ConfigurationError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnknownClientError
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.ports import FaultInjector, SandboxControls
from kiki.settings import Settings
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.plan import CyclePlan, plan_cycle
from kiki.syncflow.domain.report import CycleReport, CycleStatus
from kiki.syncflow.errors import CycleInProgressError
from kiki.syncflow.services.run_optimization_cycle import (
    LTV_LOOKBACK_DAYS,
    run_optimization_cycle,
)
from kiki.syncflow.snapshot import parse_snapshot
from kiki.syncledger.ledger import ShiftRecord, summarize_shifts
from kiki.syncshield.chain import AuditEntry, AuditEvent, ChainReport
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import SimulationResult, simulate
from kiki.synctwin.services.backtest import BacktestReport, HistoricalCampaign, run_backtest
from kiki.synctwin.services.gatekeeper import SimulationGatekeeper
from kiki.synctwin.services.launch_campaign import LaunchOutcome, launch_campaign
from kiki.synctwin.services.shadow import ShadowReport, import_outcomes, shadow_report
from kiki.syncvalue.domain.definitions import Baseline as ValueBaseline
from kiki.syncvalue.domain.definitions import Window
from kiki.syncvalue.domain.records import ImportResult, RecordKind
from kiki.syncvalue.services.import_csv import ProgressCallback, import_csv
from kiki.tenancy.keys import IssuedKey, TenantSummary, check_tenant_name
from kiki.tenancy.services import create_tenant, issue_key

# Another process (the CLI, a second replica) may hold a client's lock for a moment.
_LOCKED_RETRIES = 50
_LOCKED_PAUSE_S = 0.02
SETTINGS_CHANGED = "CLIENT_SETTINGS_CHANGED"
BASELINE_RECORDED = "TWIN_BASELINE_RECORDED"


class Services:
    """The use cases of one built application; thread-safe (the entrypoints are threaded)."""

    def __init__(self, ports: Ports, values: ClientValues) -> None:
        self.ports = ports
        self.values = values
        self._client_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    # -- clients -----------------------------------------------------------------------------
    def require_client(self, client_id: str) -> str:
        """``client_id`` if KIKI knows it (attached to a tenant or with ad accounts);
        UnknownClientError otherwise."""
        if self.ports.directory.owner(client_id) is not None:
            return client_id
        self.ports.gateway.platforms(client_id)  # raises UnknownClientError
        return client_id

    def attach_client(
        self, client_id: str, *, tenant_id: str | None, sandbox: bool
    ) -> ClientAttached:
        """Attach to a tenant (when given) and open sandbox accounts (when asked; an existing
        sandbox client keeps its accounts)."""
        p = self.ports
        if tenant_id is not None:
            p.directory.attach(tenant_id, client_id, now=p.clock.now())
        opened = False
        if sandbox:
            opened = self._sandbox().open_client(client_id, demo_accounts())
        try:
            platforms = tuple(p.gateway.platforms(client_id))
        except UnknownClientError:
            platforms = ()
        return ClientAttached(client_id, tenant_id, platforms, opened)

    def clients(self, tenant_id: str | None = None) -> list[str]:
        return self.ports.directory.clients(tenant_id)

    # -- SyncFlow ----------------------------------------------------------------------------
    def run_cycle(self, client_id: str, *, dry_run: bool = False) -> CycleReport:
        """One cycle. Appliers in this process queue on the client rather than bounce off its
        lock (the scheduler and the API share this path); a dry run takes no lock."""
        if dry_run:
            return self._cycle(client_id, dry_run=True)
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
        p = self.ports
        return run_optimization_cycle(
            client_id,
            gateway=p.gateway,
            values=p.optimizer_values,
            ledger=p.ledger,
            audit=p.audit,
            notifier=p.notifier,
            configs=p.configs,
            state=p.state,
            metrics=p.metrics,
            readings=p.readings,
            clock=p.clock,
            cac_window_s=p.settings.cac_window_s,
            dry_run=dry_run,
            lock_ttl_s=p.settings.cycle_lock_ttl_s,
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

    # -- SyncTwin ----------------------------------------------------------------------------
    def gatekeeper(self) -> SimulationGatekeeper:
        s = self.ports.settings
        return SimulationGatekeeper(
            baselines=self._baselines(),
            clock=self.ports.clock,
            metrics=self.ports.metrics,
            threshold=s.confidence_threshold,
            simulations=s.simulations,
            variance=s.variance,
        )

    def simulate(
        self,
        strategy: Strategy,
        baseline: Baseline | None = None,
        *,
        client_id: str | None = None,
        seed: int | None = None,
    ) -> SimulationResult:
        """Simulate on ``baseline``, or on the client's own (SyncValue's or recorded)."""
        if baseline is None:
            if client_id is None:
                raise ConfigurationError("a simulation needs a baseline or a client")
            return self.gatekeeper().evaluate(strategy, client_id, seed=seed)[0]
        started = self.ports.clock.monotonic()
        result = simulate_strategy(self.ports.settings, strategy, baseline, seed=seed)
        self.ports.metrics.observe_simulation(
            result.total_simulations, self.ports.clock.monotonic() - started
        )
        return result

    def launch(self, client_id: str, strategy: Strategy) -> LaunchOutcome:
        p = self.ports
        return launch_campaign(
            self.require_client(client_id),
            strategy,
            gatekeeper=self.gatekeeper(),
            campaigns=p.gateway,
            book=p.campaigns,
            store=p.gate_decisions,
            audit=p.audit,
        )

    def record_baseline(self, client_id: str, baseline: Baseline) -> None:
        p = self.ports
        now = p.clock.now()
        inputs.check_client(client_id)
        p.baselines.put(client_id, baseline, at=now)
        p.audit.append(AuditEvent(BASELINE_RECORDED, now, client_id, metadata=baseline.to_dict()))

    def import_outcomes(self, outcomes: Iterable[tuple[str, Money]]) -> tuple[int, ShadowReport]:
        p = self.ports
        count = import_outcomes(outcomes, store=p.gate_decisions, at=p.clock.now())
        return count, shadow_report(store=p.gate_decisions)

    def _baselines(self) -> TwinBaselines:
        return TwinBaselines(self.ports, self.values)

    # -- SyncValue ---------------------------------------------------------------------------
    def value_report(
        self, client_id: str, *, lookback_days: int, as_of: datetime | None = None
    ) -> ValueAnswer:
        window = Window(as_of or self.ports.clock.now(), lookback_days)  # bad input first
        return self.values.report(
            self.require_value_client(client_id),
            lookback_days=window.lookback_days,
            as_of=window.as_of,
        )

    def value_baseline(
        self, client_id: str, *, lookback_days: int, as_of: datetime | None = None
    ) -> ValueBaseline:
        window = Window(as_of or self.ports.clock.now(), lookback_days)  # bad input first
        return self.values.baseline(
            self.require_value_client(client_id),
            lookback_days=window.lookback_days,
            as_of=window.as_of,
        )

    def platform_value(
        self,
        client_id: str,
        platform: Platform,
        *,
        what: str,
        lookback_days: int = LTV_LOOKBACK_DAYS,
        as_of: datetime | None = None,
    ) -> Money | None:
        """The LTV (``what="ltv"``) or CAC the optimiser uses for one platform."""
        source = self.ports.optimizer_values
        read = source.platform_ltv if what == "ltv" else source.platform_cac
        return read(
            client_id, platform, lookback_days=lookback_days, as_of=as_of or self.ports.clock.now()
        )

    def require_value_client(self, client_id: str) -> str:
        """Known to KIKI, or with imported data."""
        if self.ports.values.has_data(client_id):
            return client_id
        return self.require_client(client_id)

    def import_file(
        self,
        kind: RecordKind,
        stream: BinaryIO,
        *,
        client_id: str,
        on_progress: ProgressCallback | None = None,
    ) -> ImportResult:
        inputs.check_client(client_id)
        return import_csv(
            kind,
            stream,
            client_id=client_id,
            importer=self.ports.value_importer,
            on_progress=on_progress,
        )

    # -- campaigns ---------------------------------------------------------------------------
    def campaigns(self, client_id: str | None = None) -> CampaignList:
        p = self.ports
        clients = [self.require_client(client_id)] if client_id else self._campaign_clients()
        return list_campaigns(
            clients,
            gateway=p.gateway,
            book=p.campaigns,
            clock=p.clock,
            window_s=p.settings.cac_window_s,
        )

    def campaign_client(self, campaign_id: str) -> str:
        return locate(campaign_id, book=self.ports.campaigns).client_id

    def pause_campaign(self, campaign_id: str, *, note: str | None = None) -> Campaign:
        p = self.ports
        return pause_campaign(
            campaign_id,
            PauseReason.MANUAL,
            note=inputs.note(note),
            gateway=p.gateway,
            book=p.campaigns,
            audit=p.audit,
            clock=p.clock,
        )

    def resume_campaign(self, campaign_id: str, *, note: str | None = None) -> Campaign:
        p = self.ports
        return resume_campaign(
            campaign_id,
            note=inputs.note(note),
            gateway=p.gateway,
            book=p.campaigns,
            audit=p.audit,
            clock=p.clock,
        )

    def _campaign_clients(self) -> list[str]:
        known = {c.state.client_id for c in self.ports.campaigns.known()}
        return sorted(known | set(self.ports.directory.clients()))

    # -- the sandbox -------------------------------------------------------------------------
    def sandbox(self) -> SandboxControls:
        return self._sandbox()

    def faults(self) -> FaultInjector:
        if self.ports.faults is None:
            raise ConfigurationError("outages can be injected only into the sandbox")
        return self.ports.faults

    def _sandbox(self) -> SandboxControls:
        if self.ports.sandbox is None:
            raise ConfigurationError(
                "the sandbox is not configured (KIKI_PLATFORMS does not include sandbox)"
            )
        return self.ports.sandbox

    # -- records -----------------------------------------------------------------------------
    def audit_entries(self, client_id: str | None = None) -> list[AuditEntry]:
        if client_id is not None:
            self.require_client(client_id)
        return self.ports.audit.entries(client_id=client_id)

    def verify_audit(self) -> ChainReport:
        return self.ports.audit.verify()

    # -- tenants -----------------------------------------------------------------------------
    def create_tenant(self, name: str) -> IssuedKey:
        return create_tenant(name, tenants=self.ports.tenants, clock=self.ports.clock)

    def issue_key(self, name: str) -> IssuedKey:
        return issue_key(
            check_tenant_name(name), tenants=self.ports.tenants, clock=self.ports.clock
        )

    def revoke_keys(self, name: str, *, key_id: str | None = None) -> int:
        return self.ports.tenants.revoke(
            check_tenant_name(name), key_id=key_id, now=self.ports.clock.now()
        )

    def tenants(self) -> list[TenantSummary]:
        return self.ports.tenants.summaries()

    # -- the service ---------------------------------------------------------------------------
    def readiness(self) -> dict[str, bool]:
        return {name: probe() for name, probe in self.ports.probes.items()}

    def close(self) -> None:
        for close in self.ports.closers:
            close()


def what_if(snapshot: object, settings: Settings) -> CyclePlan:
    """The plan for a snapshot (platforms and optional config): no history, nothing read or
    written, so it needs no database."""
    platform_inputs, config = parse_snapshot(snapshot, optimizer_defaults(settings))
    return plan_cycle(platform_inputs, config, usage={}, now=datetime(1970, 1, 1, tzinfo=UTC))


def simulate_strategy(
    settings: Settings,
    strategy: Strategy,
    baseline: Baseline,
    *,
    seed: int | None = None,
    simulations: int | None = None,
    keep_samples: bool = False,
) -> SimulationResult:
    """The gate's Monte Carlo on a given baseline, with the settings' model: pure."""
    return simulate(
        strategy,
        baseline,
        simulations=settings.simulations if simulations is None else simulations,
        variance=settings.variance,
        seed=seed,
        threshold=settings.confidence_threshold,
        keep_samples=keep_samples,
    )


def backtest(
    settings: Settings,
    campaigns: Sequence[HistoricalCampaign],
    *,
    seed: int | None = None,
    simulations: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BacktestReport:
    """What the gate would have decided on historical campaigns: pure."""
    return run_backtest(
        campaigns,
        threshold=settings.confidence_threshold,
        simulations=settings.simulations if simulations is None else simulations,
        variance=settings.variance,
        seed=seed,
        progress=progress,
    )


def optimizer_defaults(settings: Settings) -> OptimizerConfig:
    """The optimiser's configuration for clients that set none: the settings' values."""
    return OptimizerConfig(
        efficiency_threshold=settings.efficiency_threshold,
        reallocation_percent=settings.reallocation_percent,
        cooldown_s=settings.shift_cooldown_s,
    )


class TwinBaselines:
    """SyncTwin's BaselineSource: SyncValue's measured baseline when the client has orders,
    else the one recorded by hand."""

    def __init__(self, ports: Ports, values: ClientValues) -> None:
        self._ports = ports
        self._values = values

    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline | None:
        if self._ports.values.has_data(client_id):
            measured = self._values.baseline(client_id, lookback_days=lookback_days, as_of=as_of)
            if measured.avg_order_value is not None and measured.avg_order_value.micros > 0:
                return Baseline(
                    avg_order_value=measured.avg_order_value,
                    monthly_revenue=measured.monthly_revenue,
                    monthly_ad_spend=measured.monthly_ad_spend,
                )
        return self._ports.baselines.baseline(client_id, lookback_days=lookback_days, as_of=as_of)
