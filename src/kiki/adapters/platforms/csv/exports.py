"""Platform report exports (CSV) as KIKI's values: one row per campaign per day.

An account's exports sit in ``KIKI_CSV_EXPORTS_DIR/<platform>/<account>/`` (or a single file
``<account>.csv`` there). Each file is a campaign report as the platform's own export writes
it, with that platform's column names (``COLUMNS``), or KIKI's own names. Money is in currency
units (``12.34``, ``1,234.50``, ``$12.34``); a value finer than a micro is refused, never
rounded. Errors name the file and its line, as ``kiki import`` does.

The newest file (by modification time, then name) says each campaign's status, budget and bid
(its latest day); figures per (campaign, day) come from the newest file that has that day.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from kiki.adapters.platforms.money import units_to_micros
from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignState, CampaignStatus
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformDataError

UNKNOWN_CREATION = datetime(1970, 1, 1, tzinfo=UTC)
FIELDS = (
    "date",
    "campaign_id",
    "campaign",
    "status",
    "daily_budget",
    "bid",
    "bid_strategy",
    "spend",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
)
REQUIRED = ("date", "campaign_id", "status", "daily_budget", "spend")
# Each platform's own export column names (lower-cased) for KIKI's fields.
COLUMNS: Mapping[Platform, Mapping[str, tuple[str, ...]]] = {
    Platform.GOOGLE: {
        "date": ("day",),
        "campaign_id": ("campaign id",),
        "campaign": ("campaign",),
        "status": ("campaign status",),
        "daily_budget": ("budget",),
        "bid": ("max. cpc", "target cpa"),
        "bid_strategy": ("bid strategy type",),
        "spend": ("cost",),
        "impressions": ("impr.",),
        "clicks": ("clicks",),
        "conversions": ("conversions",),
        "revenue": ("conv. value",),
    },
    Platform.META: {
        "date": ("day", "reporting starts"),
        "campaign_id": ("campaign id",),
        "campaign": ("campaign name",),
        "status": ("campaign delivery",),
        "daily_budget": ("budget", "campaign budget"),
        "bid": ("bid",),
        "spend": ("amount spent (usd)", "amount spent"),
        "impressions": ("impressions",),
        "clicks": ("link clicks", "clicks (all)"),
        "conversions": ("purchases", "results"),
        "revenue": ("purchases conversion value",),
    },
    Platform.TIKTOK: {
        "date": ("date", "by day"),
        "campaign_id": ("campaign id",),
        "campaign": ("campaign name",),
        "status": ("primary status", "status"),
        "daily_budget": ("budget",),
        "spend": ("cost", "total cost"),
        "impressions": ("impressions",),
        "clicks": ("clicks (destination)", "clicks"),
        "conversions": ("conversions",),
        "revenue": ("total purchase value",),
    },
    Platform.MICROSOFT: {
        "date": ("gregorian date", "date"),
        "campaign_id": ("campaign id",),
        "campaign": ("campaign name",),
        "status": ("campaign status",),
        "daily_budget": ("budget",),
        "bid": ("bid",),
        "spend": ("spend",),
        "impressions": ("impr.", "impressions"),
        "clicks": ("clicks",),
        "conversions": ("conv.", "conversions"),
        "revenue": ("revenue",),
    },
    Platform.LINKEDIN: {
        "date": ("start date (in utc)",),
        "campaign_id": ("campaign id",),
        "campaign": ("campaign name",),
        "status": ("campaign status",),
        "daily_budget": ("daily budget",),
        "bid": ("bid", "unit cost"),
        "spend": ("total spent",),
        "impressions": ("impressions",),
        "clicks": ("clicks",),
        "conversions": ("conversions",),
        "revenue": ("total conversion value", "conversion value"),
    },
    Platform.AMAZON: {
        "date": ("date",),
        "campaign_id": ("campaign id",),
        "campaign": ("campaign name",),
        "status": ("status", "campaign status"),
        "daily_budget": ("budget",),
        "spend": ("spend",),
        "impressions": ("impressions",),
        "clicks": ("clicks",),
        "conversions": ("7 day total orders (#)", "orders"),
        "revenue": ("7 day total sales", "sales"),
    },
}
STRATEGY = {
    "automatic": BidStrategy.AUTOMATIC,
    "maximize conversions": BidStrategy.AUTOMATIC,
    "lowest cost": BidStrategy.AUTOMATIC,
    "max_cpc": BidStrategy.MAX_CPC,
    "manual cpc": BidStrategy.MAX_CPC,
    "bid cap": BidStrategy.MAX_CPC,
    "target_cpa": BidStrategy.TARGET_CPA,
    "target cpa": BidStrategy.TARGET_CPA,
    "cost cap": BidStrategy.TARGET_CPA,
}
STATUS = {
    "active": CampaignStatus.ACTIVE,
    "enabled": CampaignStatus.ACTIVE,
    "eligible": CampaignStatus.ACTIVE,
    "delivering": CampaignStatus.ACTIVE,
    "running": CampaignStatus.ACTIVE,
    "paused": CampaignStatus.PAUSED,
    "inactive": CampaignStatus.PAUSED,
    "not delivering": CampaignStatus.PAUSED,
    "removed": CampaignStatus.REMOVED,
    "deleted": CampaignStatus.REMOVED,
    "archived": CampaignStatus.REMOVED,
}
_EMPTY = ("", "--", "-")
_Fail = Callable[[str, str], PlatformDataError]


@dataclass(frozen=True, slots=True)
class DayRow:
    campaign_id: str
    name: str
    day: date
    status: CampaignStatus
    daily_budget: int
    bid: int | None
    strategy: BidStrategy
    spend_micros: int
    impressions: int
    clicks: int
    conversions: float
    revenue_micros: int


@dataclass(frozen=True, slots=True)
class Export:
    """One export file: its place in the order of exports, whether it reports bids, its rows."""

    key: str  # ``name@mtime_ns``: a change records the newest export it was written after
    has_bids: bool
    rows: tuple[DayRow, ...]


@dataclass(frozen=True, slots=True)
class Account:
    """What an account's exports say: newest first."""

    exports: tuple[Export, ...]

    @property
    def newest(self) -> str:
        return self.exports[0].key if self.exports else ""

    @property
    def has_bids(self) -> bool:
        return bool(self.exports) and self.exports[0].has_bids

    def campaigns(self, client_id: str, platform: Platform) -> list[CampaignState]:
        """Each campaign as its latest day in the newest export that has it says."""
        latest: dict[str, DayRow] = {}
        for export in reversed(self.exports):  # oldest first: newer files win
            for row in export.rows:
                held = latest.get(row.campaign_id)
                if held is None or row.day >= held.day:
                    latest[row.campaign_id] = row
        return [_state(row, client_id, platform) for row in latest.values()]

    def days(self) -> list[DayRow]:
        """One row per (campaign, day): the newest export's."""
        found: dict[tuple[str, date], DayRow] = {}
        for export in reversed(self.exports):
            for row in export.rows:
                found[(row.campaign_id, row.day)] = row
        return list(found.values())


