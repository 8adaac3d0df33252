"""Campaigns and the sandbox's state as JSON."""

from __future__ import annotations

from typing import Any

from kiki.campaigns.domain import Campaign, CampaignState
from kiki.platforms.sandbox.ports import SandboxView
from kiki.views.flow import units


def campaign_state(state: CampaignState) -> dict[str, Any]:
    return {
        "campaign_id": state.campaign_id,
        "client_id": state.client_id,
        "platform": state.platform.value,
        "name": state.name,
        "status": state.status.value,
        "daily_budget": state.daily_budget.to_units(),
        "daily_budget_micros": state.daily_budget.micros,
        "bid_strategy": state.bid.strategy.value,
        "bid_micros": state.bid.micros,
        "created_at": state.created_at.isoformat(),
    }


def campaign(item: Campaign) -> dict[str, Any]:
    """``{"campaign_id", "client_id", "platform", "name", "status", "pause_reason",
    "daily_budget", "daily_budget_micros", "bid_micros", "created_at", "projection"}`` (+
    ``bid_strategy``); ``projection`` is the gate's (null for a campaign launched outside it)."""
    body = campaign_state(item.state)
    body["pause_reason"] = item.pause_reason.value if item.pause_reason else None
    body["projection"] = None if item.projection is None else item.projection.to_dict()
    return body


def sandbox(view: SandboxView) -> dict[str, Any]:
    return {
        "client": view.client_id,
        "accounts": [
            {
                "platform": a.platform.value,
                "daily_budget": a.daily_budget.to_units(),
                "daily_budget_micros": a.daily_budget.micros,
                "cac": units(a.cac),
                "cpm_factor": a.factors.cpm,
                "cvr_factor": a.factors.cvr,
                "spend_factor": a.factors.spend,
                "spend_today": a.today.spend.to_units(),
                "conversions_today": a.today.conversions,
            }
            for a in view.accounts
        ],
        "campaigns": [campaign(c) for c in view.campaigns],
    }
