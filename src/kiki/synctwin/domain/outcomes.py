"""What the gate learns from: decisions with known outcomes, and shares with Wilson intervals.

A campaign is profitable when its actual net profit is > 0 micros (a campaign that broke even
exactly counts as not profitable, as in ``domain.backtest``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money

CONFIDENCE_LEVEL = 0.95
# The two-sided 95 % normal quantile, 1.959963984540054 (stdlib, so no scipy).
Z_95 = NormalDist().inv_cdf(1 - (1 - CONFIDENCE_LEVEL) / 2)


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """One gate decision whose real net profit is known (an approved campaign's, or a rejected
    one's shadow outcome). ``confidence`` is the unrounded share of positive scenarios."""

    confidence: float
    actual_net_profit: Money
    client_id: str = ""
    decision_id: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.confidence) and 0 <= self.confidence <= 1):
            raise InvalidInputError("confidence", "must be a finite number in [0, 1]")

    @property
    def profitable(self) -> bool:
        return self.actual_net_profit.micros > 0


@dataclass(frozen=True, slots=True)
class Proportion:
    """``count`` of ``total``, with its Wilson score interval; all None when ``total`` is 0."""

    count: int
    total: int
    low: float | None
    high: float | None

    @classmethod
    def of(cls, count: int, total: int, *, z: float = Z_95) -> Proportion:
        if not 0 <= count <= total:
            raise ValueError("a proportion needs 0 <= count <= total")
        if total == 0:
            return cls(count, total, None, None)
        low, high = wilson_interval(count, total, z=z)
        return cls(count, total, low, high)

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None

    def excludes(self, point: float) -> bool:
        """True when ``point`` lies outside the interval (never for an empty proportion)."""
        if self.low is None or self.high is None:
            return False
        return not self.low <= point <= self.high

    def describe(self) -> str:
        """``9.98 % (83/832) [8.13 %, 12.11 %]``: two decimals, so 9.98 % never reads as 10 %."""
        if self.value is None or self.low is None or self.high is None:
            return "n/a (no cases)"
        return f"{self.value:.2%} ({self.count}/{self.total}) [{self.low:.2%}, {self.high:.2%}]"

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "total": self.total,
            "rate": self.value,
            "low": self.low,
            "high": self.high,
        }


def wilson_interval(successes: int, trials: int, *, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a binomial share (Wilson 1927).

    Unlike the normal ("Wald") interval it stays inside [0, 1] and does not collapse to a point
    at 0 or n successes: 0 of 20 still gives an upper bound of z²/(n + z²) = 16.1 % at 95 %.
    The bounds are exactly 0 at 0 successes and exactly 1 at n.
    """
    if trials <= 0:
        raise ValueError("a Wilson interval needs at least one trial")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def minimum_trials(target: float, *, z: float = Z_95) -> int:
    """The fewest trials for which a perfect record (0 errors) has a Wilson upper bound under
    ``target``: below it no observed rate, not even 0 %, can show the rate is under target.

    The upper bound at 0 errors is z²/(n + z²), under t exactly when n > z²(1 - t)/t: at 95 %
    that is 73 for a 5 % target and 35 for a 10 % one.
    """
    if not 0 < target < 1:
        raise InvalidInputError("target", "must be in (0, 1)")
    # Start two below the closed form and step up with the interval's own arithmetic, so the
    # answer agrees with wilson_interval to the last float bit.
    n = max(1, math.floor(z * z * (1 - target) / target) - 1)
    while wilson_interval(0, n, z=z)[1] >= target:
        n += 1
    return n


def binomial_p_value(successes: int, trials: int, probability: float) -> float:
    """Two-sided exact binomial test of ``successes`` in ``trials`` against ``probability``:
    twice the smaller tail, at most 1 (the test dual to the Clopper-Pearson interval)."""
    if not 0 <= successes <= trials or trials < 1:
        raise ValueError("a binomial test needs 0 <= successes <= trials and trials >= 1")
    if not 0 < probability < 1:
        raise ValueError("a binomial test needs a probability in (0, 1)")
    log_p, log_q = math.log(probability), math.log1p(-probability)
    log_n = math.lgamma(trials + 1)

    def pmf(k: int) -> float:
        return math.exp(
            log_n
            - math.lgamma(k + 1)
            - math.lgamma(trials - k + 1)
            + k * log_p
            + (trials - k) * log_q
        )

    below = math.fsum(pmf(k) for k in range(successes + 1))
    above = math.fsum(pmf(k) for k in range(successes, trials + 1))
    return min(1.0, 2 * min(below, above))
