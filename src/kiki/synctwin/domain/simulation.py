"""The pre-launch Monte Carlo: the seed's model (default) and a richer opt-in one, vectorised.

Seed model, per simulation i with v_i ~ Normal(1, variance):
    uplift_i = (audience x cvr x v_i x aov - monthly_revenue) - (daily_budget x 30 x v_i - spend)
             = a x v_i + b,  a = audience x cvr x aov - 30 x daily_budget,  b = spend - revenue.
Uplift is affine in v, so sorting v sorts every strategy's outcomes at once; that is what lets a
batch share one draw (common random numbers) and read each strategy's statistics by index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.inputs import DAYS_PER_MONTH, Baseline, Strategy

DEFAULT_THRESHOLD = 0.85
DEFAULT_SIMULATIONS = 10_000
DEFAULT_VARIANCE = 0.15
MAX_SIMULATIONS = 10_000_000
_BATCH_CHUNK = 128  # rows per block: 128 x 10 000 float64 = 10 MB, cache- and memory-friendly

Floats = npt.NDArray[np.float64]


class RiskProfile:
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


def risk_profile(confidence: float, projected_uplift: float) -> str:
    """The seed's rules, strict comparisons, first match wins."""
    if confidence > 0.90 and projected_uplift > 10_000:
        return RiskProfile.LOW
    if confidence > 0.85 and projected_uplift > 5_000:
        return RiskProfile.MEDIUM
    if confidence > 0.70:
        return RiskProfile.HIGH
    return RiskProfile.CRITICAL


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One verdict. Amounts are currency units (float64 statistics, not ledger money).

    ``confidence`` is unrounded: the decision and the risk profile use it, the output rounds it
    to 3 decimals as the seed does. ``seed`` replays the run exactly.
    """

    confidence: float
    projected_uplift: float
    total_simulations: int
    positive_outcomes: int
    median_all: float
    p10_uplift: float
    p90_uplift: float
    risk_profile: str
    approved: bool
    threshold: float
    seed: int
    variance: float
    model: str  # "seed" or "independent"
    exact_confidence: float | None
    standard_error: float
    samples: Floats | None = field(default=None, compare=False, repr=False)

    @property
    def within_noise(self) -> bool:
        """True when the threshold lies within two Monte Carlo standard errors."""
        return abs(self.confidence - self.threshold) <= 2 * self.standard_error

    def to_dict(self) -> dict[str, Any]:
        """The seed's result shape plus approved, seed, exact_confidence, standard_error."""
        uplift = round(self.projected_uplift, 2)
        return {
            "confidence_score": round(self.confidence, 3),
            "risk_profile": self.risk_profile,
            "projected_net_profit_uplift": uplift,
            "simulation_details": {
                "total_simulations": self.total_simulations,
                "positive_outcomes": self.positive_outcomes,
                "median_uplift": uplift,
                "p10_uplift": round(self.p10_uplift, 2),
                "p90_uplift": round(self.p90_uplift, 2),
            },
            "approved": self.approved,
            "threshold": self.threshold,
            "seed": self.seed,
            "model": self.model,
            "variance": self.variance,
            "exact_confidence": (
                None if self.exact_confidence is None else round(self.exact_confidence, 6)
            ),
            "standard_error": round(self.standard_error, 6),
        }


def new_seed() -> int:
    """Fresh OS entropy (128 bits), to be recorded with the result it drives."""
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)  # noqa: S101  # SeedSequence() without input draws an int
    return entropy


def linear_coefficients(strategy: Strategy, baseline: Baseline) -> tuple[float, float]:
    """(a, b) of the seed model's uplift = a x v + b, in currency units."""
    a = (
        strategy.audience_size * strategy.cvr * baseline.avg_order_value.to_units()
        - strategy.daily_budget.to_units() * DAYS_PER_MONTH
    )
    b = baseline.monthly_ad_spend.to_units() - baseline.monthly_revenue.to_units()
    return a, b


def exact_confidence(a: float, b: float, variance: float) -> float:
    """P(a x v + b > 0) for v ~ Normal(1, variance): Phi((a + b) / (|a| x variance))."""
    if a == 0:
        return 1.0 if b > 0 else 0.0
    z = (a + b) / (abs(a) * variance)
    return 0.5 * math.erfc(-z / math.sqrt(2))