def folder_name(platform: Platform) -> str:
    """The platform's folder under the exports and changes directories (``google``, …)."""
    return platform.name.lower()


def read_account(folder: Path, platform: Platform) -> Account:
    """The exports in ``folder`` (or the one file ``folder.csv``), newest first."""
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    single = folder.with_suffix(".csv")
    if not files and single.is_file():
        files = [single]
    stamped = sorted(((f.stat().st_mtime_ns, f.name, f) for f in files), reverse=True)
    return Account(tuple(read_export(f, platform, mtime) for mtime, _, f in stamped))


def read_export(path: Path, platform: Platform, mtime_ns: int) -> Export:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        lines = list(handle)
    header_at, columns = _header(lines, platform, path)
    rows = []
    reader = csv.reader(lines[header_at + 1 :])
    for offset, record in enumerate(reader):
        line = header_at + 2 + offset
        if not any(cell.strip() for cell in record) or _is_total(record):
            continue
        rows.append(_row(record, columns, f"{path.name} line {line}"))
    return Export(f"{path.name}@{mtime_ns}", "bid" in columns, tuple(rows))


def _header(lines: list[str], platform: Platform, path: Path) -> tuple[int, dict[str, int]]:
    """Exports often start with a title or a date range: the header is the first line that
    names every required field."""
    aliases = {field: (field, *COLUMNS[platform].get(field, ())) for field in FIELDS}
    for index, line in enumerate(lines[:20]):
        cells = [c.strip().lower() for c in next(csv.reader([line]), [])]
        columns = {
            field: cells.index(name)
            for field, names in aliases.items()
            for name in names
            if name in cells
        }
        if all(field in columns for field in REQUIRED):
            return index, columns
    wanted = ", ".join(f"{f} ({' or '.join(COLUMNS[platform].get(f, (f,)))})" for f in REQUIRED)
    raise PlatformDataError(f"{path.name} line 1: no header naming {wanted}")


