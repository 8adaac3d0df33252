"""SimulationGatekeeper: the seed's class, fetching the client's baseline and simulating."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from kiki.core.clock import Clock
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import (
    DEFAULT_SIMULATIONS,
    DEFAULT_THRESHOLD,
    DEFAULT_VARIANCE,
    SimulationResult,
    simulate,
)
from kiki.synctwin.errors import NoBaselineError
from kiki.synctwin.ports import BaselineSource, GateMetrics, ThresholdBook
from kiki.synctwin.services.tune_threshold import effective_threshold

LOOKBACK_DAYS = 90


class SimulationGatekeeper:
    """Pre-launch gate. Its seed is derived from the inputs (client, strategy, baseline, model
    settings), so resubmitting the same strategy replays the same verdict rather than redrawing
    until one passes; a caller that wants a specific seed passes it.

    With a ThresholdBook, a client's bar is the threshold learned for it (``tune_threshold``),
    else the fleet's, else ``threshold``; without one, ``threshold`` for everyone."""

    def __init__(
        self,
        *,
        baselines: BaselineSource,
        clock: Clock,
        metrics: GateMetrics | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        simulations: int = DEFAULT_SIMULATIONS,
        variance: float = DEFAULT_VARIANCE,
        thresholds: ThresholdBook | None = None,
    ) -> None:
        self.baselines = baselines
        self.clock = clock
        self.metrics = metrics
        self.threshold = threshold
        self.simulations = simulations
        self.variance = variance
        self.thresholds = thresholds

    def threshold_for(self, client_id: str) -> float:
        if self.thresholds is None:
            return self.threshold
        return effective_threshold(client_id, book=self.thresholds, default=self.threshold)

    async def simulate_strategy(
        self,
        strategy: Strategy | Mapping[str, Any],
        client_id: str,
        lookback_days: int = LOOKBACK_DAYS,
    ) -> SimulationResult:
        """The seed's coroutine. The kernel takes well under a millisecond, so it runs inline."""
        return self.evaluate(strategy, client_id, lookback_days=lookback_days)[0]

    def evaluate(
        self,
        strategy: Strategy | Mapping[str, Any],
        client_id: str,
        *,
        lookback_days: int = LOOKBACK_DAYS,
        seed: int | None = None,
    ) -> tuple[SimulationResult, Baseline]:
        """Simulate ``strategy`` on the client's baseline; NoBaselineError if there is none."""
        if not isinstance(strategy, Strategy):
            strategy = Strategy.from_dict(strategy)
        baseline = self.baselines.baseline(
            client_id, lookback_days=lookback_days, as_of=self.clock.now()
        )
        if baseline is None:
            raise NoBaselineError(client_id, lookback_days)
        if seed is None:
            seed = self.derived_seed(client_id, strategy, baseline)
        started = self.clock.monotonic()
        result = simulate(
            strategy,
            baseline,
            simulations=self.simulations,
            variance=self.variance,
            seed=seed,
            threshold=self.threshold_for(client_id),
        )
        if self.metrics is not None:
            self.metrics.observe_simulation(self.simulations, self.clock.monotonic() - started)
        return result, baseline

    def derived_seed(self, client_id: str, strategy: Strategy, baseline: Baseline) -> int:
        body = {
            "client_id": client_id,
            "strategy": strategy.to_dict(),
            "baseline": baseline.to_dict(),
            "simulations": self.simulations,
            "variance": self.variance,
        }
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()
        return int.from_bytes(digest[:16], "big")
