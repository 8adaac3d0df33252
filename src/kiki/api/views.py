"""What the API answers, as JSON-ready dicts: money as currency units and as micros."""

from __future__ import annotations

from typing import Any

from kiki.core.money import Money
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.services.run_optimization_cycle import CycleReport
from kiki.syncledger.ledger import ShiftRecord


def money(value: Money | None) -> float | None:
    return None if value is None else value.to_units()


def budget_efficiency(report: CycleReport) -> dict[str, Any]:
    """The seed's ``/budget-efficiency`` shape, from a dry-run cycle's plan."""
    plan = report.plan
    details = [
        {
            "platform": p.platform.value,
            "ltv": p.ltv.to_units(),
            "cac": p.cac.to_units(),
            "efficiency": p.efficiency,
            "daily_budget": p.daily_budget.to_units(),
        }
        for p in (plan.platforms if plan else ())
    ]
    best = plan.best if plan else None
    return {
        "timestamp": int(report.at.timestamp()),
        "average_efficiency": plan.average_efficiency if plan else 0.0,
        "best_platform": best.platform.value if best else None,
        "best_efficiency": best.efficiency if best else None,
        "platform_details": details,
    }


def cycle(report: CycleReport) -> dict[str, Any]:
    plan = report.plan
    return {
        "client_id": report.client_id,
        "status": report.status.value,
        "at": report.at.isoformat(),
        "average_efficiency": plan.average_efficiency if plan else None,
        "threshold": plan.cutoff if plan else None,
        "best_platform": plan.best.platform.value if plan and plan.best else None,
        "underperformers": [p.value for p in plan.underperformers] if plan else [],
        "left_out": [p.value for p in plan.left_out] if plan else [],
        "planned_shifts": [
            {
                "from": s.source.value,
                "to": s.destination.value,
                "amount": s.amount.to_units(),
                "amount_micros": s.amount.micros,
                "reason": s.reason,
            }
            for s in (plan.shifts if plan else ())
        ],
        "outcomes": [
            {
                "shift_id": o.shift_id,
                "from": o.shift.source.value,
                "to": o.shift.destination.value,
                "amount": o.shift.amount.to_units(),
                "amount_micros": o.shift.amount.micros,
                "result": o.result.value,
                "detail": o.detail,
            }
            for o in report.outcomes
        ],
        "errors": {p.value: e for p, e in report.errors.items()},
    }


def shift(record: ShiftRecord) -> dict[str, Any]:
    return {
        "shift_id": record.shift_id,
        "client_id": record.client_id,
        "at": record.at.isoformat(),
        "from": record.source.value,
        "to": record.destination.value,
        "amount": record.amount.to_units(),
        "amount_micros": record.amount.micros,
        "reason": record.reason,
        "status": record.status.value,
    }


def settings(client_id: str, config: OptimizerConfig) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "efficiency_threshold": config.efficiency_threshold,
        "reallocation_percent": config.reallocation_percent,
        "cooldown_s": config.cooldown_s,
        "allow": None if config.allow is None else sorted(p.value for p in config.allow),
        "deny": sorted(p.value for p in config.deny),
        "limits": {
            p.value: {"floor": money(lim.floor), "ceiling": money(lim.ceiling)}
            for p, lim in sorted(config.limits.items(), key=lambda kv: kv[0].rank)
        },
    }
