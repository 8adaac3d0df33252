"""The one place that picks adapters: ``build(settings)`` returns the wired ``Services``.

Entrypoints receive ``Services`` and see ports only. Platform adapters are registered in
``GATEWAYS`` and nowhere else: each client's platform goes to the adapter its connection names
(``kiki platforms connect``), or to the default, ``KIKI_PLATFORMS``. Adapters other than the
default are built when first used, so an SDK loads only in a process that needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.memory.mirror import InMemoryMirrorState
from kiki.adapters.memory.notify import ConsoleNotifier, FanoutNotifier
from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.adapters.memory.twins import MemoryTwinWorlds
from kiki.adapters.platforms.registry import AdapterSet, GatewayKind, PlatformAdapters
from kiki.adapters.prometheus import PrometheusMetrics
from kiki.adapters.sql.audit import SqlAuditLog
from kiki.adapters.sql.campaign_book import SqlCampaignBook
from kiki.adapters.sql.client_config import SqlClientConfigStore
from kiki.adapters.sql.connections import SqlConnectionBook
from kiki.adapters.sql.engine import make_engine, read_scope, upgrade
from kiki.adapters.sql.gate_decisions import SqlBaselineSource, SqlGateDecisionStore
from kiki.adapters.sql.guardian import SqlGuardianSettingsStore, SqlGuardMemoryStore
from kiki.adapters.sql.importer import SqlValueImporter
from kiki.adapters.sql.ledger import SqlLedger
from kiki.adapters.sql.mirror import SqlMirrorVerdicts
from kiki.adapters.sql.readings import SqlReadingBook
from kiki.adapters.sql.safety import SqlClientStates, SqlCycleLeases
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.adapters.sql.tenants import SqlClientDirectory, SqlIdempotencyStore, SqlTenantStore
from kiki.adapters.sql.thresholds import SqlThresholdBook
from kiki.adapters.sql.value_source import SqlValueSource
from kiki.application.flow_services import optimizer_defaults
from kiki.application.guardian_services import guardian_defaults
from kiki.application.ports import Ports, Probe
from kiki.application.services import Services
from kiki.application.values import ClientValues
from kiki.core.clock import Clock, SystemClock
from kiki.core.errors import ConfigurationError
from kiki.core.platform import Platform
from kiki.platforms.connections import (
    ConnectionLookup,
    digits_account,
    folder_account,
    sandbox_account,
)
from kiki.platforms.routing import NoValues, RoutingGateway, RoutingValues
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.store import SandboxStore
from kiki.platforms.sandbox.values import SandboxValues
from kiki.settings import Settings
from kiki.syncflow.ports import ValueSource as LtvSource
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier
from kiki.synctwin.chaos.fanout import LocalFanout
from kiki.synctwin.chaos.ports import ChaosFanout, TwinWorlds
from kiki.synctwin.mirror_ports import MirrorStateStore, MirrorStream

if TYPE_CHECKING:
    from kiki.adapters.grpc_clients import RemoteService


MEMORY = "memory"


def _sandbox(
    settings: Settings,
    clock: Clock,
    connections: ConnectionLookup,  # noqa: ARG001  # the sandbox keeps accounts per client
    given: SandboxStore | None = None,
) -> PlatformAdapters:
    """The sandbox on its own database, or in this process when ``sandbox_url`` is ``memory``
    (tests: nothing survives the process), or on the store a test hands in."""
    store: SandboxStore
    close: Callable[[], None] = _nothing
    url = settings.resolved_sandbox_url()
    if given is not None:
        store = given
    elif url == MEMORY:
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


def _meta(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.meta.gateway import MetaGateway  # noqa: PLC0415  # kiki[meta]

    gateway = MetaGateway(settings, clock, connections, sleep=clock.sleep)
    return PlatformAdapters(gateway, NoValues(), None, gateway.close)


def _google(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.google.gateway import GoogleGateway  # noqa: PLC0415

    gateway = GoogleGateway(settings, clock, connections, sleep=clock.sleep)
    return PlatformAdapters(gateway, NoValues(), None, gateway.close)


def _microsoft(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.microsoft.gateway import MicrosoftGateway  # noqa: PLC0415

    gateway = MicrosoftGateway(settings, clock, connections, sleep=clock.sleep)
    return PlatformAdapters(gateway, NoValues(), None, gateway.close)


def _tiktok(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.tiktok.gateway import TikTokGateway  # noqa: PLC0415

    gateway = TikTokGateway(settings, clock, connections, sleep=clock.sleep)
    return PlatformAdapters(gateway, NoValues(), None, gateway.close)


def _linkedin(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.linkedin.gateway import LinkedInGateway  # noqa: PLC0415

    gateway = LinkedInGateway(settings, clock, connections, sleep=clock.sleep)
    return PlatformAdapters(gateway, NoValues(), None, gateway.close)


def _amazon(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.amazon.gateway import AmazonGateway  # noqa: PLC0415

    gateway = AmazonGateway(settings, clock, connections, sleep=clock.sleep)
    return PlatformAdapters(gateway, NoValues(), None, gateway.close)


def _csv(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
    from kiki.adapters.platforms.csv.gateway import CsvGateway  # noqa: PLC0415

    return PlatformAdapters(CsvGateway(settings, clock, connections), NoValues(), None)


GATEWAYS: dict[str, GatewayKind] = {
    "sandbox": GatewayKind(_sandbox, None, sandbox_account),
    "meta": GatewayKind(_meta, frozenset({Platform.META}), digits_account("act_")),
    "google": GatewayKind(_google, frozenset({Platform.GOOGLE}), digits_account(length=10)),
    "microsoft": GatewayKind(_microsoft, frozenset({Platform.MICROSOFT}), digits_account()),
    "tiktok": GatewayKind(_tiktok, frozenset({Platform.TIKTOK}), digits_account()),
    "linkedin": GatewayKind(_linkedin, frozenset({Platform.LINKEDIN}), digits_account()),
    "amazon": GatewayKind(_amazon, frozenset({Platform.AMAZON}), digits_account()),
    "csv": GatewayKind(_csv, None, folder_account),
}


def _sandbox_kind(store: SandboxStore) -> GatewayKind:
    """The sandbox on a store handed in (a test restarting the application keeps the simulated
    platforms' state across the restart this way)."""

    def build(settings: Settings, clock: Clock, connections: ConnectionLookup) -> PlatformAdapters:
        return _sandbox(settings, clock, connections, store)

    return replace(GATEWAYS["sandbox"], build=build)


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    quiet: bool = False,
    notifiers: Sequence[Notifier] = (),
    sandbox_store: SandboxStore | None = None,
) -> Services:
    """Wire the application from ``settings``; migrate the database to the current schema.

    ``notifiers`` join the alert fan-out (the demo and tests record alerts this way);
    ``sandbox_store`` replaces the sandbox's own (a test that restarts the application keeps
    the simulated platforms' state across the restart this way).
    Raises ConfigurationError for an unknown ``platforms`` adapter, or a remote component's
    address without ``remote_api_key``.
    """
    default = settings.platforms.strip().lower()
    if default not in GATEWAYS:
        raise ConfigurationError(
            f"platforms (KIKI_PLATFORMS): unknown adapter {settings.platforms!r}; "
            f"known: {', '.join(sorted(GATEWAYS))}"
        )
    remotes = remote_services(settings)
    clock = clock or SystemClock()
    engine = make_engine(settings.resolved_database_url(), concurrency=settings.cycle_concurrency)
    upgrade(engine)
    connections = SqlConnectionBook(engine)
    kinds = GATEWAYS
    if sandbox_store is not None:
        kinds = {**GATEWAYS, "sandbox": _sandbox_kind(sandbox_store)}
    adapters = AdapterSet(kinds, settings, clock, connections)
    platforms = adapters.get(default)
    value_source = SqlValueSource(engine)
    probes: dict[str, Probe] = {"database": lambda: _reachable(engine)}
    closers: list[Callable[[], None]] = []
    if settings.redis_url:
        probes["redis"], close_redis = _redis_probe(settings.redis_url)
        closers.append(close_redis)
    fanout: list[Notifier] = list(notifiers)
    if not quiet:
        fanout.append(ConsoleNotifier())
    if settings.notify_urls:
        from kiki.adapters.notify.apprise import AppriseNotifier  # noqa: PLC0415  # heavy

        fanout.append(AppriseNotifier(settings.notify_urls))
    ltv_fallback = RoutingValues(connections, adapters.values, default=default)
    gateway = RoutingGateway(connections, adapters.gateway, default=default)
    values = ClientValues(value_source, ltv_fallback)
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
    twins = MemoryTwinWorlds()
    mirror_state, mirror_stream, redis_close = mirror_adapters(settings, probes)
    ports = Ports(
        settings=settings,
        clock=clock,
        gateway=gateway,
        values=value_source,
        value_importer=SqlValueImporter(engine),
        ltv_fallback=ltv_fallback,
        optimizer_values=optimizer_values,
        ledger=ledger,
        audit=SqlAuditLog(engine),
        configs=SqlClientConfigStore(engine, optimizer_defaults(settings)),
        readings=SqlReadingBook(engine),
        metrics=PrometheusMetrics(),
        notifier=FanoutNotifier(*fanout),
        tenants=SqlTenantStore(engine),
        directory=SqlClientDirectory(engine),
        idempotency=SqlIdempotencyStore(engine, lease_s=settings.idempotency_lease_s),
        baselines=SqlBaselineSource(engine),
        gate_decisions=SqlGateDecisionStore(engine),
        campaigns=SqlCampaignBook(engine),
        states=SqlClientStates(engine),
        leases=SqlCycleLeases(engine, grace_s=settings.lease_grace_s),
        guardian_settings=SqlGuardianSettingsStore(engine, guardian_defaults(settings)),
        guardian_memory=SqlGuardMemoryStore(engine),
        twins=twins,
        chaos_fanout=chaos_fanout(settings, twins),
        thresholds=SqlThresholdBook(engine),
        mirror_state=mirror_state,
        mirror_verdicts=SqlMirrorVerdicts(engine),
        mirror_stream=mirror_stream,
        sandbox=platforms.sandbox,
        faults=platforms.sandbox,
        probes=probes,
        database=engine.url.render_as_string(hide_password=True),
        connections=connections,
        adapter_kinds={name: kind.kind(name) for name, kind in GATEWAYS.items()},
        read_scope=lambda: read_scope(engine),
        closers=(
            adapters.close,
            engine.dispose,
            redis_close,
            *(channel.close for channel in channels),
            *closers,
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


def _redis_probe(url: str) -> tuple[Probe, Callable[[], None]]:
    """Whether Redis answers PING within a second (for readiness probes), and its closer."""
    import redis  # noqa: PLC0415  # only a configured Redis needs the client

    client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)

    def probe() -> bool:
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False

    return probe, client.close


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


def mirror_adapters(
    settings: Settings, probes: dict[str, Probe]
) -> tuple[MirrorStateStore, MirrorStream | None, Callable[[], None]]:
    """The mirror's state in Redis hashes and its stream when ``redis_url`` is set (Redis is
    then probed for readiness); in this process, without a stream, otherwise."""
    if not settings.redis_url:
        return InMemoryMirrorState(), None, _nothing
    from kiki.adapters.redis.mirror import (  # noqa: PLC0415  # only with Redis
        RedisMirrorState,
        RedisMirrorStream,
        redis_client,
    )

    client = redis_client(settings.redis_url)
    probes["redis"] = lambda: _pings(client)
    prefix = settings.redis_key_prefix
    stream = RedisMirrorStream(
        client,
        prefix=prefix,
        partitions=settings.mirror_partitions,
        claim_idle_s=settings.mirror_claim_idle_s,
    )
    return RedisMirrorState(client, prefix=prefix), stream, client.close


def _pings(client: object) -> bool:
    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001  # a probe answers False for any failure
        return False


def chaos_fanout(settings: Settings, twins: TwinWorlds) -> ChaosFanout:
    """The chaos suite's clients in this process, or over Ray when ``ray_address`` is set
    (``local`` starts a Ray on this machine); Ray is imported only then."""
    if not settings.ray_address:
        return LocalFanout(twins)
    from kiki.adapters.ray_fanout import RayFanout  # noqa: PLC0415  # the optional kiki[ray]

    return RayFanout(settings.ray_address)