def simulate(
    strategy: Strategy,
    baseline: Baseline,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    variance: float = DEFAULT_VARIANCE,
    seed: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    keep_samples: bool = False,
) -> SimulationResult:
    """Run ``simulations`` scenarios; pure apart from drawing a seed when none is given."""
    _check_run(simulations, variance, threshold)
    seed = new_seed() if seed is None else _check_seed(seed)
    rng = np.random.default_rng(seed)
    if strategy.uncertainty is None:
        a, b = linear_coefficients(strategy, baseline)
        # Element for element the same values as a x sorted(v) + b: only their order differs,
        # and the statistics read order statistics, which selection finds without a sort.
        outcomes: Floats = rng.normal(1.0, variance, simulations) * a + b
        exact: float | None = exact_confidence(a, b, variance)
        model = "seed"
    else:
        outcomes = _independent_outcomes(strategy, baseline, simulations, rng)
        exact = None
        model = "independent"
    if keep_samples:
        outcomes = np.sort(outcomes)  # the samples are handed out ascending
    return _result(
        outcomes,
        threshold=threshold,
        seed=seed,
        variance=variance,
        model=model,
        exact=exact,
        keep_samples=keep_samples,
    )


def simulate_batch(
    strategies: Sequence[Strategy],
    baselines: Sequence[Baseline],
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    variance: float = DEFAULT_VARIANCE,
    seed: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SimulationResult]:
    """Simulate strategy i against baseline i, all with the same ``seed``.

    Result i equals ``simulate(strategies[i], baselines[i], seed=seed, ...)`` bit for bit: the
    seed-model strategies share one sorted draw of factors and are evaluated as a matrix in
    blocks of rows; strategies on the richer model are simulated one by one.
    """
    if len(strategies) != len(baselines):
        raise InvalidInputError("baselines", "must hold one baseline per strategy")
    _check_run(simulations, variance, threshold)
    seed = new_seed() if seed is None else _check_seed(seed)
    results: list[SimulationResult | None] = [None] * len(strategies)
    linear = [i for i, s in enumerate(strategies) if s.uncertainty is None]
    if linear:
        factors = np.sort(np.random.default_rng(seed).normal(1.0, variance, simulations))
        coefficients = np.array(
            [linear_coefficients(strategies[i], baselines[i]) for i in linear], dtype=np.float64
        )
        for start in range(0, len(linear), _BATCH_CHUNK):
            block = coefficients[start : start + _BATCH_CHUNK]
            for offset, result in enumerate(
                _linear_block(block, factors, threshold=threshold, seed=seed, variance=variance)
            ):
                results[linear[start + offset]] = result
    for i, strategy in enumerate(strategies):
        if strategy.uncertainty is not None:
            results[i] = simulate(
                strategy,
                baselines[i],
                simulations=simulations,
                variance=variance,
                seed=seed,
                threshold=threshold,
            )
    return [r for r in results if r is not None]


# -- kernels -------------------------------------------------------------------------------


def _affine_sorted(a: float, b: float, sorted_factors: Floats) -> Floats:
    """a x v + b for ascending v, returned ascending (rounding is monotone, so no re-sort)."""
    outcomes: Floats = sorted_factors * a + b
    return outcomes[::-1] if a < 0 else outcomes


def _linear_block(
    coefficients: Floats, factors: Floats, *, threshold: float, seed: int, variance: float
) -> list[SimulationResult]:
    """Statistics of every row of the (rows x simulations) uplift matrix, vectorised."""
    n = factors.shape[0]
    a = coefficients[:, 0:1]
    b = coefficients[:, 1:2]
    matrix: Floats = factors[np.newaxis, :] * a + b
    positives = np.count_nonzero(matrix > 0, axis=1)
    # Column index of the k-th smallest outcome of each row: reversed where a < 0.
    descending = a[:, 0] < 0
    ranks = _rank_table(positives, n)
    columns = np.where(descending[:, np.newaxis], n - 1 - ranks, ranks)
    picked = np.take_along_axis(matrix, columns, axis=1)
    results = []
    for row, (a_i, b_i) in enumerate(coefficients):
        results.append(
            _from_order_statistics(
                picked[row],
                int(positives[row]),
                n,
                threshold=threshold,
                seed=seed,
                variance=variance,
                model="seed",
                exact=exact_confidence(float(a_i), float(b_i), variance),
            )
        )
    return results


def _independent_outcomes(
    strategy: Strategy, baseline: Baseline, n: int, rng: np.random.Generator
) -> Floats:
    """The richer model: independent beta CVR, lognormal cost multiplier, lognormal AOV."""
    u = strategy.uncertainty
    assert u is not None  # noqa: S101  # only called for strategies that carry one
    cvr = strategy.cvr
    if u.cvr > 0:
        var = (u.cvr * cvr) ** 2
        k = cvr * (1 - cvr) / var - 1
        cvrs: Floats | float = rng.beta(cvr * k, (1 - cvr) * k, n)
    else:
        cvrs = cvr
    aov = baseline.avg_order_value.to_units() * _lognormal_unit_mean(u.aov, n, rng)
    cost = strategy.daily_budget.to_units() * DAYS_PER_MONTH * _lognormal_unit_mean(u.cost, n, rng)
    base = baseline.monthly_ad_spend.to_units() - baseline.monthly_revenue.to_units()
    # full() first: with every spread at zero the terms are scalars, yet n outcomes are due
    outcomes: Floats = np.full(n, base, dtype=np.float64)
    outcomes += strategy.audience_size * cvrs * aov - cost
    return outcomes


