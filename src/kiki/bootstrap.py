"""The one place that picks adapters: ``build(settings)`` returns the wired application."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.grpc_clients import (
    GrpcLedger,
    GrpcNotifier,
    GrpcValueSource,
    RemoteService,
    open_channel,
)
from kiki.adapters.memory.baselines import InMemoryBaselineSource
from kiki.adapters.memory.campaigns import InMemoryCampaignStore
from kiki.adapters.memory.notify import ConsoleNotifier, FanoutNotifier, RecordingNotifier
from kiki.adapters.memory.state import InMemoryStateStore
from kiki.adapters.notify.apprise import AppriseNotifier
from kiki.adapters.prometheus import PrometheusMetrics
from kiki.adapters.redis.state import RedisStateStore
from kiki.adapters.sql.audit import SqlAuditLog
from kiki.adapters.sql.campaigns import SqlBaselineSource, SqlCampaignStore
from kiki.adapters.sql.client_config import SqlClientConfigStore
from kiki.adapters.sql.engine import make_engine, upgrade
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.ledger import SqlLedger
from kiki.adapters.sql.tenants import SqlClientDirectory, SqlIdempotencyStore, SqlTenantStore
from kiki.adapters.sql.value_source import SqlValueSource
from kiki.adapters.values import ImportedOrRecordedBaselines, ImportedOrSandboxValues
from kiki.core.clock import Clock, SystemClock
from kiki.core.errors import ConfigurationError
from kiki.core.state import StateStore
from kiki.platforms.sandbox import SandboxMarket, demo_accounts
from kiki.platforms.sandbox_values import SandboxValueSource
from kiki.settings import Settings
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.ports import ValueSource
from kiki.syncflow.services.run_optimization_cycle import CycleReport, run_optimization_cycle
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier
from kiki.synctwin.domain.inputs import Strategy
from kiki.synctwin.ports import BaselineBook, BaselineSource, CampaignStore
from kiki.synctwin.services.gatekeeper import SimulationGatekeeper
from kiki.synctwin.services.launch_campaign import LaunchedCampaign, launch_campaign


@dataclass
class App:
    """Everything an entrypoint needs, wired; entrypoints never import ``kiki.adapters``."""

    settings: Settings
    clock: Clock
    engine: Engine
    market: SandboxMarket
    values: ValueSource  # GrpcValueSource when syncvalue_addr is set
    ledger: Ledger  # GrpcLedger when ledger_addr is set
    audit: SqlAuditLog
    configs: SqlClientConfigStore
    value_source: SqlValueSource  # SyncValue: LTV, CAC, baselines from imported data
    value_importer: SqlValueImporter
    state: StateStore
    metrics: PrometheusMetrics
    notifier: Notifier
    tenants: SqlTenantStore
    directory: SqlClientDirectory
    idempotency: SqlIdempotencyStore
    recorded: RecordingNotifier = field(default_factory=RecordingNotifier)
    sandbox_file: Path | None = None
    # SyncTwin: the gate reads twin_baselines (SyncValue's measured baseline when the client has
    # imported orders, else the one recorded by hand in twin_baseline_book) and writes twin_store.
    twin_baselines: BaselineSource = field(default_factory=InMemoryBaselineSource)
    twin_baseline_book: BaselineBook = field(default_factory=InMemoryBaselineSource)
    twin_store: CampaignStore = field(default_factory=InMemoryCampaignStore)
    channels: list[grpc.Channel] = field(default_factory=list)  # to the remote components

    def run_cycle(self, client_id: str, *, dry_run: bool = False) -> CycleReport:
        return run_optimization_cycle(
            client_id,
            gateway=self.market,
            values=self.values,
            ledger=self.ledger,
            audit=self.audit,
            notifier=self.notifier,
            configs=self.configs,
            state=self.state,
            metrics=self.metrics,
            clock=self.clock,
            dry_run=dry_run,
            lock_ttl_s=self.settings.cycle_lock_ttl_s,
        )

    def database_reachable(self) -> bool:
        """Whether the database answers a trivial query now (for readiness probes)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def gatekeeper(self) -> SimulationGatekeeper:
        return SimulationGatekeeper(
            baselines=self.twin_baselines,
            clock=self.clock,
            metrics=self.metrics,
            threshold=self.settings.confidence_threshold,
            simulations=self.settings.simulations,
            variance=self.settings.variance,
        )

    def launch_campaign(self, client_id: str, strategy: Strategy) -> LaunchedCampaign:
        return launch_campaign(
            client_id,
            strategy,
            gatekeeper=self.gatekeeper(),
            campaigns=self.market,
            store=self.twin_store,
            audit=self.audit,
        )

    def open_sandbox_client(self, client_id: str) -> None:
        """Give ``client_id`` the six demo ad accounts in the sandbox market."""
        for platform, spec in demo_accounts().items():
            self.market.open_account(client_id, platform, spec)

    def close(self) -> None:
        """Keep the sandbox's accounts for the next command, release the database and close the
        channels to remote components."""
        if self.sandbox_file is not None:
            self.sandbox_file.parent.mkdir(parents=True, exist_ok=True)
            self.sandbox_file.write_text(json.dumps(self.market.snapshot(), indent=2))
        self.engine.dispose()
        for channel in self.channels:
            channel.close()


