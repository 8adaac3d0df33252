"""The sandbox's market model: what an active campaign buys, hour by hour, for its budget and bid.

Pure: numbers in, hourly figures out; no clock, no I/O, no global random state.

Per UTC hour ``h`` of campaign ``c`` in an account's market:

- noise: three log-normal multipliers with mean 1 and coefficient of variation ``noise``
  (1.0 when it is 0), drawn from a hash of (seed, c, h, name): on CPM, CTR and CVR;
- clearing CPM = base CPM x cpm factor x CPM noise; CTR = base CTR x CTR noise;
  CVR = base CVR x cvr factor x CVR noise (rates capped at 1);
- the bid's effective CPM: AUTOMATIC none (it wins every impression its pace can pay for);
  MAX_CPC m bids m x CTR x 1000; TARGET_CPA t bids t x CTR x CVR x 1000;
- share won = 1 / (1 + (clearing / bid)**4): a log-logistic win curve, the shape bid-landscape
  studies fit to auction win rates; half the impressions at the clearing price, 94 % at twice it;
- spend rate = budget / day x spend factor x share (10 = runaway: it overruns the budget);
- impressions = spend / clearing CPM x 1000; clicks = impressions x CTR;
  conversions = clicks x CVR; revenue = conversions x order value.

Rounding, so that splitting an interval never changes a total: within hour ``h`` spend is the
difference of a cumulative ``S(x) = round_half_up(k x budget x (x - day start) / day)`` taken
in exact integer arithmetic (``k`` = spend factor x share, converted exactly from its float),
and revenue the difference of ``round_half_up(r x S(x))`` with ``r`` = revenue per micro spent.
Both telescope: accruing [t0, t2) gives the micros of [t0, t1) plus [t1, t2). With noise off
the rate is constant all day, so a full day spends exactly budget x spend factor x share.
Impressions, clicks and conversions are floats proportional to the spend of their interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kiki.campaigns.domain import Bid, BidStrategy
from kiki.platforms.sandbox.noise import lognormal_factor
from kiki.platforms.sandbox.ports import AccountSpec, Factors

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US
SHARE_STEEPNESS = 4.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Market:
    """An ad account's market: its spec, the shocks in effect and its noise."""

    spec: AccountSpec
    factors: Factors = field(default_factory=Factors)
    seed: int = 0
    noise: float = 0.0  # coefficient of variation of the hourly multipliers; 0 = off


@dataclass(frozen=True, slots=True)
class Figures:
    """What a campaign bought over some interval; money in micros, counts as floats."""

    spend_micros: int = 0
    impressions: float = 0.0
    clicks: float = 0.0
    conversions: float = 0.0
    revenue_micros: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.spend_micros + other.spend_micros,
            self.impressions + other.impressions,
            self.clicks + other.clicks,
            self.conversions + other.conversions,
            self.revenue_micros + other.revenue_micros,
        )

    @classmethod
    def total(cls, figures: Iterable[Figures]) -> Figures:
        summed = cls()
        for item in figures:
            summed += item
        return summed


@dataclass(frozen=True, slots=True)
class HourStats:
    """One hourly bucket: ``hour`` counts whole hours since 1970-01-01T00:00Z."""

    hour: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class HourRates:
    """The market one campaign meets during one hour."""

    clearing_cpm_micros: float
    ctr: float
    cvr: float
    share: float


def epoch_us(moment: datetime) -> int:
    """Whole microseconds since the epoch, exactly (``moment`` must be timezone-aware)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def hour_of(moment: datetime) -> int:
    return epoch_us(moment) // HOUR_US


def win_share(clearing_cpm_micros: float, bid_cpm_micros: float | None) -> float:
    """The share of impressions a bid wins against the clearing price; 1.0 for AUTOMATIC."""
    if bid_cpm_micros is None:
        return 1.0
    return 1.0 / (1.0 + math.pow(clearing_cpm_micros / bid_cpm_micros, SHARE_STEEPNESS))


def bid_cpm_micros(bid: Bid, *, ctr: float, cvr: float) -> float | None:
    """The CPM a bid is worth at these rates; None for AUTOMATIC bidding."""
    if bid.strategy is BidStrategy.AUTOMATIC or bid.amount is None:
        return None
    if bid.strategy is BidStrategy.MAX_CPC:
        return bid.amount.micros * ctr * 1000.0
    return bid.amount.micros * ctr * cvr * 1000.0


def hour_rates(market: Market, campaign_id: str, bid: Bid, hour: int) -> HourRates:
    key = (market.seed, campaign_id, hour)
    spec, factors = market.spec, market.factors
    clearing = spec.cpm.micros * factors.cpm * lognormal_factor(market.noise, *key, "cpm")
    ctr = min(1.0, spec.ctr * lognormal_factor(market.noise, *key, "ctr"))
    cvr = min(1.0, spec.cvr * factors.cvr * lognormal_factor(market.noise, *key, "cvr"))
    share = win_share(clearing, bid_cpm_micros(bid, ctr=ctr, cvr=cvr))
    return HourRates(clearing, ctr, cvr, share)


def accrue(
    market: Market,
    campaign_id: str,
    *,
    budget_micros: int,
    bid: Bid,
    start: datetime,
    end: datetime,
) -> list[HourStats]:
    """What an ACTIVE campaign buys over [start, end), one bucket per UTC hour it touches.

    Hours where it buys nothing are left out; an empty or reversed interval buys nothing.
    """
    start_us, end_us = epoch_us(start), epoch_us(end)
    buckets: list[HourStats] = []
    while start_us < end_us:
        hour = start_us // HOUR_US
        stop_us = min(end_us, (hour + 1) * HOUR_US)
        rates = hour_rates(market, campaign_id, bid, hour)
        figures = _buy(market, rates, budget_micros, start_us, stop_us)
        if figures.spend_micros > 0:
            buckets.append(HourStats(hour, figures))
        start_us = stop_us
    return buckets


def _buy(market: Market, rates: HourRates, budget_micros: int, a_us: int, b_us: int) -> Figures:
    """Figures over [a, b), both inside one hour, as differences of day-anchored cumulatives."""
    day_us = a_us - a_us % DAY_US
    pace_num, pace_den = (market.factors.spend * rates.share).as_integer_ratio()

    def spent(x_us: int) -> int:
        return _round_half_up(pace_num * budget_micros * (x_us - day_us), pace_den * DAY_US)

    revenue_per_micro = (
        1000.0 / rates.clearing_cpm_micros * rates.ctr * rates.cvr * market.spec.order_value.micros
    )
    rev_num, rev_den = revenue_per_micro.as_integer_ratio()
    spent_a, spent_b = spent(a_us), spent(b_us)
    spend = spent_b - spent_a
    revenue = _round_half_up(rev_num * spent_b, rev_den) - _round_half_up(
        rev_num * spent_a, rev_den
    )
    impressions = spend * 1000.0 / rates.clearing_cpm_micros
    clicks = impressions * rates.ctr
    return Figures(spend, impressions, clicks, clicks * rates.cvr, revenue)


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, halves up; monotone in the numerator."""
    return (2 * numerator + denominator) // (2 * denominator)


def expected_cac_micros(spec: AccountSpec, factors: Factors) -> float:
    """The model's CAC with noise off and automatic bidding: CPM / (1000 x CTR x CVR)."""
    return spec.cpm.micros * factors.cpm / (1000.0 * spec.ctr * min(1.0, spec.cvr * factors.cvr))
