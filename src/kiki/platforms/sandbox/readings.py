"""Reports from hourly buckets: a campaign's figures over a span, and telemetry as platforms
give it (whole impressions and clicks, money in micros).

A bucket's figures are taken as spread evenly over the part of its hour the campaign was
accrued through (from its creation, up to its watermark). A span that cuts a bucket gets that
share of it: money rounded half up to the micro, counts kept as floats until the report
rounds its totals. Spans that start and end on hours, or at the watermark (``today`` without
a reporting delay), are therefore exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiki.core.money import Money
from kiki.platforms.sandbox.model import HOUR_US, Figures, HourStats, epoch_us
from kiki.platforms.sandbox.store import CampaignRecord
from kiki.platforms.telemetry import Telemetry, Totals


@dataclass(frozen=True, slots=True)
class Span:
    """[start, end) in microseconds since the epoch."""

    start_us: int
    end_us: int

    @property
    def first_hour(self) -> int:
        return self.start_us // HOUR_US

    @property
    def last_hour(self) -> int:
        return (self.end_us - 1) // HOUR_US


@dataclass(frozen=True, slots=True)
class ReportSpans:
    """The two spans of a reading: today (from 00:00 UTC) and the trailing window."""

    today: Span
    window: Span
    window_s: float
    as_of: datetime
    read_at: datetime

    @classmethod
    def of(cls, *, read_at: datetime, delay_s: float, window_s: float) -> ReportSpans:
        as_of = read_at - timedelta(seconds=delay_s)
        end_us = epoch_us(as_of)
        window_us = round(window_s * 1_000_000)
        day_start_us = end_us - end_us % (24 * HOUR_US)
        return cls(
            Span(day_start_us, end_us), Span(end_us - window_us, end_us), window_s, as_of, read_at
        )

    @property
    def first_hour(self) -> int:
        return min(self.today.first_hour, self.window.first_hour)

    @property
    def last_hour(self) -> int:
        return max(self.today.last_hour, self.window.last_hour)

    def telemetry(self, today: Figures, window: Figures) -> Telemetry:
        return Telemetry(totals(today), totals(window), self.window_s, self.as_of, self.read_at)


def span_figures(campaign: CampaignRecord, buckets: Iterable[HourStats], span: Span) -> Figures:
    """The campaign's figures over ``span``, its edge buckets prorated by time."""
    created_us, accrued_us = epoch_us(campaign.created_at), epoch_us(campaign.accrued_to)
    start_us, end_us = span.start_us, span.end_us
    # summed field by field in bucket order: the same numbers as adding Figures, faster
    spend = revenue = 0
    impressions = clicks = conversions = 0.0
    for bucket in buckets:
        hour_start_us = bucket.hour * HOUR_US
        covered_from = hour_start_us if hour_start_us > created_us else created_us
        hour_end_us = hour_start_us + HOUR_US
        covered_to = hour_end_us if hour_end_us < accrued_us else accrued_us
        overlap = min(covered_to, end_us) - max(covered_from, start_us)
        if overlap <= 0 or covered_to <= covered_from:
            continue
        f = _prorated(bucket.figures, overlap, covered_to - covered_from)
        spend += f.spend_micros
        impressions += f.impressions
        clicks += f.clicks
        conversions += f.conversions
        revenue += f.revenue_micros
    return Figures(spend, impressions, clicks, conversions, revenue)


def _prorated(figures: Figures, part: int, whole: int) -> Figures:
    if part >= whole:
        return figures
    ratio = part / whole
    return Figures(
        (2 * figures.spend_micros * part + whole) // (2 * whole),
        figures.impressions * ratio,
        figures.clicks * ratio,
        figures.conversions * ratio,
        (2 * figures.revenue_micros * part + whole) // (2 * whole),
    )


def totals(figures: Figures) -> Totals:
    """As a platform reports them: impressions and clicks rounded to whole numbers."""
    return Totals(
        spend=Money(figures.spend_micros),
        impressions=round(figures.impressions),
        clicks=round(figures.clicks),
        conversions=figures.conversions,
        revenue=Money(figures.revenue_micros),
    )
