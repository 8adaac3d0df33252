from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import (
    RiskProfile,
    SimulationResult,
    _from_order_statistics,
    _independent_outcomes,
    _rank_table,
    exact_confidence,
    linear_coefficients,
    risk_profile,
    simulate,
    simulate_batch,
)
from kiki.synctwin.errors import CampaignRejectedError


def seed_algorithm(strategy: Strategy, baseline: Baseline, seed: int, n: int) -> dict[str, float]:
    """The seed's statistics, computed the obvious numpy way on the same draws."""
    factors = np.random.default_rng(seed).normal(1.0, 0.15, n)
    a, b = linear_coefficients(strategy, baseline)
    uplift = a * factors + b
    positive = uplift[uplift > 0]
    return {
        "confidence": positive.size / n,
        "projected": float(np.median(positive if positive.size else uplift)),
        "p10": float(np.percentile(uplift, 10)),
        "p90": float(np.percentile(uplift, 90)),
        "median_all": float(np.median(uplift)),
    }


def test_matches_the_seeds_statistics_exactly(good_strategy: Strategy, baseline: Baseline) -> None:
    result = simulate(good_strategy, baseline, seed=42)
    expected = seed_algorithm(good_strategy, baseline, 42, 10_000)
    assert result.confidence == expected["confidence"] == 0.9879
    assert result.projected_uplift == expected["projected"]
    assert result.p10_uplift == expected["p10"]
    assert result.p90_uplift == expected["p90"]
    assert result.median_all == expected["median_all"]
    assert result.to_dict() == {
        "confidence_score": 0.988,
        "risk_profile": "LOW",
        "projected_net_profit_uplift": 21006.02,
        "simulation_details": {
            "total_simulations": 10_000,
            "positive_outcomes": 9879,
            "median_uplift": 21006.02,
            "p10_uplift": 8979.02,
            "p90_uplift": 32710.29,
        },
        "approved": True,
        "threshold": 0.85,
        "seed": 42,
        "model": "seed",
        "variance": 0.15,
        "exact_confidence": 0.989136,
        "standard_error": 0.001093,
    }


def test_projected_uplift_is_the_median_of_all_outcomes_when_none_is_positive(
    losing_strategy: Strategy, baseline: Baseline
) -> None:
    result = simulate(losing_strategy, baseline, seed=3, simulations=1001)
    expected = seed_algorithm(losing_strategy, baseline, 3, 1001)
    assert result.positive_outcomes == 0
    assert result.projected_uplift == expected["projected"] == result.median_all
    assert result.risk_profile == RiskProfile.CRITICAL
    assert not result.approved


def test_same_seed_replays_bit_for_bit(good_strategy: Strategy, baseline: Baseline) -> None:
    first = simulate(good_strategy, baseline, seed=2**100 + 7, keep_samples=True)
    again = simulate(good_strategy, baseline, seed=2**100 + 7, keep_samples=True)
    assert first == again
    assert first.samples is not None
    assert again.samples is not None
    assert first.samples.tobytes() == again.samples.tobytes()
    assert simulate(good_strategy, baseline, seed=8) != first


def test_a_run_without_seed_records_the_one_it_drew(
    good_strategy: Strategy, baseline: Baseline
) -> None:
    drawn = simulate(good_strategy, baseline)
    assert drawn.seed > 0
    assert simulate(good_strategy, baseline, seed=drawn.seed) == drawn


