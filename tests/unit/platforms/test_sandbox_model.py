"""The sandbox's market model: pacing, the bid landscape, shocks, noise and exact splits."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiki.campaigns.domain import Bid, BidStrategy
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.model import (
    Figures,
    HourStats,
    Market,
    accrue,
    expected_cac_micros,
    hour_of,
    win_share,
)
from kiki.platforms.sandbox.noise import lognormal_factor, unit_draw
from kiki.platforms.sandbox.ports import Factors

META = demo_accounts()[Platform.META]
MIDNIGHT = datetime(2026, 2, 3, tzinfo=UTC)
DAY = timedelta(days=1)


def total(buckets: list[HourStats]) -> Figures:
    summed = Figures()
    for bucket in buckets:
        summed += bucket.figures
    return summed


def bought(
    market: Market,
    start: datetime,
    end: datetime,
    *,
    budget_micros: int = 500_000_000,
    bid: Bid | None = None,
    campaign_id: str = "c1",
) -> Figures:
    return total(
        accrue(
            market,
            campaign_id,
            budget_micros=budget_micros,
            bid=bid or Bid.automatic(),
            start=start,
            end=end,
        )
    )


@given(st.integers(min_value=0, max_value=10**13))
def test_an_active_campaign_spends_exactly_its_daily_budget_over_a_day(budget_micros: int) -> None:
    spent = bought(Market(META), MIDNIGHT, MIDNIGHT + DAY, budget_micros=budget_micros)
    assert spent.spend_micros == budget_micros


def test_spend_is_paced_evenly_over_the_day() -> None:
    buckets = accrue(
        Market(META), "c1", budget_micros=480_000_000, bid=Bid(), start=MIDNIGHT, end=MIDNIGHT + DAY
    )
    assert [b.figures.spend_micros for b in buckets] == [20_000_000] * 24
    assert [b.hour for b in buckets] == list(range(hour_of(MIDNIGHT), hour_of(MIDNIGHT) + 24))


def test_a_runaway_spend_factor_overruns_the_budget_tenfold() -> None:
    runaway = Market(META, Factors(spend=10.0))
    assert bought(runaway, MIDNIGHT, MIDNIGHT + DAY).spend_micros == 5_000_000_000


def test_with_noise_off_an_hour_buys_exactly_the_expected_figures() -> None:
    nine = MIDNIGHT + timedelta(hours=9)
    figures = bought(Market(META), nine, nine + timedelta(hours=1))
    # $500/day: the cumulative to 10:00 ($208.333333) less the one to 09:00 ($187.50)
    assert figures.spend_micros == 208_333_333 - 187_500_000
    assert figures.impressions == pytest.approx(20_833_333 / 7_500)  # $7.50 CPM
    assert figures.clicks == pytest.approx(20_833_333 / 7_500 * 0.02)
    assert figures.conversions == pytest.approx(20_833_333 / 7_500 * 0.02 * 0.0025)
    assert figures.revenue_micros == pytest.approx(figures.conversions * 450_000_000, abs=1)
    assert figures.spend_micros / figures.conversions == pytest.approx(150_000_000)


def test_an_empty_or_reversed_interval_buys_nothing() -> None:
    assert (
        accrue(Market(META), "c1", budget_micros=1, bid=Bid(), start=MIDNIGHT, end=MIDNIGHT) == []
    )
    later = MIDNIGHT + timedelta(hours=1)
    assert accrue(Market(META), "c1", budget_micros=1, bid=Bid(), start=later, end=MIDNIGHT) == []


def test_automatic_bidding_wins_everything_and_a_bid_at_the_clearing_price_half() -> None:
    assert win_share(7_500_000, None) == 1.0
    assert win_share(7_500_000, 7_500_000) == 0.5
    assert win_share(7_500_000, 15_000_000) == pytest.approx(16 / 17)


@given(
    st.floats(min_value=1.0, max_value=1e9),
    st.floats(min_value=1.0, max_value=1e9),
    st.floats(min_value=1.0, max_value=1e9),
)
def test_the_share_won_never_falls_as_the_bid_rises(
    clearing: float, low: float, high: float
) -> None:
    low, high = sorted((low, high))
    assert 0.0 <= win_share(clearing, low) <= win_share(clearing, high) <= 1.0


def test_a_max_cpc_bid_worth_the_clearing_cpm_spends_half_the_pace() -> None:
    # $0.375 a click x 2 % CTR x 1000 = $7.50, Meta's CPM
    bid = Bid(BidStrategy.MAX_CPC, Money(375_000))
    assert bought(Market(META), MIDNIGHT, MIDNIGHT + DAY, bid=bid).spend_micros == 250_000_000


def test_a_target_cpa_at_the_model_cac_spends_half_and_a_higher_one_more() -> None:
    at_cac = Bid(BidStrategy.TARGET_CPA, Money(150_000_000))
    above = Bid(BidStrategy.TARGET_CPA, Money(300_000_000))
    assert bought(Market(META), MIDNIGHT, MIDNIGHT + DAY, bid=at_cac).spend_micros == 250_000_000
    assert bought(Market(META), MIDNIGHT, MIDNIGHT + DAY, bid=above).spend_micros == round(
        500_000_000 * 16 / 17
    )


def test_a_cpm_spike_raises_the_cac_in_proportion() -> None:
    spiked = bought(Market(META, Factors(cpm=1.4)), MIDNIGHT, MIDNIGHT + DAY)
    assert spiked.spend_micros == 500_000_000  # automatic bidding still spends the budget
    assert spiked.spend_micros / spiked.conversions == pytest.approx(210_000_000)
    assert expected_cac_micros(META, Factors(cpm=1.4)) == pytest.approx(210_000_000)


def test_a_cvr_crash_raises_the_cac_and_cuts_revenue() -> None:
    calm = bought(Market(META), MIDNIGHT, MIDNIGHT + DAY)
    crashed = bought(Market(META, Factors(cvr=0.7)), MIDNIGHT, MIDNIGHT + DAY)
    assert crashed.spend_micros / crashed.conversions == pytest.approx(150_000_000 / 0.7)
    assert crashed.revenue_micros == pytest.approx(calm.revenue_micros * 0.7, abs=2)
    assert crashed.clicks == pytest.approx(calm.clicks)


def test_a_cpm_spike_cuts_what_a_capped_bid_wins() -> None:
    bid = Bid(BidStrategy.MAX_CPC, Money(375_000))
    calm = bought(Market(META), MIDNIGHT, MIDNIGHT + DAY, bid=bid)
    spiked = bought(Market(META, Factors(cpm=1.4)), MIDNIGHT, MIDNIGHT + DAY, bid=bid)
    assert spiked.spend_micros < calm.spend_micros


def test_noise_replays_from_the_seed_and_changes_with_it() -> None:
    def week(seed: int) -> list[HourStats]:
        market = Market(META, seed=seed, noise=0.3)
        return accrue(
            market,
            "c1",
            budget_micros=500_000_000,
            bid=Bid(),
            start=MIDNIGHT,
            end=MIDNIGHT + 7 * DAY,
        )

    assert week(7) == week(7)
    assert week(7) != week(8)
    impressions = {round(b.figures.impressions, 6) for b in week(7)}
    assert len(impressions) == 7 * 24  # every hour draws afresh


def test_noise_keeps_the_budget_and_moves_the_cac() -> None:
    noisy = bought(Market(META, seed=3, noise=0.3), MIDNIGHT, MIDNIGHT + DAY)
    assert noisy.spend_micros == 500_000_000  # automatic bidding: noise is in the prices
    assert noisy.spend_micros / noisy.conversions != pytest.approx(150_000_000)


def test_the_noise_multiplier_has_mean_one_and_the_coefficient_of_variation_asked_for() -> None:
    draws = [lognormal_factor(0.3, 42, "c1", hour, "cpm") for hour in range(5000)]
    assert statistics.fmean(draws) == pytest.approx(1.0, abs=0.02)
    assert statistics.stdev(draws) == pytest.approx(0.3, abs=0.02)
    assert lognormal_factor(0.0, 42, "c1", 0, "cpm") == 1.0


def test_a_unit_draw_stays_strictly_inside_zero_and_one() -> None:
    draws = [unit_draw("k", i) for i in range(10_000)]
    assert min(draws) > 0.0
    assert max(draws) < 1.0
    assert statistics.fmean(draws) == pytest.approx(0.5, abs=0.02)


instants = st.integers(min_value=0, max_value=3 * 86_400 * 10**6).map(
    lambda us: MIDNIGHT + timedelta(microseconds=us)
)
bids = st.sampled_from(
    [Bid(), Bid(BidStrategy.MAX_CPC, Money(300_000)), Bid(BidStrategy.TARGET_CPA, Money(10**8))]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(instants, min_size=3, max_size=3),
    st.sampled_from([0.0, 0.3]),
    st.integers(min_value=0, max_value=10**12),
    bids,
    st.sampled_from([1.0, 0.37, 10.0]),
)
def test_accruing_in_one_step_or_two_gives_the_same_totals(
    moments: list[datetime], noise: float, budget_micros: int, bid: Bid, spend_factor: float
) -> None:
    t0, t1, t2 = sorted(moments)
    market = Market(META, Factors(cpm=1.3, spend=spend_factor), seed=11, noise=noise)
    whole = bought(market, t0, t2, budget_micros=budget_micros, bid=bid)
    split = bought(market, t0, t1, budget_micros=budget_micros, bid=bid) + bought(
        market, t1, t2, budget_micros=budget_micros, bid=bid
    )
    assert whole.spend_micros == split.spend_micros
    assert whole.revenue_micros == split.revenue_micros
    for a, b in [
        (whole.impressions, split.impressions),
        (whole.clicks, split.clicks),
        (whole.conversions, split.conversions),
    ]:
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
