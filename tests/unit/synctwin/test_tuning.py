"""Threshold tuning: the sweep against a brute force, refusals, tie-breaks and exact money."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.calibration import calibrate
from kiki.synctwin.domain.outcomes import DecisionOutcome
from kiki.synctwin.domain.tuning import Refusal, evaluate_threshold, sweep, tune
from kiki.synctwin.testing import GateBehaviour, synthetic_outcomes


@dataclass(frozen=True)
class Row:
    threshold: float
    fn: int
    fp: int
    tn: int
    tp: int
    protected_micros: int
    forgone_micros: int


def brute_force(
    outcomes: Sequence[DecisionOutcome], current: float
) -> tuple[list[Row], Row | None]:
    """Written from the rule alone: approve iff confidence > t, for every recorded t in (0, 1)."""
    rows = []
    for t in sorted({o.confidence for o in outcomes if 0 < o.confidence < 1}):
        rejected = [o for o in outcomes if o.confidence <= t]
        approved = [o for o in outcomes if o.confidence > t]
        rows.append(
            Row(
                threshold=t,
                fn=len([o for o in rejected if o.actual_net_profit.micros > 0]),
                fp=len([o for o in approved if o.actual_net_profit.micros <= 0]),
                tn=len([o for o in rejected if o.actual_net_profit.micros <= 0]),
                tp=len([o for o in approved if o.actual_net_profit.micros > 0]),
                protected_micros=sum(
                    -o.actual_net_profit.micros for o in rejected if o.actual_net_profit.micros <= 0
                ),
                forgone_micros=sum(
                    o.actual_net_profit.micros for o in rejected if o.actual_net_profit.micros > 0
                ),
            )
        )
    meeting = [r for r in rows if r.fn / (r.fn + r.tp) < 0.05 and r.fp / (r.fp + r.tn) < 0.10]
    if not meeting:
        return rows, None
    best_net = max(r.protected_micros - r.forgone_micros for r in meeting)
    best = [r for r in meeting if r.protected_micros - r.forgone_micros == best_net]
    nearest = min(abs(r.threshold - current) for r in best)
    nearest_rows = [r for r in best if abs(r.threshold - current) == nearest]
    return rows, max(nearest_rows, key=lambda r: r.threshold)


@pytest.mark.parametrize(
    ("behaviour", "n", "seed"),
    [
        (GateBehaviour.CALIBRATED, 600, 21),
        (GateBehaviour.CALIBRATED, 1_500, 22),
        (GateBehaviour.OPTIMISTIC, 800, 4),
        (GateBehaviour.OPTIMISTIC, 1_500, 5),
    ],
)
def test_recovers_the_brute_force_threshold_and_every_row(
    behaviour: GateBehaviour, n: int, seed: int
) -> None:
    outcomes = synthetic_outcomes(n, behaviour=behaviour, seed=seed, clients=("a", "b"))
    rows, best = brute_force(outcomes, current=0.85)
    tuning = tune(outcomes, current=0.85)
    assert [
        Row(
            c.threshold,
            c.confusion.fn,
            c.confusion.fp,
            c.confusion.tn,
            c.confusion.tp,
            c.protected.micros,
            c.forgone.micros,
        )
        for c in tuning.candidates
    ] == rows
    assert best is not None
    assert tuning.recommended is not None
    assert tuning.recommended.threshold == best.threshold
    assert tuning.refusals == ()
    assert tuning.recommended.meets_targets


def test_a_calibrated_gate_at_the_seeds_bar_is_told_to_lower_it() -> None:
    outcomes = synthetic_outcomes(1_500, behaviour=GateBehaviour.CALIBRATED, seed=22)
    tuning = tune(outcomes, current=0.85)
    assert tuning.current.false_negative_rate.value is not None
    assert tuning.current.false_negative_rate.value > 0.05
    assert tuning.recommended is not None
    assert tuning.recommended.threshold < 0.85
    # an optimistic gate needs a higher bar than a calibrated one for the same targets
    optimistic = tune(
        synthetic_outcomes(1_500, behaviour=GateBehaviour.OPTIMISTIC, seed=22), current=0.85
    )
    assert optimistic.recommended is not None
    assert optimistic.recommended.threshold > tuning.recommended.threshold


def test_a_sweep_candidate_rejects_the_decisions_at_its_own_confidence() -> None:
    outcomes = synthetic_outcomes(400, behaviour=GateBehaviour.CALIBRATED, seed=2)
    for candidate in sweep(outcomes)[::17]:
        assert evaluate_threshold(outcomes, candidate.threshold) == candidate
    cuts = sorted({o.confidence for o in outcomes})
    below = max(c for c in cuts if c <= 0.85)
    between = evaluate_threshold(outcomes, 0.85)
    assert between.confusion == evaluate_threshold(outcomes, below).confusion
    assert between.threshold == 0.85


def test_zero_and_one_are_not_thresholds() -> None:
    outcomes = [DecisionOutcome(c, Money(1)) for c in (0.0, 0.4, 0.4, 1.0)]
    assert [c.threshold for c in sweep(outcomes)] == [0.4]
    [only] = sweep(outcomes)
    assert (only.confusion.fn, only.confusion.tp) == (3, 1)  # 0.0 and both 0.4 rejected


def separable(profitable: int, losing: int) -> list[DecisionOutcome]:
    return [DecisionOutcome(0.95, Money(2_000_000)) for _ in range(profitable)] + [
        DecisionOutcome(0.05, Money(-1_000_000)) for _ in range(losing)
    ]


def test_refuses_below_the_minimum_of_each_class_and_says_why() -> None:
    assert tune(separable(73, 35), current=0.85).recommended is not None
    short = tune(separable(72, 35), current=0.85)
    assert short.recommended is None
    assert short.refusals == (Refusal.TOO_FEW_PROFITABLE,)
    assert "72 profitable outcomes, 73 needed" in short.explain()
    assert tune(separable(73, 34), current=0.85).refusals == (Refusal.TOO_FEW_LOSING,)
    both = tune(separable(20, 10), current=0.85)
    assert both.refusals == (Refusal.TOO_FEW_PROFITABLE, Refusal.TOO_FEW_LOSING)
    assert both.candidates  # the sweep is still shown
    # a perfect record on 20 profitable outcomes proves little: FN could be 16 %
    perfect = both.candidates[0]
    assert perfect.false_negative_rate.value == 0.0
    assert perfect.false_negative_rate.high is not None
    assert perfect.false_negative_rate.high > 0.16


def test_a_gate_that_does_not_separate_winners_from_losers_gets_no_threshold() -> None:
    outcomes = synthetic_outcomes(2_000, behaviour=GateBehaviour.OVERCONFIDENT, seed=1)
    tuning = tune(outcomes, current=0.85)
    assert tuning.recommended is None
    assert tuning.refusals == (Refusal.NO_THRESHOLD_MEETS_TARGETS,)
    assert "does not separate winners from losers" in tuning.explain()


def tie(current: float) -> float | None:
    outcomes = [
        *[DecisionOutcome(0.99, Money(1_000)) for _ in range(100)],
        *[DecisionOutcome(0.25, Money(-1_000)) for _ in range(60)],
        DecisionOutcome(0.5, Money(500)),
        DecisionOutcome(0.75, Money(-500)),
    ]
    recommended = tune(outcomes, current=current).recommended
    return None if recommended is None else recommended.threshold


def test_equal_net_profit_goes_to_the_nearest_threshold_then_the_higher() -> None:
    # 0.25 and 0.75 both protect 60 000 micros net; 0.5 forgoes 500 more
    assert tie(0.3) == 0.25
    assert tie(0.85) == 0.75
    assert tie(0.5) == 0.75  # equally near: the higher, the seed's side


def test_money_is_summed_exactly_in_integer_micros() -> None:
    big = 2**53
    outcomes = [
        DecisionOutcome(0.3, Money(big)),
        DecisionOutcome(0.3, Money(1)),
        DecisionOutcome(0.3, Money(1)),
        DecisionOutcome(0.3, Money(-big)),
        DecisionOutcome(0.3, Money(-1)),
        DecisionOutcome(1.0, Money(5)),  # never rejected
    ]
    [candidate] = sweep(outcomes)
    assert candidate.forgone == Money(big + 2)
    assert candidate.protected == Money(big + 1)
    assert candidate.net == Money(-1)
    assert float(big) + 1.0 + 1.0 != big + 2  # what a float sum would have lost
    assert evaluate_threshold(outcomes, 0.3) == candidate


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("current", {"current": 1.0}), ("fn_target", {"current": 0.8, "fn_target": 0.0})],
)
def test_bad_thresholds_and_targets_name_the_field(field: str, kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInputError, match=field):
        tune([], **kwargs)


def test_replays_for_a_seed() -> None:
    def run() -> object:
        outcomes = synthetic_outcomes(700, behaviour=GateBehaviour.OPTIMISTIC, seed=77)
        return tune(outcomes, current=0.85)

    assert run() == run()


def test_the_json_shape_holds_the_sweep_and_the_reasons() -> None:
    body = tune(separable(20, 10), current=0.85).to_dict()
    assert body["refusals"] == ["TOO_FEW_PROFITABLE", "TOO_FEW_LOSING"]
    assert body["recommended"] is None
    assert body["minimum"] == {"profitable": 73, "losing": 35}
    assert body["current"]["threshold"] == 0.85  # type: ignore[index]
    candidate, everything_rejected = body["candidates"]  # type: ignore[misc]
    assert everything_rejected["threshold"] == 0.95
    assert candidate["threshold"] == 0.05
    assert candidate["net_micros"] == 10_000_000
    assert candidate["false_negative_rate"]["rate"] == 0.0


def test_the_explanation_warns_when_the_confidence_is_not_a_probability() -> None:
    optimistic = synthetic_outcomes(1_500, behaviour=GateBehaviour.OPTIMISTIC, seed=5)
    tuning = tune(optimistic, current=0.85)
    assert tuning.recommended is not None
    warned = tuning.explain(calibrate(optimistic))
    assert warned.startswith(tuning.explain())
    assert "the confidence is miscalibrated" in warned
    assert "not as a probability of profit" in warned
    shrunk = synthetic_outcomes(2_000, behaviour=GateBehaviour.OVERCONFIDENT, seed=1)
    refused = tune(shrunk, current=0.85).explain(calibrate(shrunk))
    assert refused.startswith("no recommendation: no threshold keeps FN < 5% and FP < 10%")
    assert "miscalibrated" in refused
    calibrated = synthetic_outcomes(1_500, behaviour=GateBehaviour.CALIBRATED, seed=22)
    plain = tune(calibrated, current=0.85)
    assert plain.explain(calibrate(calibrated)) == plain.explain()
