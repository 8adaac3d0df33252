"""InMemoryBaselineSource: SyncTwin's baselines held in the process (tests, demo, default)."""

from __future__ import annotations

import threading
from datetime import datetime

from kiki.synctwin.domain.inputs import Baseline


class InMemoryBaselineSource:
    """Implements BaselineSource; one baseline per client, whatever the lookback."""

    def __init__(self, baselines: dict[str, Baseline] | None = None) -> None:
        self._baselines = dict(baselines or {})
        self._lock = threading.Lock()

    def put(
        self,
        client_id: str,
        baseline: Baseline,
        *,
        at: datetime | None = None,  # noqa: ARG002  # held baselines apply at once
    ) -> None:
        with self._lock:
            self._baselines[client_id] = baseline

    def baseline(
        self,
        client_id: str,
        *,
        lookback_days: int,  # noqa: ARG002  # a held baseline does not age
        as_of: datetime,  # noqa: ARG002
    ) -> Baseline | None:
        with self._lock:
            return self._baselines.get(client_id)
