"""Load a copy of a live campaign into a sandbox store: the account's market from the campaign's
own rates, and its history, so that a twin reads as the live campaign did.

The history over the funnel window arrives as totals, not hour by hour; it is kept as one bucket
two hours before the twin's day starts. Windows that reach back that far (the guardian's funnel
window) see all of it; today and the last minutes do not see it at all. Writing one bucket
instead of a few hundred keeps a twin's set-up and its long reads cheap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiki.campaigns.domain import CampaignState, CampaignStatus
from kiki.platforms.sandbox.model import Figures, HourStats, hour_of
from kiki.platforms.sandbox.ports import AccountSpec, Factors
from kiki.platforms.sandbox.store import AccountRecord, CampaignRecord, SandboxStore

HISTORY_LEAD_HOURS = 2


def load_campaign(
    store: SandboxStore,
    state: CampaignState,
    *,
    spec: AccountSpec,
    history: Figures,
    day_start: datetime,
    noise: float = 0.0,
    seed: int = 0,
) -> None:
    """Open the campaign's account (its market: ``spec``) and the campaign, active, accrued to
    ``day_start``, with ``history`` as its past. Raises ValueError if the account exists."""
    lump_start = day_start - timedelta(hours=HISTORY_LEAD_HOURS)
    created = min(state.created_at, lump_start)
    with store.transaction(state.client_id) as tx:
        if tx.state().account(state.platform) is not None:
            raise ValueError(f"the twin already has a {state.platform.display_name} account")
        account = AccountRecord(
            state.client_id, state.platform, spec, Factors(), created, seed, noise
        )
        campaign = CampaignRecord(
            state.ref,
            state.name,
            CampaignStatus.ACTIVE,
            None,
            state.daily_budget,
            state.bid,
            created,
            day_start,
        )
        tx.save(accounts=[account], campaigns=[campaign])
        if history.spend_micros > 0 or history.impressions > 0:
            hour = hour_of(lump_start)
            tx.add_stats({state.campaign_id: [HourStats(hour, history)]}, prune_before_hour=hour)