def _is_total(record: list[str]) -> bool:
    first = record[0].strip().lower() if record else ""
    return first.startswith(("total", "©"))


def _row(record: list[str], columns: Mapping[str, int], where: str) -> DayRow:
    def cell(field: str) -> str:
        index = columns.get(field)
        return record[index].strip() if index is not None and index < len(record) else ""

    def fail(field: str, rule: str) -> PlatformDataError:
        return PlatformDataError(f"{where}: {field}: {rule}")

    try:
        day = date.fromisoformat(cell("date")[:10])
    except ValueError:
        raise fail("date", f"{cell('date')!r} is not a date (YYYY-MM-DD)") from None
    campaign_id = cell("campaign_id")
    if not campaign_id:
        raise fail("campaign_id", "is empty")
    status = STATUS.get(cell("status").lower())
    if status is None:
        raise fail("status", f"{cell('status')!r} is not a status KIKI knows")
    bid_text = cell("bid")
    strategy_text = cell("bid_strategy").lower()
    strategy = STRATEGY.get(strategy_text or "max_cpc")
    if strategy is None:
        raise fail("bid_strategy", f"{cell('bid_strategy')!r} is not a bid strategy KIKI knows")
    return DayRow(
        campaign_id=campaign_id,
        name=cell("campaign") or campaign_id,
        day=day,
        status=status,
        daily_budget=_money(cell("daily_budget"), "daily_budget", fail),
        bid=None if bid_text in _EMPTY else _money(bid_text, "bid", fail),
        strategy=strategy,
        spend_micros=_money(cell("spend"), "spend", fail),
        impressions=_count(cell("impressions"), "impressions", fail),
        clicks=_count(cell("clicks"), "clicks", fail),
        conversions=_number(cell("conversions"), "conversions", fail),
        revenue_micros=_money(cell("revenue"), "revenue", fail),
    )


def _money(text: str, field: str, fail: _Fail) -> int:
    if text in _EMPTY:
        return 0
    bare = text.lstrip("$€£¥ ").replace(",", "") if "." in text or "," not in text else text
    try:
        micros = units_to_micros(bare, what=field)
    except PlatformDataError as exc:
        raise fail(field, str(exc).removeprefix(f"{field}: ")) from None
    if micros < 0:
        raise fail(field, "must not be negative")
    return micros


def _count(text: str, field: str, fail: _Fail) -> int:
    bare = text.replace(",", "")
    if bare in _EMPTY:
        return 0
    if not bare.isdigit():
        raise fail(field, f"{text!r} is not a whole number")
    return int(bare)


def _number(text: str, field: str, fail: _Fail) -> float:
    bare = text.replace(",", "")
    if bare in _EMPTY:
        return 0.0
    try:
        value = float(bare)
    except ValueError:
        raise fail(field, f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise fail(field, f"{text!r} is not a count")
    return value


def _state(row: DayRow, client_id: str, platform: Platform) -> CampaignState:
    automatic = not row.bid or row.strategy is BidStrategy.AUTOMATIC
    bid = Bid.automatic() if automatic else Bid(row.strategy, Money(row.bid or 0))
    return CampaignState(
        CampaignRef(client_id, platform, row.campaign_id),
        row.name,
        row.status,
        Money(row.daily_budget),
        bid,
        UNKNOWN_CREATION,
    )