def _lognormal_unit_mean(cv: float, n: int, rng: np.random.Generator) -> Floats | float:
    if cv == 0:
        return 1.0
    sigma = math.sqrt(math.log1p(cv * cv))
    draws: Floats = rng.lognormal(-sigma * sigma / 2, sigma, n)
    return draws


# -- statistics from sorted outcomes ---------------------------------------------------------

_Q10 = 0.1
_Q90 = 0.9


def _rank_table(positives: npt.NDArray[np.intp], n: int) -> npt.NDArray[np.intp]:
    """Per row, the ascending ranks needed: median-of-positives pair, overall median pair,
    and the floor/ceil neighbours of p10 and p90 (numpy's 'linear' percentile)."""
    p = positives.astype(np.intp)
    none = p == 0
    low = np.where(none, (n - 1) // 2, n - p + (p - 1) // 2)
    high = np.where(none, n // 2, n - p + p // 2)
    fixed = np.array(
        [(n - 1) // 2, n // 2, *_neighbours(_Q10, n), *_neighbours(_Q90, n)], dtype=np.intp
    )
    return np.column_stack([low, high, np.broadcast_to(fixed, (p.shape[0], fixed.shape[0]))])


def _neighbours(q: float, n: int) -> tuple[int, int]:
    below = math.floor((n - 1) * q)
    return below, min(below + 1, n - 1)


def _lerp(below: float, above: float, q: float, n: int) -> float:
    """numpy's linear interpolation, term for term, so results equal ``np.percentile``."""
    index = (n - 1) * q
    gamma = index - math.floor(index)
    diff = above - below
    return above - diff * (1 - gamma) if gamma >= 0.5 else below + diff * gamma


def _result(
    outcomes: Floats,
    *,
    threshold: float,
    seed: int,
    variance: float,
    model: str,
    exact: float | None,
    keep_samples: bool,
) -> SimulationResult:
    """``outcomes`` in any order (ascending when ``keep_samples``): the eight order statistics
    needed are selected by ``np.partition`` (linear time) rather than read from a full sort
    (n log n, and scalar speed on some CPUs); the k-th smallest value is the same either way."""
    n = outcomes.shape[0]
    positives = int(np.count_nonzero(outcomes > 0.0))
    ranks = _rank_table(np.array([positives], dtype=np.intp), n)[0]
    selected = outcomes if keep_samples else np.partition(outcomes, np.unique(ranks))
    picked = selected[ranks]
    return _from_order_statistics(
        picked,
        positives,
        n,
        threshold=threshold,
        seed=seed,
        variance=variance,
        model=model,
        exact=exact,
        samples=outcomes if keep_samples else None,
    )


def _from_order_statistics(
    picked: Floats,
    positives: int,
    n: int,
    *,
    threshold: float,
    seed: int,
    variance: float,
    model: str,
    exact: float | None,
    samples: Floats | None = None,
) -> SimulationResult:
    mid_low, mid_high, all_low, all_high, p10_low, p10_high, p90_low, p90_high = (
        float(x) for x in picked
    )
    confidence = positives / n
    projected = (mid_low + mid_high) / 2
    return SimulationResult(
        confidence=confidence,
        projected_uplift=projected,
        total_simulations=n,
        positive_outcomes=positives,
        median_all=(all_low + all_high) / 2,
        p10_uplift=_lerp(p10_low, p10_high, _Q10, n),
        p90_uplift=_lerp(p90_low, p90_high, _Q90, n),
        risk_profile=risk_profile(confidence, projected),
        approved=confidence > threshold,
        threshold=threshold,
        seed=seed,
        variance=variance,
        model=model,
        exact_confidence=exact,
        standard_error=math.sqrt(confidence * (1 - confidence) / n),
        samples=samples,
    )


def _check_run(simulations: int, variance: float, threshold: float) -> None:
    if isinstance(simulations, bool) or not isinstance(simulations, int):
        raise InvalidInputError("simulations", "must be an integer")
    if not 1 <= simulations <= MAX_SIMULATIONS:
        raise InvalidInputError("simulations", f"must be between 1 and {MAX_SIMULATIONS:,}")
    if not (math.isfinite(variance) and variance > 0):
        raise InvalidInputError("variance", "must be a positive finite number")
    if not 0 < threshold < 1:
        raise InvalidInputError("threshold", "must be in (0, 1)")


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInputError("seed", "must be a non-negative integer")
    return seed
