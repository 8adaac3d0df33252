"""Synthetic gate decisions whose true chance of profit is known, for tests and demos.

Confidences look like the gate's own: the seed model's exact confidence is Φ(score) for a
normal score, so c = Φ(z), z ~ Normal(centre, sharpness), stated as a share of 10 000
scenarios (k / 10 000, so equal confidences occur, as they do in the gate's records). Whether
the campaign turns out profitable is then drawn with the behaviour's true probability p(c):

- CALIBRATED: p = c, the confidence means what it says;
- OPTIMISTIC: p = c³, over-confident everywhere (stated 0.9, true 0.73): the gate believes its
  campaigns are better than they are;
- OVERCONFIDENT: p = 0.5 + 0.5 (c - 0.5), shrunk halfway toward a coin flip: too sure in both
  directions (stated 0.95, true 0.725; stated 0.05, true 0.275), right on average.

Profits are whole cents, lognormal: winners around +$5,000, losers around -$3,000. Everything
comes from one ``numpy.random.Generator`` seeded by ``seed``: the same call replays exactly.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from kiki.core.money import Money
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.outcomes import DecisionOutcome
from kiki.synctwin.domain.simulation import DEFAULT_THRESHOLD, risk_profile
from kiki.synctwin.ports import GateDecision, GateDecisionStore

SCENARIOS = 10_000
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday


class GateBehaviour(enum.Enum):
    CALIBRATED = "calibrated"
    OPTIMISTIC = "optimistic"
    OVERCONFIDENT = "overconfident"

    def true_probability(self, confidence: float) -> float:
        if self is GateBehaviour.OPTIMISTIC:
            return confidence**3
        if self is GateBehaviour.OVERCONFIDENT:
            return 0.5 + 0.5 * (confidence - 0.5)
        return confidence


def synthetic_outcomes(
    n: int,
    *,
    behaviour: GateBehaviour,
    seed: int,
    clients: Sequence[str] = ("acme",),
    centre: float = 0.5,
    sharpness: float = 6.0,
) -> list[DecisionOutcome]:
    """``n`` decisions with outcomes; client i of ``clients`` drawn uniformly for each."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(centre, sharpness, n)
    draws = rng.random(n)
    sizes = rng.lognormal(0.0, 0.8, n)
    who = rng.integers(0, len(clients), n)
    outcomes = []
    for i in range(n):
        confidence = round(_phi(float(scores[i])) * SCENARIOS) / SCENARIOS
        profitable = float(draws[i]) < behaviour.true_probability(confidence)
        cents = round((5_000 if profitable else 3_000) * float(sizes[i]) * 100)
        cents = max(cents, 1)  # a winner made at least a cent; a loser lost at least one
        outcomes.append(
            DecisionOutcome(
                confidence=confidence,
                actual_net_profit=Money(cents * 10_000 if profitable else -cents * 10_000),
                client_id=clients[int(who[i])],
                decision_id=f"syn-{seed}-{i}",
            )
        )
    return outcomes


def synthetic_decisions(
    n: int,
    *,
    behaviour: GateBehaviour,
    seed: int,
    clients: Sequence[str] = ("acme",),
    threshold: float = DEFAULT_THRESHOLD,
    start: datetime = START,
    every: timedelta = timedelta(hours=6),
    awaiting_share: float = 0.0,
) -> list[GateDecision]:
    """The same outcomes as ``synthetic_outcomes`` as recorded gate decisions, one per ``every``
    from ``start``, approved iff confidence > ``threshold``; a share ``awaiting_share`` (drawn
    from a second generator, so the outcomes stay those of the seed) has no outcome yet.

    The projected uplift is illustrative, $5,000 x (2c - 1): the seed's risk rules need one.
    """
    outcomes = synthetic_outcomes(n, behaviour=behaviour, seed=seed, clients=clients)
    waiting = np.random.default_rng([seed, 1]).random(n) < awaiting_share
    strategy = Strategy.from_dict({"audience_size": 50_000, "cvr": 0.02, "daily_budget": "800"})
    baseline = Baseline.from_dict(
        {"avg_order_value": "85", "monthly_revenue": "60000", "monthly_ad_spend": "20000"}
    )
    decisions = []
    for i, o in enumerate(outcomes):
        projected = round(5_000 * (2 * o.confidence - 1), 2)
        approved = o.confidence > threshold
        decisions.append(
            GateDecision(
                decision_id=o.decision_id,
                client_id=o.client_id,
                at=start + i * every,
                strategy=strategy,
                baseline=baseline,
                approved=approved,
                confidence=o.confidence,
                seed=seed,
                result={
                    "confidence_score": round(o.confidence, 3),
                    "risk_profile": risk_profile(o.confidence, projected),
                    "projected_net_profit_uplift": projected,
                    "approved": approved,
                    "threshold": threshold,
                },
                campaign_id=f"cmp-{o.decision_id}" if approved else None,
                actual_net_profit=None if waiting[i] else o.actual_net_profit,
            )
        )
    return decisions


def record_decisions(decisions: Sequence[GateDecision], *, store: GateDecisionStore) -> int:
    """Keep ``decisions`` in ``store`` as the gate and ``kiki twin outcomes`` would have: the
    decision, then its outcome (if any) at the decision's instant. Returns how many."""
    for d in decisions:
        store.record(replace(d, actual_net_profit=None))
        if d.actual_net_profit is not None:
            store.record_outcome(d.decision_id, d.actual_net_profit, at=d.at)
    return len(decisions)


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))
