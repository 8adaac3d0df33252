"""Bring a client's campaigns up to now inside a store transaction: the only place stats grow.

Run inside the transaction that read the watermarks, so that each instant is accrued once
however many processes read at the same time; a watermark never goes back, so a process
whose clock lags another's accrues nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from kiki.campaigns.domain import CampaignStatus
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import HourStats, accrue, hour_of
from kiki.platforms.sandbox.store import CampaignRecord, ClientState, SandboxTransaction


def accrue_client(
    tx: SandboxTransaction,
    now: datetime,
    *,
    retention_hours: int,
    platform: Platform | None = None,
) -> ClientState:
    """Accrue the client's campaigns (on ``platform``, or all) to ``now``; the state after.

    Active campaigns spend; paused and removed ones only move their watermark. Time older
    than the retention is skipped: its buckets would be pruned at once.
    """
    state = tx.state()
    markets = {a.platform: a.market for a in state.accounts}
    horizon = now - timedelta(hours=retention_hours)
    stats: dict[str, list[HourStats]] = {}
    moved: list[CampaignRecord] = []
    for campaign in state.campaigns:
        if platform not in (None, campaign.platform) or campaign.accrued_to >= now:
            continue
        market = markets.get(campaign.platform)
        if campaign.status is CampaignStatus.ACTIVE and market is not None:
            bought = accrue(
                market,
                campaign.campaign_id,
                budget_micros=campaign.daily_budget.micros,
                bid=campaign.bid,
                start=max(campaign.accrued_to, horizon),
                end=now,
            )
            if bought:
                stats[campaign.campaign_id] = bought
        moved.append(replace(campaign, accrued_to=now))
    if stats:
        tx.add_stats(stats, prune_before_hour=hour_of(now) - retention_hours)
    if moved:
        tx.save(campaigns=moved)
    return state.replacing(moved)