def test_exact_confidence_is_the_normal_cdf_and_mc_agrees_within_noise(
    good_strategy: Strategy, baseline: Baseline
) -> None:
    a, b = linear_coefficients(good_strategy, baseline)
    assert (a, b) == (61_000.0, -40_000.0)
    z = (a + b) / (a * 0.15)
    assert exact_confidence(a, b, 0.15) == pytest.approx(0.5 * (1 + math.erf(z / math.sqrt(2))))
    result = simulate(good_strategy, baseline, seed=5, simulations=200_000)
    assert result.exact_confidence == pytest.approx(0.989136, abs=1e-6)
    assert result.exact_confidence is not None
    assert abs(result.confidence - result.exact_confidence) < 4 * result.standard_error
    assert result.standard_error == math.sqrt(result.confidence * (1 - result.confidence) / 200_000)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (0.0, 1.0, 1.0),  # flat and positive: always profitable
        (0.0, 0.0, 0.0),  # flat at zero: never strictly positive
        (0.0, -1.0, 0.0),
        (-100.0, 50.0, 0.5 * math.erfc(-((-50.0) / (100 * 0.15)) / math.sqrt(2))),
        (100.0, -100.0, 0.5),  # break-even at v = 1
        (-100.0, 100.0, 0.5),
    ],
)
def test_exact_confidence_handles_flat_and_falling_uplift(
    a: float, b: float, expected: float
) -> None:
    assert exact_confidence(a, b, 0.15) == pytest.approx(expected)


def test_falling_uplift_is_sorted_and_matches_the_seed(baseline: Baseline) -> None:
    # spend grows faster than revenue with v: a < 0, so the good scenarios are the low ones
    strategy = Strategy.from_dict({"audience_size": 1000, "cvr": 0.01, "daily_budget": "100"})
    result = simulate(strategy, baseline, seed=11, simulations=999, keep_samples=True)
    expected = seed_algorithm(strategy, baseline, 11, 999)
    assert result.samples is not None
    assert bool(np.all(np.diff(result.samples) >= 0))
    assert (result.p10_uplift, result.p90_uplift) == (expected["p10"], expected["p90"])
    assert result.confidence == expected["confidence"]


@pytest.mark.parametrize(
    ("confidence", "uplift", "profile"),
    [
        (0.901, 10_000.01, RiskProfile.LOW),
        (0.90, 10_000.01, RiskProfile.MEDIUM),  # 0.90 is not > 0.90
        (0.95, 10_000.0, RiskProfile.MEDIUM),  # 10 000 is not > 10 000
        (0.851, 5_000.01, RiskProfile.MEDIUM),
        (0.85, 50_000.0, RiskProfile.HIGH),
        (0.95, 5_000.0, RiskProfile.HIGH),
        (0.701, -1.0, RiskProfile.HIGH),
        (0.70, 1e9, RiskProfile.CRITICAL),
        (0.0, 0.0, RiskProfile.CRITICAL),
    ],
)
def test_risk_profile_boundaries_are_strict(confidence: float, uplift: float, profile: str) -> None:
    assert risk_profile(confidence, uplift) == profile


def test_threshold_is_strict_and_configurable(good_strategy: Strategy, baseline: Baseline) -> None:
    scored = simulate(good_strategy, baseline, seed=1, simulations=100)
    assert 0 < scored.confidence < 1
    at = simulate(good_strategy, baseline, seed=1, simulations=100, threshold=scored.confidence)
    below = simulate(
        good_strategy, baseline, seed=1, simulations=100, threshold=scored.confidence - 0.001
    )
    assert not at.approved
    assert below.approved


def test_exactly_085_is_rejected() -> None:
    # uplift = 97 000 (v - cut) with the cut between the 3rd and 4th smallest of 20 factors:
    # 17 of 20 scenarios positive, a confidence of exactly 0.85, which is not > 0.85
    factors = np.sort(np.random.default_rng(1).normal(1.0, 0.15, 20))
    cut = round(float(factors[2] + factors[3]) / 2, 2)
    assert factors[2] < cut < factors[3]
    strategy = Strategy.from_dict({"audience_size": 100_000, "cvr": 0.01, "daily_budget": "100"})
    baseline = Baseline.from_dict(
        {"avg_order_value": "100", "monthly_revenue": str(97_000 * cut), "monthly_ad_spend": "0"}
    )
    assert linear_coefficients(strategy, baseline)[0] == 97_000
    outcome = simulate(strategy, baseline, seed=1, simulations=20)
    assert outcome.positive_outcomes == 17
    assert outcome.confidence == 0.85
    assert not outcome.approved
    assert simulate(strategy, baseline, seed=1, simulations=20, threshold=0.849).approved


