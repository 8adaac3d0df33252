"""The Protocols MarginGuardian needs beyond the gateway, book, audit, notifier and values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from kiki.syncflow.domain.guardian.memory import GuardMemory
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds


class GuardMemoryStore(Protocol):
    """What the guardian remembers per campaign, kept durably between ticks and processes."""

    def load(self, client_id: str) -> dict[str, GuardMemory]:
        """The client's campaigns' memories, by campaign id."""
        ...

    def save(self, client_id: str, memories: Mapping[str, GuardMemory], *, at: datetime) -> None:
        """Insert or replace these campaigns' memories (others are kept)."""
        ...


class GuardianSettingsStore(Protocol):
    def get(self, client_id: str) -> GuardianThresholds:
        """The client's thresholds: stored values over the settings' defaults."""
        ...

    def put(self, client_id: str, thresholds: GuardianThresholds, *, now: datetime) -> None:
        """Store the client's thresholds whole, replacing what was there."""
        ...


class GuardianMetrics(Protocol):
    def count_guardian_action(self, rule: str) -> None:
        """``syncflow_guardian_actions_total{rule}``."""
        ...
