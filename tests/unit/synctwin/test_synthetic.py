"""The synthetic gates: seeded, replayable, and their outcomes follow the stated probability."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiki.synctwin.testing import (
    START,
    GateBehaviour,
    synthetic_decisions,
    synthetic_outcomes,
)


@pytest.mark.parametrize("behaviour", list(GateBehaviour))
def test_a_seed_replays_the_same_outcomes_and_another_does_not(behaviour: GateBehaviour) -> None:
    first = synthetic_outcomes(300, behaviour=behaviour, seed=11, clients=("a", "b"))
    assert synthetic_outcomes(300, behaviour=behaviour, seed=11, clients=("a", "b")) == first
    assert synthetic_outcomes(300, behaviour=behaviour, seed=12, clients=("a", "b")) != first


def test_the_true_probabilities_are_as_documented() -> None:
    assert GateBehaviour.CALIBRATED.true_probability(0.9) == 0.9
    assert GateBehaviour.OPTIMISTIC.true_probability(0.9) == pytest.approx(0.729)
    assert GateBehaviour.OVERCONFIDENT.true_probability(0.95) == pytest.approx(0.725)
    assert GateBehaviour.OVERCONFIDENT.true_probability(0.05) == pytest.approx(0.275)


def test_confidences_are_shares_of_ten_thousand_scenarios_and_money_whole_cents() -> None:
    outcomes = synthetic_outcomes(500, behaviour=GateBehaviour.CALIBRATED, seed=3)
    for o in outcomes:
        assert round(o.confidence * 10_000) / 10_000 == o.confidence
        assert o.actual_net_profit.micros % 10_000 == 0
        assert o.actual_net_profit.micros != 0
    assert len({o.confidence for o in outcomes}) < len(outcomes)  # ties, as in real records


def test_a_calibrated_gate_wins_as_often_as_it_says_on_average() -> None:
    outcomes = synthetic_outcomes(4_000, behaviour=GateBehaviour.CALIBRATED, seed=5)
    stated = sum(o.confidence for o in outcomes) / len(outcomes)
    observed = sum(o.profitable for o in outcomes) / len(outcomes)
    assert abs(stated - observed) < 0.02
    optimistic = synthetic_outcomes(4_000, behaviour=GateBehaviour.OPTIMISTIC, seed=5)
    assert sum(o.profitable for o in optimistic) / len(optimistic) < observed - 0.05


def test_decisions_carry_the_outcomes_the_gate_rule_and_a_schedule() -> None:
    decisions = synthetic_decisions(
        200, behaviour=GateBehaviour.CALIBRATED, seed=9, awaiting_share=0.25
    )
    outcomes = synthetic_outcomes(200, behaviour=GateBehaviour.CALIBRATED, seed=9)
    assert [d.confidence for d in decisions] == [o.confidence for o in outcomes]
    assert all(d.approved == (d.confidence > 0.85) for d in decisions)
    assert all((d.campaign_id is not None) == d.approved for d in decisions)
    assert decisions[3].at == START + 3 * timedelta(hours=6)
    waiting = [d for d in decisions if d.actual_net_profit is None]
    assert 25 < len(waiting) < 75
    kept = [d for d in decisions if d.actual_net_profit is not None]
    by_id = {o.decision_id: o.actual_net_profit for o in outcomes}
    assert all(d.actual_net_profit == by_id[d.decision_id] for d in kept)
    assert (
        synthetic_decisions(200, behaviour=GateBehaviour.CALIBRATED, seed=9, awaiting_share=0.25)
        == decisions
    )
