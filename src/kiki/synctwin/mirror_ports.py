"""The Protocols the real-to-sim mirror needs beyond the campaign book, gateway, audit and
notifier: where each campaign's mirrored and projected state lives, where verdicts are kept
durably, its metrics, and the stream that carries events to several consumers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from kiki.campaigns.projection import Projection
from kiki.synctwin.domain.mirror import EventBatch, FloatArray, MirrorAction


@dataclass(frozen=True, slots=True)
class MirrorRows:
    """A batch of events with what the mirror computed for each, to be taken if newer."""

    events: EventBatch
    deviations: FloatArray
    projected_revenue_micros: FloatArray
    projected_spend_micros: FloatArray
    projected_conversions: FloatArray


@dataclass(frozen=True, slots=True)
class MirrorState:
    """A campaign's mirrored real state (the seed's ``campaign:{id}:mirror_state``)."""

    campaign_id: str
    sequence: int
    spend_micros: int
    conversions: float
    revenue_micros: int
    at_s: float
    deviation: float
    projected_revenue_micros: int


class MirrorStateStore(Protocol):
    """Each campaign's mirror_state and projected_state (Redis hashes, or this process)."""

    def watch(self, campaign_id: str, projection: Projection | None) -> None:
        """Write the campaign's projection into its projected_state (idempotent)."""
        ...

    def advance(self, rows: MirrorRows) -> npt.NDArray[np.bool_]:
        """Take each row, in order, whose sequence is above its campaign's last taken one,
        writing its mirror_state and projected_state; which rows were taken. Atomic per batch:
        two consumers advancing the same campaign never both take one sequence."""
        ...

    def state(self, campaign_id: str) -> MirrorState | None: ...


@dataclass(frozen=True, slots=True)
class MirrorVerdict:
    """A decision the mirror takes at most once per campaign and kind (ROLLED_BACK or ALERTED),
    recorded before it acts; ``settled_at`` is set once the action was carried out."""

    campaign_id: str
    client_id: str
    action: MirrorAction
    sequence: int
    decided_at: datetime
    deviation: float
    real_revenue_micros: int
    projected_revenue_micros: int
    threshold: float
    mode: str
    settled_at: datetime | None = None


class MirrorVerdicts(Protocol):
    """The mirror's verdicts, durably: they survive restarts and are shared by consumers."""

    def decide(self, verdict: MirrorVerdict) -> bool:
        """Record ``verdict`` unless one of its campaign and action exists; whether it was new."""
        ...

    def settle(self, campaign_id: str, action: MirrorAction, *, at: datetime) -> None: ...

    def of(self, campaign_ids: Collection[str]) -> list[MirrorVerdict]:
        """The verdicts of these campaigns."""
        ...

    def verdicts(self, *, client_id: str | None = None) -> list[MirrorVerdict]:
        """Every verdict (of the client), oldest first."""
        ...


class MirrorMetrics(Protocol):
    def observe_deviations(self, deviations: FloatArray) -> None:
        """``synctwin_mirror_deviation`` histogram: the judged events' deviations."""
        ...

    def count_rollback(self, mode: str) -> None:
        """``synctwin_mirror_rollbacks_total{mode}`` (no campaign label)."""
        ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """Events a stream consumer took, and the receipt to acknowledge them with."""

    events: EventBatch
    receipts: Sequence[tuple[str, str]]  # (stream, entry id)


class MirrorStream(Protocol):
    """Events partitioned by campaign id over a consumer group (Redis Streams)."""

    def publish(self, events: EventBatch) -> int:
        """Append the events (one entry per partition touched); how many entries."""
        ...

    def take(self, *, group: str, consumer: str, count: int, block_s: float) -> Delivery | None:
        """Pending entries of dead consumers first (claimed), then new ones; None if none."""
        ...

    def ack(self, *, group: str, delivery: Delivery) -> None:
        """Acknowledge, once the delivery's decisions are durable."""
        ...
