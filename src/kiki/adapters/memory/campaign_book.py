"""InMemoryCampaignBook: campaigns and their histories in one process (the chaos suite's twins)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from kiki.campaigns.domain import (
    Campaign,
    CampaignChange,
    CampaignRef,
    CampaignState,
    ChangeKind,
)


class InMemoryCampaignBook:
    """Implements CampaignBook, as SqlCampaignBook behaves."""

    def __init__(self) -> None:
        self._campaigns: dict[str, Campaign] = {}
        self._history: dict[str, list[CampaignChange]] = {}
        self._lock = threading.Lock()

    def remember(
        self,
        state: CampaignState,
        *,
        at: datetime,  # noqa: ARG002  # nothing here ages
    ) -> None:
        with self._lock:
            found = self._campaigns.get(state.campaign_id)
            reason = None if found is None else found.pause_reason
            self._campaigns[state.campaign_id] = Campaign(state, reason)

    def find(self, campaign_id: str) -> CampaignRef | None:
        with self._lock:
            found = self._campaigns.get(campaign_id)
        return None if found is None else found.state.ref

    def known(self, *, client_id: str | None = None) -> list[Campaign]:
        with self._lock:
            found = [c for c in self._campaigns.values() if client_id in (None, c.state.client_id)]
        return sorted(found, key=lambda c: (c.state.created_at, c.campaign_id))

    def record_change(self, change: CampaignChange) -> None:
        with self._lock:
            self._history.setdefault(change.ref.campaign_id, []).append(change)
            found = self._campaigns.get(change.ref.campaign_id)
            if found is None:
                return
            after = change.after
            state = replace(
                found.state, status=after.status, daily_budget=after.daily_budget, bid=after.bid
            )
            reason = found.pause_reason
            if change.kind is ChangeKind.PAUSED:
                reason = change.reason
            elif change.kind is ChangeKind.RESUMED:
                reason = None
            self._campaigns[change.ref.campaign_id] = Campaign(state, reason)

    def history(self, campaign_id: str) -> list[CampaignChange]:
        with self._lock:
            return list(self._history.get(campaign_id, []))
