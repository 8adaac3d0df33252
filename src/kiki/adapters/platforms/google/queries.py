"""The GAQL the Google adapter sends and what it makes of the rows.

Budgets and costs are int64 micros (``amount_micros``, ``cost_micros``); conversions and their
value are doubles, the value in currency units. Bids: Maximize conversions without a target
is KIKI's AUTOMATIC, with ``target_cpa_micros`` its TARGET_CPA; Maximize clicks (``target_spend``)
with ``cpc_bid_ceiling_micros`` its MAX_CPC. Other strategies read as AUTOMATIC.
"""

from __future__ import annotations

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

CAMPAIGN_FIELDS = (
    "campaign.id, campaign.name, campaign.status, campaign.start_date_time, "
    "campaign.bidding_strategy_type, campaign.target_spend.cpc_bid_ceiling_micros, "
    "campaign.maximize_conversions.target_cpa_micros, campaign.target_cpa.target_cpa_micros, "
    "campaign_budget.resource_name, campaign_budget.amount_micros, "
    "campaign_budget.explicitly_shared, customer.currency_code, customer.time_zone"
)
CAMPAIGNS = f"SELECT {CAMPAIGN_FIELDS} FROM campaign"  # nosec B608  # noqa: S608  # GAQL, constant fields
METRICS = (
    "SELECT campaign.id, segments.date, segments.hour, metrics.cost_micros, "
    "metrics.impressions, metrics.clicks, metrics.conversions, metrics.conversions_value "
    "FROM campaign WHERE segments.date BETWEEN '{first}' AND '{last}'"
)
UNIT = (
    "SELECT currency_constant.billable_unit_micros FROM currency_constant "
    "WHERE currency_constant.code = '{code}'"
)
STATUS = {
    "ENABLED": CampaignStatus.ACTIVE,
    "PAUSED": CampaignStatus.PAUSED,
    "REMOVED": CampaignStatus.REMOVED,
}


@dataclass(frozen=True, slots=True)
class GoogleCampaign:
    state: CampaignState
    budget_resource: str
    shared: bool
    currency: str
    time_zone: str


def one_campaign(campaign_id: int) -> str:
    return f"{CAMPAIGNS} WHERE campaign.id = {campaign_id}"


def campaign(row: Any, *, client_id: str, customer_id: str) -> GoogleCampaign:
    c, budget, customer = row.campaign, row.campaign_budget, row.customer
    status = STATUS.get(c.status.name)
    if status is None:
        raise PlatformDataError(f"Google campaign {c.id} has status {c.status.name}")
    tz = customer.time_zone or "UTC"
    state = CampaignState(
        CampaignRef(client_id, Platform.GOOGLE, str(c.id)),
        c.name or str(c.id),
        status,
        Money(int(budget.amount_micros)),
        _bid(c),
        _start(c.start_date_time, tz, customer_id),
    )
    return GoogleCampaign(
        state, budget.resource_name, bool(budget.explicitly_shared), customer.currency_code, tz
    )


def _bid(c: Any) -> Bid:
    kind = c.bidding_strategy_type.name
    if kind == "TARGET_SPEND" and c.target_spend.cpc_bid_ceiling_micros > 0:
        return Bid(BidStrategy.MAX_CPC, Money(int(c.target_spend.cpc_bid_ceiling_micros)))
    if kind == "MAXIMIZE_CONVERSIONS" and c.maximize_conversions.target_cpa_micros > 0:
        return Bid(BidStrategy.TARGET_CPA, Money(int(c.maximize_conversions.target_cpa_micros)))
    if kind == "TARGET_CPA" and c.target_cpa.target_cpa_micros > 0:
        return Bid(BidStrategy.TARGET_CPA, Money(int(c.target_cpa.target_cpa_micros)))
    return Bid.automatic()


def _start(text: str, tz: str, customer_id: str) -> datetime:
    """``campaign.start_date_time`` (``yyyy-MM-dd HH:mm:ss`` in the account's zone)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(tz))
    except ValueError as exc:
        raise PlatformDataError(f"Google customer {customer_id}: start {text!r}") from exc


def hour_row(row: Any, tz: ZoneInfo) -> HourRow:
    m = row.metrics
    try:
        day = date.fromisoformat(row.segments.date)
    except ValueError as exc:
        raise PlatformDataError(f"Google segments.date {row.segments.date!r}") from exc
    return HourRow(
        campaign_id=str(row.campaign.id),
        start=local_hour(day, int(row.segments.hour), tz),
        spend_micros=int(m.cost_micros),
        impressions=int(m.impressions),
        clicks=int(m.clicks),
        conversions=float(m.conversions),
        revenue_micros=units_to_micros(float(m.conversions_value), what="Google conversions_value"),
    )
