"""The mirror's rules against the sandbox's noisy market: how often a campaign that follows its
projection is rolled back (false alarms), and how soon a real shortfall is caught.

Each trial campaign buys in the sandbox's market model (``kiki.platforms.sandbox.model``: even
pacing, hourly log-normal noise on CPM, CTR and CVR, seeded per campaign and hour) for
``days``; its projection is the market's mean path, even-paced (scaled by ``1 / (1 -
shortfall)`` when the campaigns are to fall short): that is what "follows its projection" means
here. The mirror's rules judge its cumulative figures at every hour's end,
as the publisher would send them; the first ROLLED_BACK ends the trial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from kiki.campaigns.domain import Bid
from kiki.core.money import Money
from kiki.platforms.sandbox.model import Market, accrue
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.synctwin.domain.mirror import FloatArray, MirrorAction, MirrorRules, judge_many

START = datetime(2026, 2, 3, tzinfo=UTC)
HOUR_S = 3600.0
# The seed's campaign: $100 a day at a $5.00 CPM, CTR 1 %, CVR 10 %, $12 an order (20
# conversions, $240 of revenue a day).
SEED_SPEC = AccountSpec(Money(100_000_000), Money(5_000_000), 0.01, 0.10, Money(12_000_000))


@dataclass(frozen=True, slots=True)
class TrialReport:
    campaigns: int
    rolled_back: int
    delays_s: tuple[float, ...]  # time from launch to the rollback, of those rolled back
    alerted: int = 0  # campaigns that would have had an upside alert ("projection stale")

    @property
    def rate(self) -> float:
        return self.rolled_back / self.campaigns if self.campaigns else 0.0

    def delay_quantile(self, q: float) -> float | None:
        return float(np.quantile(self.delays_s, q)) if self.delays_s else None


def run_trials(
    rules: MirrorRules,
    *,
    campaigns: int,
    noise: float,
    shortfall: float = 0.0,
    days: int = 30,
    seed: int = 0,
    spec: AccountSpec = SEED_SPEC,
) -> TrialReport:
    end = START + timedelta(days=days)
    elapsed = np.arange(1, days * 24 + 1, dtype=np.float64) * HOUR_S
    market = Market(spec, seed=seed, noise=noise)
    paths = [_hourly(market, f"trial-{n}", spec, end) for n in range(campaigns)]
    # the projection a campaign follows: the market's mean path (the noise is log-normal with
    # mean 1 on CPM, CTR and CVR, so revenue per micro spent has a mean above the calm path's)
    mean_total = float(np.mean([revenue.sum() for _, _, revenue in paths]))
    projected = np.rint(mean_total / (1.0 - shortfall) * elapsed / (days * 86_400.0))
    delays = []
    alerted = 0
    for spend, conversions, revenue in paths:
        actions, _ = judge_many(
            rules,
            elapsed_s=elapsed,
            spend_micros=np.cumsum(spend),
            conversions=np.cumsum(conversions),
            revenue_micros=np.cumsum(revenue),
            projected_revenue_micros=projected,
        )
        hit = np.flatnonzero(actions == MirrorAction.ROLLED_BACK)
        if len(hit):
            delays.append(float(elapsed[hit[0]]))
        alerted += bool((actions == MirrorAction.ALERTED).any())
    return TrialReport(campaigns, len(delays), tuple(delays), alerted)


def _hourly(
    market: Market, campaign_id: str, spec: AccountSpec, end: datetime
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Spend, conversions and revenue of each hour from START to ``end``."""
    stats = accrue(
        market,
        campaign_id,
        budget_micros=spec.daily_budget.micros,
        bid=Bid.automatic(),
        start=START,
        end=end,
    )
    first = int(START.timestamp() // HOUR_S)
    hours = int((end - START).total_seconds() // HOUR_S)
    spend, conversions, revenue = np.zeros(hours), np.zeros(hours), np.zeros(hours)
    for s in stats:
        i = s.hour - first
        spend[i] = s.figures.spend_micros
        conversions[i] = s.figures.conversions
        revenue[i] = s.figures.revenue_micros
    return spend, conversions, revenue
