"""In-process MarginGuardian state: thresholds and memory in dictionaries (the chaos suite's
twins and fast tests)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime

from kiki.syncflow.domain.guardian.memory import GuardMemory
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds


class InMemoryGuardMemoryStore:
    """Implements GuardMemoryStore."""

    def __init__(self) -> None:
        self._by_client: dict[str, dict[str, GuardMemory]] = {}
        self._lock = threading.Lock()

    def load(self, client_id: str) -> dict[str, GuardMemory]:
        with self._lock:
            return dict(self._by_client.get(client_id, {}))

    def save(
        self,
        client_id: str,
        memories: Mapping[str, GuardMemory],
        *,
        at: datetime,  # noqa: ARG002  # nothing here ages
    ) -> None:
        with self._lock:
            self._by_client.setdefault(client_id, {}).update(memories)


class InMemoryGuardianSettingsStore:
    """Implements GuardianSettingsStore."""

    def __init__(self, defaults: GuardianThresholds) -> None:
        self._defaults = defaults
        self._chosen: dict[str, GuardianThresholds] = {}

    def get(self, client_id: str) -> GuardianThresholds:
        return self._chosen.get(client_id, self._defaults)

    def put(
        self,
        client_id: str,
        thresholds: GuardianThresholds,
        *,
        now: datetime,  # noqa: ARG002
    ) -> None:
        self._chosen[client_id] = thresholds
