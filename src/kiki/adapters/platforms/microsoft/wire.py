"""Microsoft Advertising's JSON campaigns and report rows as KIKI's values.

``DailyBudget`` and bid amounts are JSON numbers in currency units, read by their shortest
repr (the text Microsoft sent) and refused when finer than a micro. Bidding: ``MaxConversions``
is KIKI's AUTOMATIC, ``MaxClicks`` with ``MaxCpc.Amount`` its MAX_CPC, ``TargetCpa`` its
TARGET_CPA; other schemes read as AUTOMATIC. Microsoft reports no creation time for a
campaign: ``created_at`` is the Unix epoch.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiki.adapters.platforms.hourly import HourRow, local_hour
from kiki.adapters.platforms.money import micros_to_json_number, units_to_micros
from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignState, CampaignStatus
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformDataError

UNKNOWN_CREATION = datetime(1970, 1, 1, tzinfo=UTC)
CAMPAIGN_TYPES = "Search, Shopping, Audience, PerformanceMax"
REPORT_ZONE = "MonroviaReykjavik"  # UTC all year (no daylight saving)
COLUMNS = ["TimePeriod", "CampaignId", "Spend", "Impressions", "Clicks", "Conversions", "Revenue"]
STATUS = {
    "Active": CampaignStatus.ACTIVE,
    "BudgetPaused": CampaignStatus.ACTIVE,  # out of budget for now, not paused by anyone
    "Paused": CampaignStatus.PAUSED,
    "BudgetAndManualPaused": CampaignStatus.PAUSED,
    "Suspended": CampaignStatus.PAUSED,
    "Deleted": CampaignStatus.REMOVED,
}
WIRE_STATUS = {CampaignStatus.ACTIVE: "Active", CampaignStatus.PAUSED: "Paused"}


def campaign(row: dict[str, Any], *, client_id: str) -> tuple[CampaignState, bool]:
    """The campaign, and whether its budget is its own (not a shared budget)."""
    try:
        campaign_id = str(row["Id"])
        status = STATUS[str(row.get("Status"))]
    except KeyError as exc:
        raise PlatformDataError(f"Microsoft campaign without a known id or status: {exc}") from None
    budget = units_to_micros(row.get("DailyBudget") or 0, what="Microsoft DailyBudget")
    state = CampaignState(
        CampaignRef(client_id, Platform.MICROSOFT, campaign_id),
        str(row.get("Name") or campaign_id),
        status,
        Money(budget),
        _bid(row.get("BiddingScheme")),
        UNKNOWN_CREATION,
    )
    return state, not row.get("BudgetId")


def _bid(scheme: object) -> Bid:
    if not isinstance(scheme, dict):
        return Bid.automatic()
    kind = scheme.get("Type")
    if kind == "MaxClicks" and isinstance(scheme.get("MaxCpc"), dict):
        amount = units_to_micros(scheme["MaxCpc"].get("Amount") or 0, what="Microsoft MaxCpc")
        return Bid(BidStrategy.MAX_CPC, Money(amount)) if amount > 0 else Bid.automatic()
    if kind == "TargetCpa":
        amount = units_to_micros(scheme.get("TargetCpa") or 0, what="Microsoft TargetCpa")
        return Bid(BidStrategy.TARGET_CPA, Money(amount)) if amount > 0 else Bid.automatic()
    return Bid.automatic()


def bidding_scheme(bid: Bid) -> dict[str, Any]:
    if bid.strategy is BidStrategy.MAX_CPC and bid.amount is not None:
        return {"Type": "MaxClicks", "MaxCpc": {"Amount": micros_to_json_number(bid.amount.micros)}}
    if bid.strategy is BidStrategy.TARGET_CPA and bid.amount is not None:
        return {"Type": "TargetCpa", "TargetCpa": micros_to_json_number(bid.amount.micros)}
    return {"Type": "MaxConversions"}


def report_request(account_id: str, first: date, last: date) -> dict[str, Any]:
    def day(d: date) -> dict[str, int]:
        return {"Year": d.year, "Month": d.month, "Day": d.day}

    return {
        "ReportRequest": {
            "Type": "CampaignPerformanceReportRequest",
            "ReportName": "kiki hourly",
            "Format": "Csv",
            "ReturnOnlyCompleteData": False,
            "ExcludeReportHeader": True,
            "ExcludeReportFooter": True,
            "Aggregation": "Hourly",
            "Scope": {"AccountIds": [account_id]},
            "Time": {
                "CustomDateRangeStart": day(first),
                "CustomDateRangeEnd": day(last),
                "ReportTimeZone": REPORT_ZONE,
            },
            "Columns": COLUMNS,
        }
    }


def report_rows(archive: bytes, tz: ZoneInfo) -> list[HourRow]:
    """The rows of a downloaded report (a zip of one CSV; header and footer tolerated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            text = zipped.read(zipped.namelist()[0]).decode("utf-8-sig")
    except (zipfile.BadZipFile, IndexError, UnicodeDecodeError) as exc:
        raise PlatformDataError(f"Microsoft report file unreadable: {exc}") from None
    lines = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.startswith('"TimePeriod"')), None)
    if start is None:
        return []
    rows = []
    for record in csv.DictReader(lines[start:]):
        period = record.get("TimePeriod") or ""
        if "|" not in period:
            continue  # the footer, or a total
        day_text, hour_text = period.split("|", 1)
        try:
            start_at = local_hour(date.fromisoformat(day_text), int(hour_text), tz)
            rows.append(
                HourRow(
                    campaign_id=str(record["CampaignId"]),
                    start=start_at,
                    spend_micros=units_to_micros(record.get("Spend") or "0", what="Spend"),
                    impressions=int(record.get("Impressions") or 0),
                    clicks=int(record.get("Clicks") or 0),
                    conversions=float(record.get("Conversions") or 0),
                    revenue_micros=units_to_micros(record.get("Revenue") or "0", what="Revenue"),
                )
            )
        except (KeyError, ValueError) as exc:
            raise PlatformDataError(f"Microsoft report row {period!r}: {exc}") from None
    return rows
