"""Telemetry from hourly report rows, the same way for every platform.

Each platform reports per campaign and per hour of the account's day. ``today`` is the sum of
the hours since the account's midnight; the trailing window takes the hours it overlaps, the
one it cuts at its start in proportion (money rounded half up to the micro), as the sandbox
does. The hour in progress holds what the platform has counted so far, so it counts as
covering only up to the read. ``as_of`` is the read: platforms do not say how late their
hourly figures are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiki.core.money import Money
from kiki.platforms.errors import PlatformDataError
from kiki.platforms.telemetry import Telemetry, Totals

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class HourRow:
    """One campaign's figures over one hour starting at ``start`` (an aware instant)."""

    campaign_id: str
    start: datetime
    spend_micros: int
    impressions: int
    clicks: int
    conversions: float
    revenue_micros: int


def zone(name: str | None) -> ZoneInfo:
    """The account's time zone (an IANA name); UTC when the platform gives none."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PlatformDataError(f"unknown time zone {name!r}") from exc


def local_hour(day: date, hour: int, tz: ZoneInfo) -> datetime:
    if not 0 <= hour <= 23:
        raise PlatformDataError(f"hour {hour} is not an hour of the day")
    return datetime.combine(day, time(hour), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class ReportFrame:
    """What one reading asks the platform for, and how it adds the answer up."""

    read_at: datetime
    window_s: float
    tz: ZoneInfo
    period: timedelta = HOUR  # what one row covers (a day for daily exports)

    @property
    def window_start(self) -> datetime:
        return self.read_at - timedelta(seconds=self.window_s)

    @property
    def day_start(self) -> datetime:
        local = self.read_at.astimezone(self.tz)
        return datetime.combine(local.date(), time(0), tzinfo=self.tz)

    @property
    def first_day(self) -> date:
        return min(self.window_start, self.day_start).astimezone(self.tz).date()

    @property
    def last_day(self) -> date:
        return self.read_at.astimezone(self.tz).date()

    def telemetry(self, rows: Iterable[HourRow]) -> Telemetry:
        today = _Sum()
        window = _Sum()
        start, end = self.window_start, self.read_at
        for row in rows:
            if row.start >= end:
                continue
            if row.start >= self.day_start:
                today.add(row, 1, 1)
            covered_end = min(row.start + self.period, end)
            whole = (covered_end - row.start).total_seconds()
            part = (covered_end - max(row.start, start)).total_seconds()
            if part > 0 and whole > 0:
                window.add(row, part, whole)
        return Telemetry(today.totals(), window.totals(), self.window_s, end, end)

    def by_campaign(
        self, campaign_ids: Iterable[str], rows: Iterable[HourRow]
    ) -> dict[str, Telemetry]:
        grouped: Mapping[str, list[HourRow]] = _group(rows)
        return {cid: self.telemetry(grouped.get(cid, ())) for cid in campaign_ids}


def account_telemetry(campaigns: Iterable[Telemetry], frame: ReportFrame) -> Telemetry:
    """The account's telemetry: the sum of its campaigns' (so the two always agree)."""
    today, window = Totals(), Totals()
    for t in campaigns:
        today, window = today + t.today, window + t.window
    return Telemetry(today, window, frame.window_s, frame.read_at, frame.read_at)


def _group(rows: Iterable[HourRow]) -> dict[str, list[HourRow]]:
    grouped: defaultdict[str, list[HourRow]] = defaultdict(list)
    for row in rows:
        grouped[row.campaign_id].append(row)
    return grouped


class _Sum:
    def __init__(self) -> None:
        self.spend = 0
        self.revenue = 0
        self.impressions = 0.0
        self.clicks = 0.0
        self.conversions = 0.0

    def add(self, row: HourRow, part: float, whole: float) -> None:
        if part >= whole:
            self.spend += row.spend_micros
            self.revenue += row.revenue_micros
            self.impressions += row.impressions
            self.clicks += row.clicks
            self.conversions += row.conversions
            return
        num, den = part.as_integer_ratio()
        wnum, wden = whole.as_integer_ratio()
        # part / whole exactly, then round half up to the micro
        self.spend += (2 * row.spend_micros * num * wden + den * wnum) // (2 * den * wnum)
        self.revenue += (2 * row.revenue_micros * num * wden + den * wnum) // (2 * den * wnum)
        ratio = part / whole
        self.impressions += row.impressions * ratio
        self.clicks += row.clicks * ratio
        self.conversions += row.conversions * ratio

    def totals(self) -> Totals:
        return Totals(
            spend=Money(self.spend),
            impressions=round(self.impressions),
            clicks=round(self.clicks),
            conversions=self.conversions,
            revenue=Money(self.revenue),
        )
