from __future__ import annotations

import asyncio

import pytest

from kiki.adapters.memory.baselines import InMemoryBaselineSource
from kiki.adapters.memory.thresholds import InMemoryThresholdBook
from kiki.adapters.prometheus import PrometheusMetrics
from kiki.core.clock import VirtualClock
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import simulate
from kiki.synctwin.errors import NoBaselineError
from kiki.synctwin.ports import ALL_CLIENTS
from kiki.synctwin.services.gatekeeper import SimulationGatekeeper


def gatekeeper(baseline: Baseline, **kwargs: float) -> SimulationGatekeeper:
    return SimulationGatekeeper(
        baselines=InMemoryBaselineSource({"acme": baseline}),
        clock=VirtualClock(),
        metrics=PrometheusMetrics(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_simulate_strategy_is_the_seeds_coroutine_on_a_strategy_dict(
    baseline: Baseline, good_strategy: Strategy
) -> None:
    gate = gatekeeper(baseline)
    result = asyncio.run(gate.simulate_strategy(good_strategy.to_dict(), "acme"))
    assert result.approved
    assert result.total_simulations == 10_000
    assert result == simulate(good_strategy, baseline, seed=result.seed)
    assert result.seed == gate.derived_seed("acme", good_strategy, baseline)
    assert gate.metrics is not None
    assert gate.metrics.value("synctwin_simulations_total") == 10_000  # type: ignore[attr-defined]


def test_the_threshold_is_configurable_per_gatekeeper(
    baseline: Baseline, good_strategy: Strategy
) -> None:
    strict = gatekeeper(baseline, threshold=0.995)
    result = asyncio.run(strict.simulate_strategy(good_strategy, "acme"))
    assert 0.85 < result.confidence < 0.995
    assert not result.approved


def test_a_client_without_baseline_gets_a_clear_error(baseline: Baseline) -> None:
    with pytest.raises(NoBaselineError, match="no baseline known for client 'other'"):
        asyncio.run(
            gatekeeper(baseline).simulate_strategy(
                {"audience_size": 1, "cvr": 1, "daily_budget": 1}, "other"
            )
        )


def test_a_learned_threshold_sets_the_clients_bar_then_the_fleets(
    baseline: Baseline, good_strategy: Strategy
) -> None:
    book = InMemoryThresholdBook()
    gate = SimulationGatekeeper(
        baselines=InMemoryBaselineSource({"acme": baseline, "zeta": baseline}),
        clock=VirtualClock(),
        thresholds=book,
    )
    assert gate.evaluate(good_strategy, "acme")[0].threshold == 0.85
    book.put(ALL_CLIENTS, 0.995, {}, VirtualClock().now())
    rejected, _ = gate.evaluate(good_strategy, "acme")
    assert (rejected.threshold, rejected.approved) == (0.995, False)
    book.put("acme", 0.5, {}, VirtualClock().now())
    assert gate.evaluate(good_strategy, "acme")[0].approved
    assert not gate.evaluate(good_strategy, "zeta")[0].approved