def optimizer_defaults(settings: Settings) -> OptimizerConfig:
    return OptimizerConfig(
        efficiency_threshold=settings.efficiency_threshold,
        reallocation_percent=settings.reallocation_percent,
        cooldown_s=settings.shift_cooldown_s,
    )


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    market: SandboxMarket | None = None,
    quiet: bool = False,
    persist_sandbox: bool = True,
) -> App:
    """Wire the app from ``settings``; migrate the database to the current schema.

    Raises ConfigurationError for a remote component's address without ``remote_api_key``.
    """
    remotes = remote_services(settings)
    clock = clock or SystemClock()
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    sandbox_file = settings.data_dir / "sandbox.json" if persist_sandbox else None
    if market is None:
        market = SandboxMarket(clock)
        if sandbox_file is not None and sandbox_file.is_file():
            market.restore(json.loads(sandbox_file.read_text()))
    value_source = SqlValueSource(engine)
    state: StateStore = (
        RedisStateStore.from_url(settings.redis_url)
        if settings.redis_url
        else InMemoryStateStore(clock)
    )
    recorded = RecordingNotifier()
    notifiers: list[Notifier] = [recorded]
    if not quiet:
        notifiers.append(ConsoleNotifier())
    if settings.notify_urls:
        notifiers.append(AppriseNotifier(settings.notify_urls))
    if settings.notify_addr:
        notifiers.append(GrpcNotifier(remotes[settings.notify_addr]))
    values: ValueSource = (
        GrpcValueSource(remotes[settings.syncvalue_addr])
        if settings.syncvalue_addr
        else ImportedOrSandboxValues(value_source, SandboxValueSource(market))
    )
    ledger: Ledger = (
        GrpcLedger(remotes[settings.ledger_addr]) if settings.ledger_addr else SqlLedger(engine)
    )
    recorded_baselines = SqlBaselineSource(engine)
    return App(
        settings=settings,
        clock=clock,
        engine=engine,
        market=market,
        values=values,
        ledger=ledger,
        audit=SqlAuditLog(engine),
        configs=SqlClientConfigStore(engine, optimizer_defaults(settings)),
        value_source=value_source,
        value_importer=SqlValueImporter(engine),
        state=state,
        metrics=PrometheusMetrics(),
        notifier=FanoutNotifier(*notifiers),
        tenants=SqlTenantStore(engine),
        directory=SqlClientDirectory(engine),
        idempotency=SqlIdempotencyStore(engine),
        recorded=recorded,
        sandbox_file=sandbox_file,
        twin_baselines=ImportedOrRecordedBaselines(value_source, recorded_baselines),
        twin_baseline_book=recorded_baselines,
        twin_store=SqlCampaignStore(engine),
        channels=[remote.channel for remote in remotes.values()],
    )


def remote_services(settings: Settings) -> dict[str, RemoteService]:
    """One channel per distinct remote address (one ``kiki serve`` may be all three)."""
    named = {
        name: address
        for name, address in (
            ("syncvalue_addr", settings.syncvalue_addr),
            ("ledger_addr", settings.ledger_addr),
            ("notify_addr", settings.notify_addr),
        )
        if address
    }
    if not named:
        return {}
    if not settings.remote_api_key:
        raise ConfigurationError(
            f"remote_api_key (KIKI_REMOTE_API_KEY) is required with {', '.join(named)} set: "
            "the remote components take only authenticated calls"
        )
    return {
        address: RemoteService(
            open_channel(address),
            api_key=settings.remote_api_key,
            address=address,
            timeout_s=settings.remote_timeout_s,
        )
        for address in sorted(set(named.values()))
    }
