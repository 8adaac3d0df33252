"""The one place that picks adapters: ``build(settings)`` returns the wired ``Services``.

Entrypoints receive ``Services`` and see ports only; the platform gateway is chosen by
``KIKI_PLATFORMS`` from ``GATEWAYS``, so a new platform adapter registers there and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.memory.notify import ConsoleNotifier, FanoutNotifier
from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.adapters.memory.state import InMemoryStateStore
from kiki.adapters.prometheus import PrometheusMetrics
from kiki.adapters.sql.audit import SqlAuditLog
from kiki.adapters.sql.campaign_book import SqlCampaignBook
from kiki.adapters.sql.client_config import SqlClientConfigStore
from kiki.adapters.sql.engine import make_engine, upgrade
from kiki.adapters.sql.gate_decisions import SqlBaselineSource, SqlGateDecisionStore
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.ledger import SqlLedger
from kiki.adapters.sql.readings import SqlReadingBook
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.adapters.sql.tenants import SqlClientDirectory, SqlIdempotencyStore, SqlTenantStore
from kiki.adapters.sql.thresholds import SqlThresholdBook
from kiki.adapters.sql.value_source import SqlValueSource
from kiki.application.flow_services import optimizer_defaults
from kiki.application.ports import Ports, Probe
from kiki.application.services import Services
from kiki.application.values import ClientValues
from kiki.core.clock import Clock, SystemClock
from kiki.core.errors import ConfigurationError
from kiki.core.state import StateStore
from kiki.platforms.ports import Gateway
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.store import SandboxStore
from kiki.platforms.sandbox.values import SandboxValues
from kiki.settings import Settings
from kiki.syncflow.ports import ValueSource as LtvSource
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier

if TYPE_CHECKING:
    from kiki.adapters.grpc_clients import RemoteService


@dataclass(frozen=True)
class PlatformAdapters:
    """What a gateway factory gives bootstrap: the gateway, and the sandbox's own controls
    and LTV model when the adapter is the sandbox."""

    gateway: Gateway
    ltv_fallback: LtvSource
    sandbox: SandboxPlatform | None
    close: Callable[[], None]


GatewayFactory = Callable[[Settings, Clock], PlatformAdapters]
MEMORY = "memory"


def _sandbox(settings: Settings, clock: Clock) -> PlatformAdapters:
    """The sandbox on its own database, or in this process when ``sandbox_url`` is ``memory``
    (tests and the demo's what-ifs: nothing survives the process)."""
    store: SandboxStore
    close: Callable[[], None] = _nothing
    url = settings.resolved_sandbox_url()
    if url == MEMORY:
        store = InMemorySandboxStore()
    else:
        engine = make_engine(url)
        store, close = SqlSandboxStore(engine), engine.dispose
    platform = SandboxPlatform(
        store,
        clock,
        seed=settings.sandbox_seed,
        noise=settings.sandbox_noise,
        reporting_delay_s=settings.sandbox_reporting_delay_s,
        latency_s=settings.sandbox_latency_s,
    )
    return PlatformAdapters(platform, SandboxValues(store), platform, close)


def _nothing() -> None:
    pass


GATEWAYS: dict[str, GatewayFactory] = {"sandbox": _sandbox}


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    quiet: bool = False,
    notifiers: Sequence[Notifier] = (),
) -> Services:
    """Wire the application from ``settings``; migrate the database to the current schema.

    ``notifiers`` join the alert fan-out (the demo and tests record alerts this way).
    Raises ConfigurationError for an unknown ``platforms`` adapter, or a remote component's
    address without ``remote_api_key``.
    """
    factory = GATEWAYS.get(settings.platforms.strip().lower())
    if factory is None:
        raise ConfigurationError(
            f"platforms (KIKI_PLATFORMS): unknown adapter {settings.platforms!r}; "
            f"known: {', '.join(sorted(GATEWAYS))}"
        )
    remotes = remote_services(settings)
    clock = clock or SystemClock()
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    platforms = factory(settings, clock)
    value_source = SqlValueSource(engine)
    state: StateStore
    probes: dict[str, Probe] = {"database": lambda: _reachable(engine)}
    if settings.redis_url:
        from kiki.adapters.redis.state import RedisStateStore  # noqa: PLC0415  # only with Redis

        redis_state = RedisStateStore.from_url(settings.redis_url)
        state = redis_state
        probes["redis"] = redis_state.reachable
    else:
        state = InMemoryStateStore(clock)
    fanout: list[Notifier] = list(notifiers)
    if not quiet:
        fanout.append(ConsoleNotifier())
    if settings.notify_urls:
        from kiki.adapters.notify.apprise import AppriseNotifier  # noqa: PLC0415  # heavy

        fanout.append(AppriseNotifier(settings.notify_urls))
    values = ClientValues(value_source, platforms.ltv_fallback)
    optimizer_values: LtvSource = values
    ledger: Ledger = SqlLedger(engine)
    if remotes:
        # gRPC loads only when a component is remote (it costs every command a tenth of a second)
        from kiki.adapters.grpc_clients import (  # noqa: PLC0415
            GrpcLedger,
            GrpcNotifier,
            GrpcValueSource,
        )

        if settings.notify_addr:
            fanout.append(GrpcNotifier(remotes[settings.notify_addr]))
        if settings.syncvalue_addr:
            optimizer_values = GrpcValueSource(remotes[settings.syncvalue_addr])
        if settings.ledger_addr:
            ledger = GrpcLedger(remotes[settings.ledger_addr])
    channels = [remote.channel for remote in remotes.values()]
    ports = Ports(
        settings=settings,
        clock=clock,
        gateway=platforms.gateway,
        values=value_source,
        value_importer=SqlValueImporter(engine),
        ltv_fallback=platforms.ltv_fallback,
        optimizer_values=optimizer_values,
        ledger=ledger,
        audit=SqlAuditLog(engine),
        configs=SqlClientConfigStore(engine, optimizer_defaults(settings)),
        readings=SqlReadingBook(engine),
        state=state,
        metrics=PrometheusMetrics(),
        notifier=FanoutNotifier(*fanout),
        tenants=SqlTenantStore(engine),
        directory=SqlClientDirectory(engine),
        idempotency=SqlIdempotencyStore(engine),
        baselines=SqlBaselineSource(engine),
        gate_decisions=SqlGateDecisionStore(engine),
        campaigns=SqlCampaignBook(engine),
        thresholds=SqlThresholdBook(engine),
        sandbox=platforms.sandbox,
        faults=platforms.sandbox,
        probes=probes,
        database=engine.url.render_as_string(hide_password=True),
        closers=(
            platforms.close,
            engine.dispose,
            *(channel.close for channel in channels),
        ),
    )
    return Services(ports, values)


def _reachable(engine: Engine) -> bool:
    """Whether the database answers a trivial query now (for readiness probes)."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    return True


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
    from kiki.adapters.grpc_clients import RemoteService, open_channel  # noqa: PLC0415

    return {
        address: RemoteService(
            open_channel(address),
            api_key=settings.remote_api_key,
            address=address,
            timeout_s=settings.remote_timeout_s,
        )
        for address in sorted(set(named.values()))
    }
