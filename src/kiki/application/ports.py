"""Every port the use cases need, in one place; ``kiki.bootstrap`` fills it with adapters.

Fields are Protocols only: nothing here names SQL, Redis, gRPC or an SDK, so entrypoints and
services never see a concrete adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol

from kiki.campaigns.ports import CampaignBook
from kiki.core.clock import Clock
from kiki.platforms.connections import AdapterKind, ConnectionBook
from kiki.platforms.ports import Gateway
from kiki.platforms.sandbox.ports import FaultInjector, SandboxControls
from kiki.settings import Settings
from kiki.syncflow.guardian_ports import GuardianMetrics, GuardianSettingsStore, GuardMemoryStore
from kiki.syncflow.ports import (
    ClientConfigStore,
    ClientStates,
    CycleLeases,
    OptimizerMetrics,
    ReadingBook,
)
from kiki.syncflow.ports import ValueSource as LtvSource
from kiki.syncledger.ports import Ledger
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.chaos.ports import ChaosFanout, ChaosMetrics, TwinWorlds
from kiki.synctwin.mirror_ports import MirrorMetrics, MirrorStateStore, MirrorStream, MirrorVerdicts
from kiki.synctwin.ports import (
    BaselineBook,
    GateDecisionStore,
    GateMetrics,
    GateReviewMetrics,
    ThresholdBook,
)
from kiki.syncvalue.ports import ValueImporter, ValueSource
from kiki.tenancy.ports import ClientDirectory, IdempotencyStore, TenantStore


class Metrics(
    OptimizerMetrics,
    GateMetrics,
    GuardianMetrics,
    ChaosMetrics,
    GateReviewMetrics,
    MirrorMetrics,
    Protocol,
):
    def count_cycle_failure(self, cause: str) -> None:
        """A cycle the scheduler saw fail, by a bounded cause."""
        ...

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type, for ``/metrics``."""
        ...


Probe = Callable[[], bool]


@dataclass(frozen=True)
class Ports:
    settings: Settings
    clock: Clock
    gateway: Gateway
    values: ValueSource  # SyncValue: imported customers, orders, spend
    value_importer: ValueImporter
    ltv_fallback: LtvSource  # LTV for clients without imported data (the sandbox's model)
    optimizer_values: LtvSource  # what the optimiser reads LTV and CAC from
    ledger: Ledger
    audit: AuditLog
    configs: ClientConfigStore
    readings: ReadingBook
    metrics: Metrics
    notifier: Notifier
    tenants: TenantStore
    directory: ClientDirectory
    idempotency: IdempotencyStore
    baselines: BaselineBook  # recorded by hand; SyncValue's measured ones take precedence
    gate_decisions: GateDecisionStore
    campaigns: CampaignBook
    states: ClientStates  # ACTIVE, PAUSED or STUCK, outside the ledger tables
    leases: CycleLeases  # one cycle per client at a time, across processes and replicas
    guardian_settings: GuardianSettingsStore  # MarginGuardian's per-client thresholds
    guardian_memory: GuardMemoryStore  # what the guardian remembers per campaign
    twins: TwinWorlds  # fresh in-process stores for the chaos suite's twins
    chaos_fanout: ChaosFanout  # this process, or Ray
    thresholds: ThresholdBook  # the gate's learned thresholds (kiki twin tune --apply)
    mirror_state: MirrorStateStore  # campaign:{id}:mirror_state / projected_state
    mirror_verdicts: MirrorVerdicts  # rollbacks decided once, durably
    mirror_stream: MirrorStream | None = None  # Redis Streams when KIKI_REDIS_URL is set
    sandbox: SandboxControls | None = None
    faults: FaultInjector | None = None
    probes: Mapping[str, Probe] = field(default_factory=dict)
    database: str = ""  # where the database is, for people (no password)
    closers: tuple[Callable[[], None], ...] = ()
    connections: ConnectionBook | None = None  # which adapter serves each client's platforms
    adapter_kinds: Mapping[str, AdapterKind] = field(default_factory=dict)
    # While entered, the SQL stores' reads share one connection and read transaction (a
    # cycle's); a write in the same thread ends that transaction. The default shares nothing.
    read_scope: Callable[[], AbstractContextManager[object]] = nullcontext
