"""The sandbox's records as table rows and back, and the upsert both databases speak."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignStatus, PauseReason
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import Figures, HourStats
from kiki.platforms.sandbox.ports import AccountSpec, Factors
from kiki.platforms.sandbox.store import AccountRecord, CampaignRecord

Row = dict[str, Any]


def upsert(
    conn: sa.Connection,
    table: sa.Table,
    rows: Sequence[Row],
    *,
    added: Collection[str] = (),
) -> None:
    """Insert ``rows``, or on a primary-key conflict overwrite the other columns (those named in
    ``added`` are added to, not overwritten)."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    if conn.dialect.name == "postgresql":
        stmt: postgresql.Insert | sqlite.Insert = postgresql.insert(table)
    else:
        stmt = sqlite.insert(table)
    updates = {
        c.name: (c + stmt.excluded[c.name]) if c.name in added else stmt.excluded[c.name]
        for c in table.columns
        if c.name not in keys
    }
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates), list(rows))


def account_row(account: AccountRecord) -> Row:
    spec, factors = account.spec, account.factors
    return {
        "client_id": account.client_id,
        "platform": account.platform.value,
        "opening_budget_micros": spec.daily_budget.micros,
        "cpm_micros": spec.cpm.micros,
        "ctr": spec.ctr,
        "cvr": spec.cvr,
        "ltv_micros": spec.ltv.micros,
        "aov_micros": None if spec.aov is None else spec.aov.micros,
        "cpm_factor": factors.cpm,
        "cvr_factor": factors.cvr,
        "spend_factor": factors.spend,
        "opened_at": account.opened_at,
        "seed": account.seed,
        "noise": account.noise,
    }


def account_record(row: sa.RowMapping) -> AccountRecord:
    aov = row["aov_micros"]
    spec = AccountSpec(
        daily_budget=Money(int(row["opening_budget_micros"])),
        cpm=Money(int(row["cpm_micros"])),
        ctr=float(row["ctr"]),
        cvr=float(row["cvr"]),
        ltv=Money(int(row["ltv_micros"])),
        aov=None if aov is None else Money(int(aov)),
    )
    factors = Factors(
        float(row["cpm_factor"]), float(row["cvr_factor"]), float(row["spend_factor"])
    )
    return AccountRecord(
        client_id=row["client_id"],
        platform=Platform(row["platform"]),
        spec=spec,
        factors=factors,
        opened_at=row["opened_at"],
        seed=int(row["seed"]),
        noise=float(row["noise"]),
    )


def campaign_row(campaign: CampaignRecord) -> Row:
    reason = campaign.pause_reason
    return {
        "campaign_id": campaign.campaign_id,
        "client_id": campaign.ref.client_id,
        "platform": campaign.platform.value,
        "name": campaign.name,
        "status": campaign.status.value,
        "pause_reason": None if reason is None else reason.value,
        "budget_micros": campaign.daily_budget.micros,
        "bid_strategy": campaign.bid.strategy.value,
        "bid_micros": campaign.bid.micros,
        "created_at": campaign.created_at,
        "accrued_to": campaign.accrued_to,
    }


def campaign_record(row: sa.RowMapping) -> CampaignRecord:
    reason, bid_micros = row["pause_reason"], row["bid_micros"]
    return CampaignRecord(
        ref=CampaignRef(row["client_id"], Platform(row["platform"]), row["campaign_id"]),
        name=row["name"],
        status=CampaignStatus(row["status"]),
        pause_reason=None if reason is None else PauseReason(reason),
        daily_budget=Money(int(row["budget_micros"])),
        bid=Bid(
            BidStrategy(row["bid_strategy"]),
            None if bid_micros is None else Money(int(bid_micros)),
        ),
        created_at=row["created_at"],
        accrued_to=row["accrued_to"],
    )


def stats_row(campaign_id: str, bucket: HourStats) -> Row:
    f = bucket.figures
    return {
        "campaign_id": campaign_id,
        "hour": bucket.hour,
        "spend_micros": f.spend_micros,
        "impressions": f.impressions,
        "clicks": f.clicks,
        "conversions": f.conversions,
        "revenue_micros": f.revenue_micros,
    }


def hour_stats(row: sa.RowMapping) -> HourStats:
    figures = Figures(
        int(row["spend_micros"]),
        float(row["impressions"]),
        float(row["clicks"]),
        float(row["conversions"]),
        int(row["revenue_micros"]),
    )
    return HourStats(int(row["hour"]), figures)
