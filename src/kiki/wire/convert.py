"""Between protobuf messages and KIKI's values: money as int64 micros, platforms by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from kiki.application import inputs
from kiki.application.results import EfficiencyReport
from kiki.campaigns.domain import Campaign
from kiki.core.errors import InvalidInputError
from kiki.core.limits import bounded_instant
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.checks import PlatformCheck
from kiki.platforms.connections import Connection
from kiki.syncflow.domain.client_state import ClientStatus
from kiki.syncflow.domain.plan import PlannedShift
from kiki.syncflow.domain.report import CycleReport, ShiftOutcome
from kiki.syncledger.ledger import Transfer, TransferKind
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.simulation import SimulationResult
from kiki.synctwin.services.launch_campaign import LaunchOutcome
from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import campaigns_pb2 as cp
from kiki.wire.gen import platforms_pb2 as pf
from kiki.wire.gen import synctwin_pb2 as tw


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


def instant_from(unix_micros: int, *, field: str = "timestamp") -> datetime:
    """Exact to the microsecond (a float timestamp is not, this far from 1970); an instant
    outside KIKI's bounds (``kiki.core.limits``) is InvalidInputError naming ``field``."""
    try:
        moment = _EPOCH + unix_micros * _MICROSECOND
    except OverflowError:  # past year 9999 either way: past the bounds too
        moment = datetime.max.replace(tzinfo=UTC)
    return bounded_instant(moment, field=field)


