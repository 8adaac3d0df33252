"""The seed's own test campaign, ``chaos_test_market_shock`` and its siblings: CPM $5.00 and
$100 a day, in economics where +50 % CPM crosses break-even.

CTR 1 % and CVR 10 % make a conversion cost $5.00; an LTV of $12 at a 50 % gross margin allows
$6.00; at CPM $7.50 it costs $7.50. Fourteen days at that pace bring 280 conversions, so the
favourable end of the evidence ($6.83) is past $6.00 too. The conversion-drop sibling had its
budget raised from $80 two days ago (its last known-good configuration); the outage sibling
bids a target CPA of $4.20, below what its economics allow, so that its controller has work.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

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
from kiki.synctwin.chaos.results import ChaosTest

SEED_CLIENT = "chaos-test"
BUDGET = Money(100_000_000)
EARLIER_BUDGET = Money(80_000_000)
CPM = Money(5_000_000)
CTR, CVR = 0.01, 0.10
LTV = Money(12_000_000)
GROSS_MARGIN = 0.5
HISTORY_DAYS = 14


def seed_copies(
    thresholds: GuardianThresholds, *, day_start: datetime
) -> dict[ChaosTest, CampaignCopy]:
    """One copy per test; ``thresholds`` are the live defaults, with the seed's margins."""
    th = replace(thresholds, gross_margin=GROSS_MARGIN, margin_floor=0.0)
    created = day_start - timedelta(days=HISTORY_DAYS + 1)
    impressions = BUDGET.micros / CPM.micros * 1000.0 * HISTORY_DAYS
    clicks = impressions * CTR
    history = Figures(
        BUDGET.micros * HISTORY_DAYS,
        impressions,
        clicks,
        clicks * CVR,
        round(clicks * CVR * LTV.micros),
    )
    rates = MarketRates(CPM.micros, CTR, CVR, LTV.micros)
    copies = {}
    for test in ChaosTest:
        bid = Bid.automatic()
        if test is ChaosTest.API_OUTAGE:
            bid = Bid(BidStrategy.TARGET_CPA, Money(4_200_000))
        ref = CampaignRef(SEED_CLIENT, Platform.META, f"chaos_test_{test.value}")
        state = CampaignState(
            ref, f"chaos test: {test.value}", CampaignStatus.ACTIVE, BUDGET, bid, created
        )
        changes: tuple[CampaignChange, ...] = ()
        if test is ChaosTest.CONVERSION_DROP:
            first = CampaignConfig(CampaignStatus.ACTIVE, EARLIER_BUDGET, bid)
            changes = (
                CampaignChange(ref, created, ChangeKind.CREATED, "twin launch", None, first),
                CampaignChange(
                    ref,
                    day_start - timedelta(days=2),
                    ChangeKind.BUDGET,
                    "MANUAL",
                    first,
                    CampaignConfig(CampaignStatus.ACTIVE, BUDGET, bid),
                ),
            )
        copies[test] = CampaignCopy(None, state, rates, history, LTV, th, changes)
    return copies