def test_rejection_message_is_the_seeds() -> None:
    result = SimulationResult(
        confidence=0.62,
        projected_uplift=-3200.0,
        total_simulations=10_000,
        positive_outcomes=6200,
        median_all=-3200.0,
        p10_uplift=-9000.0,
        p90_uplift=4000.0,
        risk_profile=RiskProfile.CRITICAL,
        approved=False,
        threshold=0.85,
        seed=1,
        variance=0.15,
        model="seed",
        exact_confidence=0.62,
        standard_error=0.004854,
    )
    assert str(CampaignRejectedError(result, "d1")) == (
        "SyncTwin simulation rejected this campaign. ConfidenceScore: 0.62, "
        "Projected Net Profit: $-3,200.00"
    )


def test_richer_model_keeps_the_means_and_has_no_closed_form(baseline: Baseline) -> None:
    strategy = Strategy.from_dict(
        {
            "audience_size": 50_000,
            "cvr": 0.02,
            "daily_budget": "800",
            "uncertainty": {"cvr": 0.2, "cost": 0.1, "aov": 0.15},
        }
    )
    result = simulate(strategy, baseline, seed=4, simulations=400_000, keep_samples=True)
    assert result.model == "independent"
    assert result.exact_confidence is None
    assert result.samples is not None
    # E[uplift] = 50 000 x 0.02 x 85 - 24 000 - 40 000 = 21 000; sd of the mean is about 10
    assert float(result.samples.mean()) == pytest.approx(21_000, abs=60)
    # independent factors no longer move revenue and spend together: a wider spread
    seed_model = simulate(
        Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"}),
        baseline,
        seed=4,
    )
    assert result.confidence < seed_model.confidence


def test_richer_model_with_no_spread_is_the_deterministic_uplift(baseline: Baseline) -> None:
    strategy = Strategy.from_dict({**_GOOD, "uncertainty": {}})
    result = simulate(strategy, baseline, seed=1, simulations=10)
    assert (result.p10_uplift, result.p90_uplift, result.confidence) == (21_000.0, 21_000.0, 1.0)


_GOOD = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"}


def test_batch_results_equal_single_runs_bit_for_bit(baseline: Baseline) -> None:
    strategies = [
        Strategy.from_dict(_GOOD),
        Strategy.from_dict({**_GOOD, "audience_size": 20_000}),  # losing
        Strategy.from_dict({"audience_size": 1000, "cvr": 0.01, "daily_budget": "100"}),  # a < 0
        Strategy.from_dict({"audience_size": 1000, "cvr": 0.3, "daily_budget": "850"}),  # a == 0
        Strategy.from_dict({**_GOOD, "uncertainty": {"cvr": 0.1}}),  # richer model
    ]
    assert linear_coefficients(strategies[3], baseline)[0] == 0
    batch = simulate_batch(strategies, [baseline] * 5, seed=77, simulations=5000)
    singles = [simulate(s, baseline, seed=77, simulations=5000) for s in strategies]
    assert batch == singles
    assert [r.seed for r in batch] == [77] * 5


def test_batch_spans_several_blocks(baseline: Baseline) -> None:
    strategies = [
        Strategy.from_dict({**_GOOD, "audience_size": 30_000 + 100 * i}) for i in range(300)
    ]
    batch = simulate_batch(strategies, [baseline] * 300, seed=5, simulations=500)
    assert batch[0] == simulate(strategies[0], baseline, seed=5, simulations=500)
    assert batch[299] == simulate(strategies[299], baseline, seed=5, simulations=500)
    confidences = [r.confidence for r in batch]
    assert confidences == sorted(confidences)  # a bigger audience never scores lower


def test_bad_run_parameters_are_named(good_strategy: Strategy, baseline: Baseline) -> None:
    with pytest.raises(InvalidInputError, match="simulations"):
        simulate(good_strategy, baseline, simulations=0)
    with pytest.raises(InvalidInputError, match="variance"):
        simulate(good_strategy, baseline, variance=float("nan"))
    with pytest.raises(InvalidInputError, match="seed"):
        simulate(good_strategy, baseline, seed=-1)
    with pytest.raises(InvalidInputError, match="threshold"):
        simulate(good_strategy, baseline, threshold=1.0)
    with pytest.raises(InvalidInputError, match="baselines"):
        simulate_batch([good_strategy], [])


