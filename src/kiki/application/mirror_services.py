"""The real-to-sim mirror's use cases: decide a batch, publish the live campaigns' events (in
process or into the stream), consume the stream as one of a group, list the verdicts."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass

from kiki.application.base import ServicesBase
from kiki.core.errors import ConfigurationError
from kiki.synctwin.domain.mirror import (
    DecisionBatch,
    DeviationMode,
    EventBatch,
    MirrorAction,
    MirrorRules,
)
from kiki.synctwin.mirror_ports import MirrorStream, MirrorVerdict
from kiki.synctwin.services.mirror import Mirror, MirrorPorts
from kiki.synctwin.services.mirror_publisher import sample_live_campaigns


@dataclass(frozen=True, slots=True)
class MirrorTally:
    """What a publish or consume pass did: events, and decisions by action."""

    events: int
    actions: dict[str, int]
    entries: int = 0  # stream entries written or acknowledged


class MirrorServices(ServicesBase):
    _mirror: Mirror | None = None
    _mirror_guard = threading.Lock()

    def mirror(self) -> Mirror:
        """This process' mirror (its cache of watched campaigns), built on first use."""
        with self._mirror_guard:
            if self._mirror is None:
                p = self.ports
                s = p.settings
                rules = MirrorRules(
                    threshold=s.deviation_threshold,
                    mode=DeviationMode.parse(s.deviation_mode),
                    warmup_s=s.mirror_warmup_s,
                    min_spend_micros=s.mirror_min_spend,
                    min_conversions=s.mirror_min_conversions,
                )
                self._mirror = Mirror(
                    rules,
                    MirrorPorts(
                        book=p.campaigns,
                        control=p.gateway,
                        projections=p.gate_decisions,
                        state=p.mirror_state,
                        verdicts=p.mirror_verdicts,
                        audit=p.audit,
                        notifier=p.notifier,
                        metrics=p.metrics,
                        clock=p.clock,
                    ),
                )
            return self._mirror

    def mirror_events(
        self, events: EventBatch, *, clients: Collection[str] | None = None
    ) -> DecisionBatch:
        return self.mirror().decide(events, clients=clients)

    def live_events(self) -> EventBatch:
        p = self.ports
        clients = sorted({c.state.client_id for c in p.campaigns.known()})
        return sample_live_campaigns(clients, gateway=p.gateway, book=p.campaigns, clock=p.clock)

    def publish_mirror(self, *, stream: bool = False) -> MirrorTally:
        """Read every live campaign once and mirror it here, or append it to the stream."""
        events = self.live_events()
        if stream:
            entries = self._stream().publish(events) if len(events) else 0
            return MirrorTally(len(events), {}, entries)
        return MirrorTally(len(events), _tally(self.mirror_events(events)))

    def consume_mirror(
        self, *, group: str, consumer: str, count: int = 1000, block_s: float = 1.0
    ) -> MirrorTally | None:
        """Take one delivery (a dead consumer's pending entries first), decide it, and only
        then acknowledge it; None when nothing came within ``block_s``."""
        stream = self._stream()
        delivery = stream.take(group=group, consumer=consumer, count=count, block_s=block_s)
        if delivery is None:
            return None
        decisions = self.mirror_events(delivery.events)
        stream.ack(group=group, delivery=delivery)
        return MirrorTally(len(decisions), _tally(decisions), len(delivery.receipts))

    def mirror_verdicts(self, client_id: str | None = None) -> list[MirrorVerdict]:
        return self.ports.mirror_verdicts.verdicts(client_id=client_id)

    def _stream(self) -> MirrorStream:
        stream = self.ports.mirror_stream
        if stream is None:
            raise ConfigurationError(
                "the mirror's stream needs Redis: set KIKI_REDIS_URL (redis://host:6379/0)"
            )
        return stream


def _tally(decisions: DecisionBatch) -> dict[str, int]:
    counts: dict[str, int] = {}
    for action in decisions.actions.tolist():
        name = MirrorAction(action).name
        counts[name] = counts.get(name, 0) + 1
    return counts
