"""The publisher: every live campaign's cumulative figures since launch, as mirror events.

The sequence of an event is the instant its figures are complete to (``as_of``, epoch
microseconds): a later reading has a higher number, and publishing the same reading twice
publishes a duplicate the mirror ignores.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiki.campaigns.domain import CampaignStatus
from kiki.campaigns.ports import CampaignBook
from kiki.core.clock import Clock
from kiki.platforms.errors import PlatformError
from kiki.platforms.ports import Gateway
from kiki.synctwin.domain.mirror import EventBatch, MirrorEvent

MAX_WINDOW_S = 31 * 86_400.0  # a projection runs 30 days; the sandbox keeps 40


def sample_live_campaigns(
    client_ids: Sequence[str], *, gateway: Gateway, book: CampaignBook, clock: Clock
) -> EventBatch:
    """One event per ACTIVE campaign KIKI knows, read in one batch per (client, platform);
    a platform that cannot be read now is left for the next pass."""
    now = clock.now()
    events: list[MirrorEvent] = []
    for client_id in client_ids:
        live = [
            c for c in book.known(client_id=client_id) if c.state.status is CampaignStatus.ACTIVE
        ]
        for platform in sorted({c.state.platform for c in live}, key=lambda p: p.value):
            mine = {c.campaign_id: c for c in live if c.state.platform is platform}
            oldest = min(c.state.created_at for c in mine.values())
            window_s = min(MAX_WINDOW_S, max(1.0, (now - oldest).total_seconds() + 1.0))
            try:
                readings = gateway.read_campaigns(client_id, platform, window_s=window_s)
            except PlatformError:
                continue
            for r in readings:
                t = r.telemetry
                if t is None or r.state.status is not CampaignStatus.ACTIVE:
                    continue
                if r.state.campaign_id not in mine:
                    continue
                events.append(
                    MirrorEvent(
                        campaign_id=r.state.campaign_id,
                        sequence=int(t.as_of.timestamp() * 1_000_000),
                        total_spend_micros=t.window.spend.micros,
                        conversions=t.window.conversions,
                        revenue_micros=t.window.revenue.micros,
                        at_s=t.as_of.timestamp(),
                    )
                )
    return EventBatch.of(events)
