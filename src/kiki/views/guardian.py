"""MarginGuardian's passes, its thresholds and the chaos suite's report, as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from kiki.campaigns.domain import CampaignConfig
from kiki.syncflow.domain.guardian.report import CampaignOutcome, GuardReport
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.synctwin.chaos.results import ChaosReport


def config(item: CampaignConfig | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {
        "status": item.status.value,
        "daily_budget": item.daily_budget.to_units(),
        "daily_budget_micros": item.daily_budget.micros,
        "bid_strategy": item.bid.strategy.value,
        "bid_micros": item.bid.micros,
    }


def outcome(item: CampaignOutcome) -> dict[str, Any]:
    return {
        "client_id": item.client_id,
        "platform": item.platform.value,
        "campaign_id": item.campaign_id,
        "name": item.name,
        "outcome": item.outcome.value,
        "rule": None if item.rule is None else item.rule.value,
        "reason": None if item.reason is None else item.reason.value,
        "detail": item.detail,
        "config": config(item.config),
        "figures": {k: v for k, v in item.figures.items() if _plain(v)},
    }


def guard_reports(reports: Sequence[GuardReport]) -> dict[str, Any]:
    """``{"clients": [{"client_id", "at", "held_platforms", "campaigns": [...]}], "actions"}``."""
    return {
        "clients": [
            {
                "client_id": r.client_id,
                "at": r.at.isoformat(),
                "held_platforms": [p.value for p in r.held_platforms],
                "campaigns": [outcome(o) for o in r.outcomes],
            }
            for r in reports
        ],
        "actions": sum(len(r.actions) for r in reports),
    }


def thresholds(client_id: str, item: GuardianThresholds) -> dict[str, Any]:
    return {"client_id": client_id, **asdict(item)}


def chaos(report: ChaosReport) -> dict[str, Any]:
    """The seed's ``{"total_tests", "passed", "failed", "results"}`` plus the pass rate and
    the campaigns that could not be copied (and why)."""
    body = report.metadata()
    body["pass_rate"] = round(report.pass_rate, 6)
    body["at"] = report.at.isoformat()
    body["skipped"] = dict(report.skipped)
    return body


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
