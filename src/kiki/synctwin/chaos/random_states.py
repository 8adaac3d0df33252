"""Random campaign states for ``kiki chaos run --random N --seed S``: the scenarios over
economics that no live client happens to have, to measure the suite's pass rate.

Each state draws a budget ($20 to $2,000 a day), a market (CPM $2 to $30, CTR 0.3 to 5 %,
CVR 1 to 20 %), margins (gross 30 to 90 %, floor 0 to 20 % of it), an LTV that puts the CPA
between 30 % and 150 % of what the margins allow (so that some shocks cross break-even and
some do not), a bid (automatic, a target CPA or a max CPC around the allowed one), 3 to 28
days of history, and half the time an earlier budget to roll back to.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np

from kiki.campaigns.domain import (
    Bid,
    BidStrategy,
    CampaignChange,
    CampaignConfig,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    ChangeKind,
)
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import Figures
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.synctwin.chaos.copies import CampaignCopy, MarketRates

RANDOM_CLIENT = "chaos-random"


def random_copies(
    n: int, *, seed: int, thresholds: GuardianThresholds, day_start: datetime
) -> list[CampaignCopy]:
    rng = np.random.default_rng(seed)
    platforms = list(Platform)
    return [_one(i, rng, platforms[i % len(platforms)], thresholds, day_start) for i in range(n)]


def _one(
    i: int,
    rng: np.random.Generator,
    platform: Platform,
    thresholds: GuardianThresholds,
    day_start: datetime,
) -> CampaignCopy:
    budget = int(np.exp(rng.uniform(np.log(20), np.log(2000))) * 1e6)
    cpm = int(rng.uniform(2, 30) * 1e6)
    ctr, cvr = float(rng.uniform(0.003, 0.05)), float(rng.uniform(0.01, 0.2))
    gross = float(rng.uniform(0.3, 0.9))
    floor = float(rng.uniform(0, 0.2)) * gross
    cpa = cpm / (1000 * ctr * cvr)
    allowed = cpa / float(rng.uniform(0.3, 1.5))
    ltv = Money(max(1, round(allowed / (gross - floor))))
    kind = rng.choice(["auto", "auto", "cpa", "cpc"])
    bid = Bid.automatic()
    if kind == "cpa":
        bid = Bid(BidStrategy.TARGET_CPA, Money(round(allowed * rng.uniform(0.6, 1.4))))
    elif kind == "cpc":
        bid = Bid(BidStrategy.MAX_CPC, Money(max(1, round(allowed * cvr * rng.uniform(0.6, 1.4)))))
    days = int(rng.integers(3, 29))
    impressions = budget / cpm * 1000 * days
    clicks = impressions * ctr
    history = Figures(
        budget * days, impressions, clicks, clicks * cvr, round(clicks * cvr * ltv.micros)
    )
    ref = CampaignRef(RANDOM_CLIENT, platform, f"random-{i}")
    created = day_start - timedelta(days=days + 1)
    state = CampaignState(
        ref, f"random state {i}", CampaignStatus.ACTIVE, Money(budget), bid, created
    )
    changes: tuple[CampaignChange, ...] = ()
    if rng.random() < 0.5:
        earlier = CampaignConfig(CampaignStatus.ACTIVE, Money(max(1, int(budget * 0.8))), bid)
        now = CampaignConfig(CampaignStatus.ACTIVE, Money(budget), bid)
        changes = (
            CampaignChange(ref, created, ChangeKind.CREATED, "twin launch", None, earlier),
            CampaignChange(
                ref, day_start - timedelta(days=1), ChangeKind.BUDGET, "MANUAL", earlier, now
            ),
        )
    th = replace(thresholds, gross_margin=gross, margin_floor=floor)
    rates = MarketRates(cpm, ctr, cvr, ltv.micros)
    return CampaignCopy(RANDOM_CLIENT, state, rates, history, ltv, th, changes)
