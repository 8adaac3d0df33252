"""InMemoryGateDecisionStore: SyncTwin's gate decisions and projections, in the process."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from kiki.campaigns.projection import Projection
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.projection import ProjectedDay, launch_projection
from kiki.synctwin.ports import GateDecision


class InMemoryGateDecisionStore:
    """Implements GateDecisionStore."""

    def __init__(self) -> None:
        self._decisions: dict[str, GateDecision] = {}
        self._projections: dict[str, tuple[ProjectedDay, ...]] = {}
        self._lock = threading.Lock()

    def record(self, decision: GateDecision, projection: tuple[ProjectedDay, ...] = ()) -> None:
        with self._lock:
            if decision.decision_id in self._decisions:
                raise InvalidInputError("decision_id", "is already recorded")
            self._decisions[decision.decision_id] = decision
            if decision.campaign_id is not None and projection:
                self._projections[decision.campaign_id] = projection

    def decisions(self, *, client_id: str | None = None) -> list[GateDecision]:
        with self._lock:
            found = [d for d in self._decisions.values() if client_id in (None, d.client_id)]
        return sorted(found, key=lambda d: d.at)

    def projection(self, campaign_id: str) -> tuple[ProjectedDay, ...]:
        with self._lock:
            return self._projections.get(campaign_id, ())

    def projections(self, campaign_ids: Collection[str]) -> dict[str, Projection]:
        wanted = set(campaign_ids)
        with self._lock:
            launched = [d for d in self._decisions.values() if d.campaign_id in wanted]
            found = {
                d.campaign_id: (d, self._projections.get(d.campaign_id or "", ())) for d in launched
            }
        return {
            cid: p
            for cid, (d, trajectory) in found.items()
            if cid is not None and (p := launch_projection(d.at, d.strategy, trajectory))
        }

    def record_outcome(
        self,
        decision_id: str,
        actual_net_profit: Money,
        *,
        at: datetime,  # noqa: ARG002  # only the SQL store keeps when an outcome arrived
    ) -> None:
        with self._lock:
            found = self._decisions.get(decision_id)
            if found is None:
                raise InvalidInputError("decision_id", f"no gate decision {decision_id!r}")
            self._decisions[decision_id] = replace(found, actual_net_profit=actual_net_profit)