def instant_to(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def transfer_from(m: bo.Transfer) -> Transfer:
    try:
        kind = TransferKind(m.kind)
    except ValueError:
        kinds = ", ".join(k.value for k in TransferKind)
        raise InvalidInputError("transfer.kind", f"must be one of {kinds}") from None
    with inputs.prefixed("transfer"):
        return _transfer(m, kind)


def _transfer(m: bo.Transfer, kind: TransferKind) -> Transfer:
    return Transfer(
        transfer_id=m.transfer_id,
        client_id=m.client_id,
        shift_id=m.shift_id,
        kind=kind,
        source=m.source_account,
        destination=m.destination_account,
        amount=inputs.budget_micros(m.amount_micros, field="amount_micros"),
        reason=m.reason,
        at=instant_from(m.at_unix_micros, field="at_unix_micros"),
        corrects=m.corrects if m.HasField("corrects") else None,
        bound_for=m.bound_for if m.HasField("bound_for") else None,
        source_before=(
            inputs.budget_micros(m.source_before_micros, field="source_before_micros")
            if m.HasField("source_before_micros")
            else None
        ),
        destination_before=(
            inputs.budget_micros(m.destination_before_micros, field="destination_before_micros")
            if m.HasField("destination_before_micros")
            else None
        ),
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
        source_before_micros=None if t.source_before is None else t.source_before.micros,
        destination_before_micros=(
            None if t.destination_before is None else t.destination_before.micros
        ),
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
    with inputs.prefixed("strategy"):
        return _strategy(m)


def _strategy(m: tw.Strategy) -> Strategy:
    return Strategy(
        audience_size=m.audience_size,
        cvr=inputs.number(m.cvr, field="strategy.cvr"),
        daily_budget=inputs.budget_micros(
            m.daily_budget_micros, field="strategy.daily_budget_micros"
        ),
        platform=Platform.META
        if m.platform == bo.PLATFORM_UNSPECIFIED
        else platform_from(m.platform, field="strategy.platform"),
        name=m.name or "campaign",
    )


def baseline_from(m: tw.Baseline) -> Baseline:
    with inputs.prefixed("baseline"):
        return _baseline(m)


def _baseline(m: tw.Baseline) -> Baseline:
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


def launch_to(outcome: LaunchOutcome) -> tw.LaunchCampaignResponse:
    return tw.LaunchCampaignResponse(
        approved=outcome.approved,
        campaign_id=outcome.campaign_id or "",
        decision_id=outcome.decision_id,
        simulation=simulation_to(outcome.result),
        message=outcome.message,
    )


def efficiency_to(report: EfficiencyReport) -> bo.BudgetEfficiencyResponse:
    reading = report.reading
    plan = reading.plan
    best = plan.best if plan else None
    return bo.BudgetEfficiencyResponse(
        timestamp=int(reading.at.timestamp()),
        average_efficiency=plan.average_efficiency if plan else 0.0,
        best_platform=platform_to(best.platform if best else None),
        best_efficiency=best.efficiency if best else 0.0,
        platform_details=[
            bo.PlatformDetail(
                platform=platform_to(p.platform),
                ltv_micros=p.ltv.micros,
                cac_micros=p.cac.micros,
                efficiency=p.efficiency,
                daily_budget_micros=p.daily_budget.micros,
            )
            for p in (plan.platforms if plan else ())
        ],
        read_at_unix_micros=instant_to(reading.at),
        age_s=report.age_s,
    )


def cycle_to(report: CycleReport, *, replayed: bool) -> bo.RunOptimizationCycleResponse:
    plan = report.plan
    return bo.RunOptimizationCycleResponse(
        status=report.status.value,
        average_efficiency=plan.average_efficiency if plan else 0.0,
        best_platform=platform_to(plan.best.platform if plan and plan.best else None),
        underperformers=[platform_to(p) for p in (plan.underperformers if plan else ())],
        planned_shifts=[_shift(s) for s in (plan.shifts if plan else ())],
        outcomes=[_shift(o.shift, o) for o in report.outcomes],
        replayed=replayed,
    )


def _shift(shift: PlannedShift, outcome: ShiftOutcome | None = None) -> bo.Shift:
    return bo.Shift(
        shift_id=outcome.shift_id if outcome else "",
        from_platform=platform_to(shift.source),
        to_platform=platform_to(shift.destination),
        amount_micros=shift.amount.micros,
        reason=shift.reason,
        result=outcome.result.value if outcome else "",
        detail=outcome.detail if outcome else "",
    )


def campaign_to(item: Campaign) -> cp.Campaign:
    state = item.state
    return cp.Campaign(
        campaign_id=state.campaign_id,
        client_id=state.client_id,
        platform=platform_to(state.platform),
        name=state.name,
        status=state.status.value,
        pause_reason=item.pause_reason.value if item.pause_reason else "",
        daily_budget_micros=state.daily_budget.micros,
        bid_strategy=state.bid.strategy.value,
        bid_micros=state.bid.micros,
        created_at_unix_micros=instant_to(state.created_at),
    )


def client_state_to(status: ClientStatus) -> bo.ClientState:
    return bo.ClientState(
        client_id=status.client_id,
        state=status.state.value,
        reason=status.reason,
        since_unix_micros=None if status.since is None else instant_to(status.since),
    )


def connection_to(item: Connection, *, replaced: bool = False) -> pf.Connection:
    return pf.Connection(
        client_id=item.client_id,
        platform=platform_to(item.platform),
        adapter=item.adapter,
        account_id=item.account_id,
        credentials=item.credentials or "",
        connected_at_unix_micros=instant_to(item.connected_at),
        replaced=replaced,
    )


def platform_check_to(result: PlatformCheck) -> pf.CheckPlatformsResponse:
    def micros(amount: Money | None) -> int | None:
        return None if amount is None else amount.micros

    return pf.CheckPlatformsResponse(
        client_id=result.client_id,
        ok=result.ok,
        accounts=[
            pf.AccountCheck(
                platform=platform_to(a.platform),
                adapter=a.adapter,
                account_id=a.account_id,
                problem=a.problem or "",
                daily_budget_micros=micros(a.daily_budget),
                spend_today_micros=micros(a.spend_today),
                conversions_today=a.conversions_today,
                campaigns=a.campaigns,
                active_campaigns=a.active_campaigns,
            )
            for a in result.accounts
        ],
    )
