"""The Protocols SyncTwin's services need: baselines, the decision store and gate metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kiki.core.money import Money
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.projection import ProjectedDay


class BaselineSource(Protocol):
    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline | None:
        """The client's baseline over the ``lookback_days`` before ``as_of``; None if unknown."""
        ...


class BaselineBook(BaselineSource, Protocol):
    def put(self, client_id: str, baseline: Baseline, *, at: datetime) -> None:
        """Record the client's baseline by hand, effective from ``at``."""
        ...


@dataclass(frozen=True, slots=True)
class GateDecision:
    """One pass through the gate, kept whichever way it went (rejections feed shadow mode)."""

    decision_id: str
    client_id: str
    at: datetime
    strategy: Strategy
    baseline: Baseline
    approved: bool
    confidence: float
    seed: int
    result: Mapping[str, Any]  # SimulationResult.to_dict(), as audited
    campaign_id: str | None = None
    actual_net_profit: Money | None = None


class GateDecisionStore(Protocol):
    def record(self, decision: GateDecision, projection: tuple[ProjectedDay, ...] = ()) -> None:
        """Keep a decision (and an approved campaign's projected trajectory)."""
        ...

    def decisions(self, *, client_id: str | None = None) -> list[GateDecision]:
        """Decisions, oldest first, with any imported outcome."""
        ...

    def projection(self, campaign_id: str) -> tuple[ProjectedDay, ...]: ...

    def record_outcome(self, decision_id: str, actual_net_profit: Money, *, at: datetime) -> None:
        """Attach the real net profit; InvalidInputError if the decision is unknown."""
        ...


class GateMetrics(Protocol):
    def observe_simulation(self, simulations: int, duration_s: float) -> None: ...

    def count_decision(self, approved: bool) -> None: ...
