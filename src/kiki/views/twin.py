"""SyncTwin's results as JSON: simulations, launches, backtests and shadow reports."""

from __future__ import annotations

from typing import Any

from kiki.synctwin.domain.simulation import SimulationResult
from kiki.synctwin.ports import GateDecision
from kiki.synctwin.services.backtest import BacktestReport
from kiki.synctwin.services.launch_campaign import LaunchOutcome
from kiki.synctwin.services.shadow import ShadowReport


def simulation(result: SimulationResult) -> dict[str, Any]:
    """The seed's result shape plus approved, seed, exact_confidence, standard_error."""
    return result.to_dict()


def launch(outcome: LaunchOutcome) -> dict[str, Any]:
    """The simulation's shape plus what the launch did: the decision (``twin outcomes`` needs
    its id), the campaign created (null when rejected), the seed's message, the projection
    the mirror compares it with (started_at, days, revenue, spend, conversions)."""
    return {
        **outcome.result.to_dict(),
        "decision_id": outcome.decision_id,
        "campaign_id": outcome.campaign_id,
        "message": outcome.message,
        "projection": None if outcome.mirrored is None else outcome.mirrored.to_dict(),
    }


def shadow(report: ShadowReport, *, imported: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {} if imported is None else {"imported": imported}
    return {
        **body,
        "decisions": report.decisions,
        "awaiting_outcome": report.awaiting_outcome,
        **report.confusion.to_dict(),
    }


def decision(d: GateDecision) -> dict[str, Any]:
    """One gate decision as ``kiki twin decisions --json`` lists it."""
    profit = d.actual_net_profit
    return {
        "decision_id": d.decision_id,
        "client_id": d.client_id,
        "at": d.at.isoformat(),
        "approved": d.approved,
        "confidence": d.confidence,
        "seed": d.seed,
        "campaign_id": d.campaign_id,
        "strategy": d.strategy.to_dict(),
        "actual_net_profit": None if profit is None else profit.to_units(),
    }


def backtest(report: BacktestReport) -> dict[str, Any]:
    return {
        "campaigns": len(report.campaigns),
        "seed": report.seed,
        "threshold": report.threshold,
        "confusion_matrix": report.confusion.to_dict(),
        "targets": {
            "false_negative_rate": report.fn_target,
            "false_positive_rate": report.fp_target,
        },
        "meets_targets": report.meets_targets,
        "threshold_meeting_targets": report.suggested_threshold,
        "thresholds": [
            {
                "from": b.low,
                "below": b.high,
                "meets_targets": b.confusion.meets(),
                **b.confusion.to_dict(),
            }
            for b in report.bands
        ],
        "decisions": [
            {
                "campaign_id": c.campaign_id,
                "confidence_score": round(r.confidence, 3),
                "approved": r.approved,
                "actual_net_profit": c.actual_net_profit.to_units(),
            }
            for c, r in zip(report.campaigns, report.results, strict=True)
        ],
    }
