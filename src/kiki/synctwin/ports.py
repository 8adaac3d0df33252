"""The Protocols SyncTwin's services need: baselines, the decision store, gate metrics and the
thresholds the gate has learned."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kiki.campaigns.projection import Projection
from kiki.core.errors import InvalidInputError
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

    def projections(self, campaign_ids: Collection[str]) -> dict[str, Projection]:
        """The projections of those campaigns launched through the gate, by campaign id."""
        ...

    def record_outcome(self, decision_id: str, actual_net_profit: Money, *, at: datetime) -> None:
        """Attach the real net profit; InvalidInputError if the decision is unknown."""
        ...


class GateMetrics(Protocol):
    def observe_simulation(self, simulations: int, duration_s: float) -> None: ...

    def count_decision(self, approved: bool) -> None: ...


class GateReviewMetrics(Protocol):
    def observe_gate_review(
        self,
        *,
        false_negative_rate: float | None,
        false_positive_rate: float | None,
        calibration_error: float | None,
        outcomes: int,
    ) -> None:
        """The fleet's rates over the review's trailing window, the expected calibration error
        of every outcome so far, and how many outcomes the window holds; None: no cases yet."""
        ...


ALL_CLIENTS = "*"  # the ThresholdBook key of the fleet-wide threshold (no client id is "*")


@dataclass(frozen=True, slots=True)
class ThresholdSetting:
    """A confidence threshold put in the book, with the evidence it was chosen on (JSON-plain)."""

    client_id: str
    threshold: float
    evidence: Mapping[str, Any]
    at: datetime

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1:
            raise InvalidInputError("threshold", "must be in (0, 1), as the gate's is")
        if self.at.tzinfo is None:
            raise InvalidInputError("at", "must be timezone-aware")


class ThresholdBook(Protocol):
    """The gate's confidence thresholds, per client or for ALL_CLIENTS, with their history."""

    def get(self, client_id: str) -> float | None:
        """The threshold with the latest ``at`` (of equal ones, the last put); None if none."""
        ...

    def put(
        self, client_id: str, threshold: float, evidence: Mapping[str, Any], at: datetime
    ) -> None:
        """Record a threshold; InvalidInputError outside (0, 1). Earlier ones stay in history."""
        ...

    def history(self, client_id: str) -> list[ThresholdSetting]:
        """Every threshold put for ``client_id``, in the order ``get`` ranks them, oldest first."""
        ...
