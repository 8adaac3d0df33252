"""A live campaign copied for the twins: its configuration, its market's rates measured from
its telemetry, its history of figures and changes, and the economics the guardian judges by.

``copy_client`` is the only step of the chaos suite that reads the live gateway; everything
after works on these frozen values (which is also what lets clients fan out over Ray).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kiki.campaigns.domain import CampaignChange, CampaignState, CampaignStatus
from kiki.campaigns.ports import CampaignBook
from kiki.core.money import Money
from kiki.platforms.errors import PlatformError
from kiki.platforms.ports import Gateway
from kiki.platforms.sandbox.model import Figures
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.syncflow.ports import ValueSource

LTV_LOOKBACK_DAYS = 90


@dataclass(frozen=True, slots=True)
class MarketRates:
    """What the copy's market is, from its own figures: clearing CPM, CTR, CVR, order value."""

    cpm_micros: int
    ctr: float
    cvr: float
    order_value_micros: int


@dataclass(frozen=True, slots=True)
class CampaignCopy:
    client_id: str | None  # None: the seed's own test campaign
    state: CampaignState
    rates: MarketRates
    history: Figures  # the funnel window's totals
    ltv: Money | None
    thresholds: GuardianThresholds
    changes: tuple[CampaignChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ClientCopy:
    client_id: str
    at: datetime
    campaigns: tuple[CampaignCopy, ...]
    skipped: dict[str, str] = field(default_factory=dict)  # campaign id -> why


def copy_client(
    client_id: str,
    *,
    gateway: Gateway,
    values: ValueSource,
    book: CampaignBook,
    thresholds: GuardianThresholds,
    at: datetime,
    funnel_window_s: float,
) -> ClientCopy:
    """One batched read per account, the LTV per platform, each active campaign's history."""
    copies: list[CampaignCopy] = []
    skipped: dict[str, str] = {}
    for platform in gateway.platforms(client_id):
        try:
            readings = gateway.read_campaigns(client_id, platform, window_s=funnel_window_s)
        except PlatformError as exc:
            skipped[f"{client_id}/{platform.value}"] = f"could not be read: {exc}"
            continue
        ltv = values.platform_ltv(client_id, platform, lookback_days=LTV_LOOKBACK_DAYS, as_of=at)
        for reading in readings:
            state = reading.state
            if state.status is not CampaignStatus.ACTIVE:
                continue
            if reading.telemetry is None:
                skipped[state.campaign_id] = f"figures unreadable: {reading.problem}"
                continue
            w = reading.telemetry.window
            history = Figures(
                w.spend.micros,
                float(w.impressions),
                float(w.clicks),
                w.conversions,
                w.revenue.micros,
            )
            rates = market_rates(history, ltv)
            if rates is None:
                skipped[state.campaign_id] = "no impressions, clicks or conversions to model"
                continue
            changes = tuple(book.history(state.campaign_id))
            copies.append(CampaignCopy(client_id, state, rates, history, ltv, thresholds, changes))
    return ClientCopy(client_id, at, tuple(copies), skipped)


def market_rates(history: Figures, ltv: Money | None) -> MarketRates | None:
    """The rates a sandbox market needs, or None when the figures cannot give them."""
    spend_micros, impressions, clicks = history.spend_micros, history.impressions, history.clicks
    conversions, revenue_micros = history.conversions, history.revenue_micros
    if impressions <= 0 or clicks <= 0 or conversions <= 0 or spend_micros <= 0:
        return None
    ctr, cvr = clicks / impressions, conversions / clicks
    if not (0 < ctr <= 1 and 0 < cvr <= 1):
        return None
    order_value = round(revenue_micros / conversions) if revenue_micros > 0 else None
    if order_value is None or order_value <= 0:
        order_value = ltv.micros if ltv is not None and ltv.micros > 0 else 1
    return MarketRates(round(spend_micros * 1000 / impressions), ctr, cvr, order_value)
