"""SyncFlow's results as JSON: plans, cycles, the seed's /budget-efficiency, shifts, settings."""

from __future__ import annotations

from typing import Any

from kiki.application.results import ClientSettings, EfficiencyReport
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.plan import CyclePlan
from kiki.syncflow.domain.report import CycleReport
from kiki.syncledger.ledger import ShiftRecord


def units(value: Money | None) -> float | None:
    return None if value is None else value.to_units()


def plan(p: CyclePlan | None) -> dict[str, Any]:
    """The documented plan shape (a what-if's whole answer; a cycle's core)."""
    return {
        "average_efficiency": p.average_efficiency if p else None,
        "threshold": p.cutoff if p else None,
        "best_platform": p.best.platform.value if p and p.best else None,
        "underperformers": [x.value for x in p.underperformers] if p else [],
        "shifts": [
            {
                "from": s.source.value,
                "to": s.destination.value,
                "amount": s.amount.to_units(),
                "amount_micros": s.amount.micros,
                "reason": s.reason,
            }
            for s in (p.shifts if p else ())
        ],
        "platforms": [
            {
                "platform": x.platform.value,
                "ltv": x.ltv.to_units(),
                "cac": x.cac.to_units(),
                "efficiency": x.efficiency,
                "daily_budget": x.daily_budget.to_units(),
            }
            for x in (p.platforms if p else ())
        ],
        "left_out": [x.value for x in p.left_out] if p else [],
        "left_out_reasons": left_out_reasons(p, {}),
        "holds": [{"platform": h.platform.value, "reason": h.reason} for h in p.holds] if p else [],
    }


def left_out_reasons(p: CyclePlan | None, errors: dict[Platform, str]) -> dict[str, str]:
    """Per platform left out of the cycle, why: ``ltv_unknown``, ``cac_unknown``, ``cac_zero``,
    ``not_finite``, or ``api_failed`` (the platform could not be read at all)."""
    reasons = {x.platform: x.reason for x in (p.left_out_detail if p else ())}
    reasons |= {platform: "api_failed" for platform in errors if platform not in reasons}
    return {x.value: reasons[x] for x in sorted(reasons, key=lambda x: x.rank)}


def cycle(report: CycleReport, *, note: str | None = None) -> dict[str, Any]:
    """A cycle's answer; platforms that could not be read are left out too (``api_failed``),
    and ``left_out_note`` says why platforms had no LTV when the imported data is old."""
    body = plan(report.plan)
    reasons = left_out_reasons(report.plan, report.errors)
    body["left_out"] = list(reasons)
    body["left_out_reasons"] = reasons
    return {
        "client_id": report.client_id,
        "status": report.status.value,
        "at": report.at.isoformat(),
        **body,
        "left_out_note": note,
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


def budget_efficiency(report: EfficiencyReport, *, note: str | None = None) -> dict[str, Any]:
    """The seed's ``/budget-efficiency`` shape, plus when the figures were read and which
    platforms were left out, and why."""
    reading = report.reading
    p = reading.plan
    best = p.best if p else None
    return {
        "timestamp": int(reading.at.timestamp()),
        "average_efficiency": p.average_efficiency if p else 0.0,
        "best_platform": best.platform.value if best else None,
        "best_efficiency": best.efficiency if best else None,
        "platform_details": plan(p)["platforms"],
        "read_at": reading.at.isoformat(),
        "age_s": round(report.age_s, 3),
        "left_out_reasons": left_out_reasons(p, reading.errors),
        "left_out_note": note,
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


def settings(result: ClientSettings) -> dict[str, Any]:
    config = result.config
    return {
        "client_id": result.client_id,
        "efficiency_threshold": config.efficiency_threshold,
        "reallocation_percent": config.reallocation_percent,
        "cooldown_s": config.cooldown_s,
        "allow": None if config.allow is None else sorted(p.value for p in config.allow),
        "deny": sorted(p.value for p in config.deny),
        "limits": {
            p.value: {"floor": units(lim.floor), "ceiling": units(lim.ceiling)}
            for p, lim in sorted(config.limits.items(), key=lambda kv: kv[0].rank)
        },
    }