money = st.decimals(min_value=1, max_value=1_000_000, places=2).map(str)


@settings(max_examples=60, deadline=None)
@given(
    audience=st.integers(1, 5_000_000),
    cvr=st.floats(1e-4, 1.0),
    budget=money,
    aov=money,
    revenue=money,
    spend=money,
    seed=st.integers(0, 2**64),
    n=st.integers(1, 3000),
)
def test_statistics_agree_with_numpy_for_any_valid_input(
    *, audience: int, cvr: float, budget: str, aov: str, revenue: str, spend: str, seed: int, n: int
) -> None:
    strategy = Strategy.from_dict({"audience_size": audience, "cvr": cvr, "daily_budget": budget})
    baseline = Baseline.from_dict(
        {"avg_order_value": aov, "monthly_revenue": revenue, "monthly_ad_spend": spend}
    )
    result = simulate(strategy, baseline, seed=seed, simulations=n)
    expected = seed_algorithm(strategy, baseline, seed, n)
    assert result.confidence == expected["confidence"]
    assert result.projected_uplift == expected["projected"]
    assert result.p10_uplift == expected["p10"]
    assert result.p90_uplift == expected["p90"]
    assert result.p10_uplift <= result.median_all <= result.p90_uplift
    assert result.approved == (result.confidence > 0.85)
    assert simulate_batch([strategy], [baseline], seed=seed, simulations=n) == [result]


def sorted_simulate(
    strategy: Strategy, baseline: Baseline, *, seed: int, simulations: int = 10_000
) -> SimulationResult:
    """The version before selection: sort every outcome, read the ranks from the sorted array
    (kept here so that selecting ranks is checked against it, bit for bit)."""
    rng = np.random.default_rng(seed)
    if strategy.uncertainty is None:
        a, b = linear_coefficients(strategy, baseline)
        outcomes = np.sort(rng.normal(1.0, 0.15, simulations)) * a + b
        outcomes = outcomes[::-1] if a < 0 else outcomes
        exact: float | None = exact_confidence(a, b, 0.15)
        model = "seed"
    else:
        outcomes = np.sort(_independent_outcomes(strategy, baseline, simulations, rng))
        exact, model = None, "independent"
    n = outcomes.shape[0]
    positives = int(n - np.searchsorted(outcomes, 0.0, side="right"))
    ranks = _rank_table(np.array([positives], dtype=np.intp), n)[0]
    return _from_order_statistics(
        outcomes[ranks],
        positives,
        n,
        threshold=0.85,
        seed=seed,
        variance=0.15,
        model=model,
        exact=exact,
    )


@pytest.mark.parametrize(
    "shape",
    [
        {"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"},  # rising, mostly positive
        {"audience_size": 20_000, "cvr": 0.02, "daily_budget": "800"},  # rising, all negative
        {"audience_size": 1_000, "cvr": 0.01, "daily_budget": "900"},  # falling uplift (a < 0)
        {"audience_size": 23_600, "cvr": 0.02, "daily_budget": "100"},  # straddles zero
        {
            "audience_size": 50_000,
            "cvr": 0.02,
            "daily_budget": "800",
            "uncertainty": {"cvr": 0.2, "cost": 0.1, "aov": 0.15},
        },
    ],
)
def test_selecting_ranks_equals_sorting_bit_for_bit_over_many_seeds(
    shape: dict[str, object], baseline: Baseline
) -> None:
    strategy = Strategy.from_dict(shape)
    for seed in range(200):
        for n in (1, 2, 9, 10_000):
            assert simulate(strategy, baseline, seed=seed, simulations=n) == sorted_simulate(
                strategy, baseline, seed=seed, simulations=n
            ), (seed, n)
