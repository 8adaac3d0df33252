"""The CampaignBook port: what KIKI remembers about campaigns beyond what the platform says."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kiki.campaigns.domain import Campaign, CampaignChange, CampaignRef, CampaignState


class CampaignBook(Protocol):
    def remember(self, state: CampaignState, *, at: datetime) -> None:
        """Keep the campaign's last known state (idempotent; written only when it changed)."""
        ...

    def find(self, campaign_id: str) -> CampaignRef | None:
        """Where a campaign KIKI has seen lives (client and platform), or None."""
        ...

    def known(self, *, client_id: str | None = None) -> list[Campaign]:
        """Last known states with KIKI's pause reasons, oldest first."""
        ...

    def record_change(self, change: CampaignChange) -> None:
        """Append to the campaign's history and make ``change.after`` its last known state."""
        ...

    def history(self, campaign_id: str) -> list[CampaignChange]:
        """The campaign's changes, oldest first."""
        ...
