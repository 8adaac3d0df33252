"""Between protobuf messages and KIKI's values: money as int64 micros, platforms by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from kiki.api import inputs
from kiki.api.grpc.gen import budget_optimizer_pb2 as bo
from kiki.api.grpc.gen import synctwin_pb2 as tw
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncledger.ledger import Transfer, TransferKind
from kiki.synctwin import Baseline, SimulationResult, Strategy


def platform_from(value: int, *, field: str = "platform") -> Platform:
    if value == bo.PLATFORM_UNSPECIFIED or value not in bo.Platform.values():
        raise InvalidInputError(field, "must be one of the six platforms")
    return Platform(bo.Platform.Name(value))


def platform_to(platform: Platform | None) -> bo.Platform:
    return _TO_PROTO[platform] if platform else bo.PLATFORM_UNSPECIFIED


_TO_PROTO: dict[Platform, bo.Platform] = {
    Platform.META: bo.PLATFORM_META,
    Platform.GOOGLE: bo.PLATFORM_GOOGLE,
    Platform.TIKTOK: bo.PLATFORM_TIKTOK,
    Platform.LINKEDIN: bo.PLATFORM_LINKEDIN,
    Platform.AMAZON: bo.PLATFORM_AMAZON,
    Platform.MICROSOFT: bo.PLATFORM_MICROSOFT,
}


def micros(units: float) -> int:
    return round(units * 1_000_000)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def instant_from(unix_micros: int) -> datetime:
    """Exact to the microsecond (a float timestamp is not, this far from 1970)."""
    return _EPOCH + unix_micros * _MICROSECOND


def instant_to(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def transfer_from(m: bo.Transfer) -> Transfer:
    try:
        kind = TransferKind(m.kind)
    except ValueError:
        raise InvalidInputError(
            "transfer.kind", "must be SHIFT_OUT, SHIFT_IN or ROLLBACK"
        ) from None
    return Transfer(
        transfer_id=m.transfer_id,
        client_id=m.client_id,
        shift_id=m.shift_id,
        kind=kind,
        source=m.source_account,
        destination=m.destination_account,
        amount=inputs.budget_micros(m.amount_micros, field="transfer.amount_micros"),
        reason=m.reason,
        at=instant_from(m.at_unix_micros),
        corrects=m.corrects if m.HasField("corrects") else None,
        bound_for=m.bound_for if m.HasField("bound_for") else None,
    )


def transfer_to(t: Transfer) -> bo.Transfer:
    return bo.Transfer(
        transfer_id=t.transfer_id,
        client_id=t.client_id,
        shift_id=t.shift_id,
        kind=t.kind.value,
        source_account=t.source,
        destination_account=t.destination,
        amount_micros=t.amount.micros,
        reason=t.reason,
        at_unix_micros=instant_to(t.at),
        corrects=t.corrects,
        bound_for=t.bound_for,
    )


def alert_details_from(m: bo.BudgetAlertRequest) -> dict[str, Any]:
    """The typed JSON details when the caller sent them, else the text map."""
    if not m.details_json:
        return dict(m.details)
    try:
        details = json.loads(m.details_json)
    except ValueError:
        raise InvalidInputError("details_json", "must be a JSON object") from None
    if not isinstance(details, dict):
        raise InvalidInputError("details_json", "must be a JSON object")
    return details


def strategy_from(m: tw.Strategy) -> Strategy:
    return Strategy(
        audience_size=m.audience_size,
        cvr=inputs.ratio(m.cvr, field="strategy.cvr"),
        daily_budget=inputs.budget_micros(
            m.daily_budget_micros, field="strategy.daily_budget_micros"
        ),
        platform=Platform.META
        if m.platform == bo.PLATFORM_UNSPECIFIED
        else platform_from(m.platform, field="strategy.platform"),
        name=m.name or "campaign",
    )


def baseline_from(m: tw.Baseline) -> Baseline:
    return Baseline(
        avg_order_value=inputs.budget_micros(m.avg_order_value_micros, field="avg_order_value"),
        monthly_revenue=_money(m.monthly_revenue_micros, "baseline.monthly_revenue_micros"),
        monthly_ad_spend=_money(m.monthly_ad_spend_micros, "baseline.monthly_ad_spend_micros"),
    )


def _money(value: int, field: str) -> Money:
    if value < 0:
        raise InvalidInputError(field, "must not be negative")
    return Money(value)


def simulation_to(r: SimulationResult) -> tw.SimulationResult:
    return tw.SimulationResult(
        approved=r.approved,
        confidence_score=round(r.confidence, 3),
        projected_net_profit_uplift_micros=micros(r.projected_uplift),
        risk_profile=r.risk_profile,
        seed=str(r.seed),
        total_simulations=r.total_simulations,
        positive_outcomes=r.positive_outcomes,
        p10_uplift_micros=micros(r.p10_uplift),
        p90_uplift_micros=micros(r.p90_uplift),
        exact_confidence=r.exact_confidence,
        standard_error=r.standard_error,
        threshold=r.threshold,
    )


def simulation_dict_to(d: dict[str, object]) -> tw.SimulationResult:
    """From a stored ``SimulationResult.to_dict()`` (an idempotent launch's first answer)."""
    details = d["simulation_details"]
    assert isinstance(details, dict)  # noqa: S101  # the shape to_dict writes
    exact = d.get("exact_confidence")
    return tw.SimulationResult(
        approved=bool(d["approved"]),
        confidence_score=float(str(d["confidence_score"])),
        projected_net_profit_uplift_micros=micros(float(str(d["projected_net_profit_uplift"]))),
        risk_profile=str(d["risk_profile"]),
        seed=str(d["seed"]),
        total_simulations=int(details["total_simulations"]),
        positive_outcomes=int(details["positive_outcomes"]),
        p10_uplift_micros=micros(float(details["p10_uplift"])),
        p90_uplift_micros=micros(float(details["p90_uplift"])),
        exact_confidence=None if exact is None else float(str(exact)),
        standard_error=float(str(d["standard_error"])),
        threshold=float(str(d["threshold"])),
    )
