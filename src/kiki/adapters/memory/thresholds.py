"""InMemoryThresholdBook: the gate's learned thresholds and their history, in the process."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from kiki.synctwin.ports import ThresholdSetting


class InMemoryThresholdBook:
    """Implements ThresholdBook. Evidence is kept as its JSON reads back, as the SQL book does."""

    def __init__(self) -> None:
        self._settings: dict[str, list[ThresholdSetting]] = {}
        self._lock = threading.Lock()

    def get(self, client_id: str) -> float | None:
        with self._lock:
            kept = self._settings.get(client_id)
            return kept[-1].threshold if kept else None

    def put(
        self, client_id: str, threshold: float, evidence: Mapping[str, Any], at: datetime
    ) -> None:
        setting = ThresholdSetting(
            client_id=client_id,
            threshold=float(threshold),
            evidence=json.loads(json.dumps(evidence, sort_keys=True, default=str)),
            at=at,
        )
        setting = replace(setting, at=setting.at.astimezone(UTC))
        with self._lock:
            kept = self._settings.setdefault(client_id, [])
            kept.append(setting)
            # stable: of equal instants the later put stays later
            kept.sort(key=lambda s: s.at)

    def history(self, client_id: str) -> list[ThresholdSetting]:
        with self._lock:
            return list(self._settings.get(client_id, ()))
