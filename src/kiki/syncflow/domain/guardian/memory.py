"""What the guardian remembers about a campaign between ticks, kept durably.

The last configuration read from the platform (the cached bid and budget every decision uses
while the platform is down), today's totals as last read (so each tick knows what is new, and
spend that goes back is caught), the readings of the last few minutes (the price), the CUSUM,
the margin breach streak, the unreadable strikes, and since when the platform is unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from kiki.campaigns.domain import CampaignConfig
from kiki.syncflow.domain.guardian.cvr import CvrWatch


@dataclass(frozen=True, slots=True)
class GuardMemory:
    config: CampaignConfig | None = None  # the last known-good configuration (cached)
    seen_at: datetime | None = None
    day: date | None = None  # the day of the today totals below
    spend_today_micros: int | None = None
    clicks_today: int = 0
    conversions_today: float = 0.0
    cvr: CvrWatch = field(default_factory=CvrWatch)
    margin_streak: int = 0
    unreadable_strikes: int = 0
    held_since: datetime | None = None  # the platform has not answered since then
    bid_hold_until: datetime | None = None  # no bid control until then (after a rollback)
    recent: tuple[Snapshot, ...] = ()  # today's cumulative spend and impressions, tick by tick


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Spend and impressions today as read at ``at``: the difference of two is the price paid
    between them, exactly, whatever the platform's reporting granularity."""

    at: datetime
    spend_micros: int
    impressions: int


def held(memory: GuardMemory, now: datetime) -> GuardMemory:
    """The platform did not answer: nothing is decided, the cache stays as it was."""
    return memory if memory.held_since is not None else replace(memory, held_since=now)
