"""Meta's wire shapes as KIKI's values: campaigns (with their ad sets) and hourly insights.

Numbers arrive as JSON strings. Budgets and bid amounts are integers in the account
currency's offset unit (``meta_step_micros``); spend and action values are decimal strings in
currency units.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiki.adapters.platforms.hourly import HourRow, local_hour
from kiki.adapters.platforms.money import units_to_micros
from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignState, CampaignStatus
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformDataError

ADSET_FIELDS = "id,bid_amount,daily_budget"
CAMPAIGN_FIELDS = (
    f"id,name,status,daily_budget,bid_strategy,created_time,adsets.limit(500){{{ADSET_FIELDS}}}"
)
INSIGHT_FIELDS = "campaign_id,spend,impressions,clicks,actions,action_values"
HOURLY = "hourly_stats_aggregated_by_advertiser_time_zone"

STATUS = {
    "ACTIVE": CampaignStatus.ACTIVE,
    "PAUSED": CampaignStatus.PAUSED,
    "DELETED": CampaignStatus.REMOVED,
    "ARCHIVED": CampaignStatus.REMOVED,
}
STRATEGY = {
    BidStrategy.AUTOMATIC: "LOWEST_COST_WITHOUT_CAP",
    BidStrategy.MAX_CPC: "LOWEST_COST_WITH_BID_CAP",
    BidStrategy.TARGET_CPA: "COST_CAP",
}
_FROM_STRATEGY = {v: k for k, v in STRATEGY.items()}


@dataclass(frozen=True, slots=True)
class MetaCampaign:
    """A campaign as Meta holds it: its own budget (None when its ad sets carry the budget)."""

    state: CampaignState
    own_budget: bool
    adset_ids: tuple[str, ...]


def campaign(row: Mapping[str, Any], *, client_id: str, step_micros: int) -> MetaCampaign:
    try:
        campaign_id = str(row["id"])
        status = STATUS[str(row.get("status", ""))]
    except KeyError as exc:
        raise PlatformDataError(f"Meta campaign without a known id or status: {exc}") from None
    adsets = [a for a in ((row.get("adsets") or {}).get("data") or []) if isinstance(a, dict)]
    own = row.get("daily_budget") not in (None, "", "0")
    if own:
        budget = _minor(row["daily_budget"], step_micros, "daily_budget")
    else:
        budget = sum(
            _minor(a.get("daily_budget") or 0, step_micros, "daily_budget") for a in adsets
        )
    state = CampaignState(
        CampaignRef(client_id, Platform.META, campaign_id),
        str(row.get("name") or campaign_id),
        status,
        Money(budget),
        _bid(str(row.get("bid_strategy") or ""), adsets, step_micros),
        _instant(row.get("created_time")),
    )
    return MetaCampaign(state, own, tuple(str(a["id"]) for a in adsets if "id" in a))


def _bid(strategy: str, adsets: list[dict[str, Any]], step_micros: int) -> Bid:
    """The campaign's strategy, with the highest of its ad sets' bid amounts; a capped strategy
    whose ad sets carry no amount (or that has none yet) reads as automatic bidding."""
    kind = _FROM_STRATEGY.get(strategy, BidStrategy.AUTOMATIC)
    amounts = [
        _minor(a["bid_amount"], step_micros, "bid_amount") for a in adsets if a.get("bid_amount")
    ]
    if kind is BidStrategy.AUTOMATIC or not amounts or max(amounts) <= 0:
        return Bid.automatic()
    return Bid(kind, Money(max(amounts)))


def _minor(value: object, step_micros: int, what: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise PlatformDataError(f"Meta {what} {text!r} is not a whole number of the unit")
    return int(text) * step_micros


def _instant(value: object) -> datetime:
    """Meta writes ``2026-02-03T09:00:00+0000``."""
    if not isinstance(value, str):
        raise PlatformDataError("Meta campaign without created_time")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError as exc:
        raise PlatformDataError(f"Meta created_time {value!r} is not an instant") from exc


def hour_row(
    row: Mapping[str, Any],
    *,
    tz: ZoneInfo,
    conversions: Collection[str],
    revenue: Collection[str],
) -> HourRow:
    try:
        day = date.fromisoformat(str(row["date_start"]))
        hour = int(str(row[HOURLY]).split(":", 1)[0])
        campaign_id = str(row["campaign_id"])
    except (KeyError, ValueError) as exc:
        raise PlatformDataError(f"Meta insights row without its campaign or hour: {exc}") from None
    return HourRow(
        campaign_id=campaign_id,
        start=local_hour(day, hour, tz),
        spend_micros=units_to_micros(row.get("spend") or "0", what="Meta spend"),
        impressions=_count(row.get("impressions")),
        clicks=_count(row.get("clicks")),
        conversions=sum(_actions(row.get("actions"), conversions, money=False)),
        revenue_micros=sum(_actions(row.get("action_values"), revenue, money=True)),
    )


def _count(value: object) -> int:
    text = str(value or "0")
    if not text.isdigit():
        raise PlatformDataError(f"Meta count {text!r} is not a whole number")
    return int(text)


def _actions(entries: object, types: Collection[str], *, money: bool) -> list[Any]:
    found: list[Any] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("action_type") not in types:
            continue
        value = entry.get("value") or "0"
        if money:
            found.append(units_to_micros(value, what="Meta action value"))
        else:
            try:
                found.append(float(str(value)))
            except ValueError:
                raise PlatformDataError(f"Meta action count {value!r} is not a number") from None
    return found
