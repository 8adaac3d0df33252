"""What a guardian pass did, campaign by campaign."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiki.campaigns.domain import CampaignConfig, PauseReason
from kiki.core.platform import Platform
from kiki.syncflow.domain.guardian.rules import GuardRule


class Outcome(enum.Enum):
    WATCHED = "watched"  # read and judged; nothing to do
    PAUSED = "paused"
    ROLLED_BACK = "rolled_back"
    BID_CHANGED = "bid_changed"
    FLAGGED = "flagged"  # unreadable spend: people told, nothing changed yet
    HELD = "held"  # the platform did not answer: the cached configuration stands
    FAILED = "failed"  # an action was due but the platform refused it; retried next tick
    SKIPPED = "skipped"  # not active, or the platform offers no such control (bids)
    REQUESTED = "requested"  # asked of the platform, not yet confirmed (a CSV change file)


@dataclass(frozen=True, slots=True)
class CampaignOutcome:
    client_id: str
    platform: Platform
    campaign_id: str
    name: str
    outcome: Outcome
    detail: str = ""
    rule: GuardRule | None = None
    reason: PauseReason | None = None
    config: CampaignConfig | None = None  # after the action, or the cached one when held
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GuardReport:
    client_id: str
    at: datetime
    outcomes: tuple[CampaignOutcome, ...]
    held_platforms: tuple[Platform, ...] = ()

    @property
    def actions(self) -> tuple[CampaignOutcome, ...]:
        acted = {Outcome.PAUSED, Outcome.ROLLED_BACK, Outcome.BID_CHANGED, Outcome.FLAGGED}
        return tuple(o for o in self.outcomes if o.outcome in acted)
