"""The mirror's state and verdicts in this process (no Redis, no database: tests, twins)."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

import numpy as np
import numpy.typing as npt

from kiki.campaigns.projection import Projection
from kiki.synctwin.domain.mirror import MirrorAction
from kiki.synctwin.mirror_ports import MirrorRows, MirrorState, MirrorVerdict


class InMemoryMirrorState:
    """Implements MirrorStateStore: the last taken row per campaign, as plain tuples."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._rows: dict[str, tuple[int, int, float, int, float, float, int]] = {}
        self.projections: dict[str, Projection | None] = {}
        self._lock = threading.Lock()

    def watch(self, campaign_id: str, projection: Projection | None) -> None:
        with self._lock:
            self.projections[campaign_id] = projection

    def advance(self, rows: MirrorRows) -> npt.NDArray[np.bool_]:
        e = rows.events
        taken = np.zeros(len(e), dtype=bool)
        last = self._last
        with self._lock:
            for i, (cid, seq) in enumerate(zip(e.campaign_ids, e.sequences.tolist(), strict=True)):
                if seq > last.get(cid, -1):
                    last[cid] = seq
                    taken[i] = True
            kept = np.flatnonzero(taken)
            if len(kept):
                self._keep(rows, kept)
        return taken

    def _keep(self, rows: MirrorRows, kept: npt.NDArray[np.intp]) -> None:
        e = rows.events
        ids = e.campaign_ids
        values = zip(
            e.sequences[kept].tolist(),
            e.spend_micros[kept].tolist(),
            e.conversions[kept].tolist(),
            e.revenue_micros[kept].tolist(),
            e.at_s[kept].tolist(),
            rows.deviations[kept].tolist(),
            rows.projected_revenue_micros[kept].astype(np.int64).tolist(),
            strict=True,
        )
        for i, row in zip(kept.tolist(), values, strict=True):
            self._rows[ids[i]] = row

    def state(self, campaign_id: str) -> MirrorState | None:
        with self._lock:
            row = self._rows.get(campaign_id)
        if row is None:
            return None
        return MirrorState(campaign_id, *row)


class InMemoryMirrorVerdicts:
    """Implements MirrorVerdicts (nothing survives the process: for tests and twins)."""

    def __init__(self) -> None:
        self._verdicts: dict[tuple[str, MirrorAction], MirrorVerdict] = {}
        self._lock = threading.Lock()

    def decide(self, verdict: MirrorVerdict) -> bool:
        key = (verdict.campaign_id, verdict.action)
        with self._lock:
            if key in self._verdicts:
                return False
            self._verdicts[key] = verdict
            return True

    def settle(self, campaign_id: str, action: MirrorAction, *, at: datetime) -> None:
        key = (campaign_id, action)
        with self._lock:
            found = self._verdicts.get(key)
            if found is not None and found.settled_at is None:
                self._verdicts[key] = replace(found, settled_at=at)

    def of(self, campaign_ids: Collection[str]) -> list[MirrorVerdict]:
        wanted = set(campaign_ids)
        with self._lock:
            return [v for (cid, _), v in self._verdicts.items() if cid in wanted]

    def verdicts(self, *, client_id: str | None = None) -> list[MirrorVerdict]:
        with self._lock:
            found = [v for v in self._verdicts.values() if client_id in (None, v.client_id)]
        return sorted(found, key=lambda v: (v.decided_at, v.campaign_id))
