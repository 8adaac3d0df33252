"""The kiki.v1 servicers: parse the message, call Operations as the caller, build the reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from kiki.api.grpc import convert
from kiki.api.grpc.auth import caller, translated
from kiki.api.grpc.gen import budget_optimizer_pb2 as bo
from kiki.api.grpc.gen import budget_optimizer_pb2_grpc as bo_grpc
from kiki.api.grpc.gen import synctwin_pb2 as tw
from kiki.api.grpc.gen import synctwin_pb2_grpc as tw_grpc
from kiki.api.operations import Operations, TwinAndValueOperations
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.services.run_optimization_cycle import LTV_LOOKBACK_DAYS
from kiki.syncnotify.alert import Alert, Severity


class BudgetOptimizerServicer(bo_grpc.BudgetOptimizerServiceServicer):
    def __init__(self, ops: Operations) -> None:
        self.ops = ops
        self.app = ops.app

    @translated
    def GetPlatformLTV(
        self, request: bo.PlatformLTVRequest, context: grpc.ServicerContext
    ) -> bo.PlatformLTVResponse:
        as_of_unix_micros = request.as_of_unix_micros or request.as_of_unix_s * 1_000_000
        ltv = self._value(request, as_of_unix_micros, self.app.values.platform_ltv)
        return bo.PlatformLTVResponse(
            platform=request.platform, ltv_micros=None if ltv is None else ltv.micros
        )

    @translated
    def GetPlatformCAC(
        self, request: bo.PlatformCACRequest, context: grpc.ServicerContext
    ) -> bo.PlatformCACResponse:
        cac = self._value(request, request.as_of_unix_micros, self.app.values.platform_cac)
        return bo.PlatformCACResponse(
            platform=request.platform, cac_micros=None if cac is None else cac.micros
        )

    def _value(
        self,
        request: bo.PlatformLTVRequest | bo.PlatformCACRequest,
        as_of_unix_micros: int,
        read: Callable[..., Money | None],
    ) -> Money | None:
        client_id = self.ops.client(caller(), request.client_id)
        platform = convert.platform_from(request.platform)
        if request.lookback_days < 0:
            raise InvalidInputError("lookback_days", "must not be negative")
        as_of = (
            convert.instant_from(as_of_unix_micros) if as_of_unix_micros else self.app.clock.now()
        )
        return read(
            client_id,
            platform,
            lookback_days=request.lookback_days or LTV_LOOKBACK_DAYS,
            as_of=as_of,
        )

    @translated
    def RecordBudgetReallocation(
        self, request: bo.BudgetReallocationRequest, context: grpc.ServicerContext
    ) -> bo.BudgetReallocationResponse:
        transfer = convert.transfer_from(request.transfer)
        self.ops.client(caller(), transfer.client_id)
        return bo.BudgetReallocationResponse(recorded=self.app.ledger.record(transfer))

    @translated
    def ListBudgetReallocations(
        self, request: bo.ListBudgetReallocationsRequest, context: grpc.ServicerContext
    ) -> bo.ListBudgetReallocationsResponse:
        tenant = caller()
        since = (
            convert.instant_from(request.since_unix_micros)
            if request.HasField("since_unix_micros")
            else None
        )
        if request.client_id:
            client_id = self.ops.client(tenant, request.client_id)
            found = self.app.ledger.transfers(client_id=client_id, since=since)
        else:
            # One read, filtered, keeps the ledger's recording order across the clients.
            clients = set(self.app.directory.clients(tenant.tenant_id))
            found = [t for t in self.app.ledger.transfers(since=since) if t.client_id in clients]
        return bo.ListBudgetReallocationsResponse(transfers=[convert.transfer_to(t) for t in found])

    @translated
    def SendBudgetAlert(
        self, request: bo.BudgetAlertRequest, context: grpc.ServicerContext
    ) -> bo.BudgetAlertResponse:
        client_id = self.ops.client(caller(), request.client_id) if request.client_id else None
        try:
            severity = Severity(request.severity or "INFO")
        except ValueError:
            raise InvalidInputError("severity", "must be INFO, WARNING or CRITICAL") from None
        if not request.title.strip():
            raise InvalidInputError("title", "must not be empty")
        details = convert.alert_details_from(request)
        alert = Alert(severity, request.title, request.message, client_id, details)
        self.app.notifier.send(alert)
        return bo.BudgetAlertResponse(delivered=True)

    @translated
    def GetBudgetEfficiency(
        self, request: bo.BudgetEfficiencyRequest, context: grpc.ServicerContext
    ) -> bo.BudgetEfficiencyResponse:
        report = self.ops.efficiency_report(caller(), request.client_id)
        plan = report.plan
        best = plan.best if plan else None
        return bo.BudgetEfficiencyResponse(
            timestamp=int(report.at.timestamp()),
            average_efficiency=plan.average_efficiency if plan else 0.0,
            best_platform=convert.platform_to(best.platform if best else None),
            best_efficiency=best.efficiency if best else 0.0,
            platform_details=[
                bo.PlatformDetail(
                    platform=convert.platform_to(p.platform),
                    ltv_micros=p.ltv.micros,
                    cac_micros=p.cac.micros,
                    efficiency=p.efficiency,
                    daily_budget_micros=p.daily_budget.micros,
                )
                for p in (plan.platforms if plan else ())
            ],
        )

    @translated
    def RunOptimizationCycle(
        self, request: bo.RunOptimizationCycleRequest, context: grpc.ServicerContext
    ) -> bo.RunOptimizationCycleResponse:
        view, replayed = self.ops.run_cycle(
            caller(),
            request.client_id,
            dry_run=request.dry_run,
            key=request.idempotency_key or None,
        )
        best = view["best_platform"]
        return bo.RunOptimizationCycleResponse(
            status=view["status"],
            average_efficiency=view["average_efficiency"] or 0.0,
            best_platform=convert.platform_to(Platform(best) if best else None),
            underperformers=[convert.platform_to(Platform(p)) for p in view["underperformers"]],
            planned_shifts=[_shift(s) for s in view["planned_shifts"]],
            outcomes=[_shift(s) for s in view["outcomes"]],
            replayed=replayed,
        )


def _shift(view: dict[str, Any]) -> bo.Shift:
    return bo.Shift(
        shift_id=view.get("shift_id", ""),
        from_platform=convert.platform_to(Platform(view["from"])),
        to_platform=convert.platform_to(Platform(view["to"])),
        amount_micros=view["amount_micros"],
        reason=view.get("reason", ""),
        result=view.get("result", ""),
        detail=view.get("detail", ""),
    )


class SyncTwinServicer(tw_grpc.SyncTwinServiceServicer):
    def __init__(self, twin: TwinAndValueOperations) -> None:
        self.twin = twin

    @translated
    def SimulateStrategy(
        self, request: tw.SimulateStrategyRequest, context: grpc.ServicerContext
    ) -> tw.SimulationResult:
        strategy = convert.strategy_from(request.strategy)
        baseline = convert.baseline_from(request.baseline) if request.HasField("baseline") else None
        seed = request.seed if request.HasField("seed") else None
        result = self.twin.simulate(caller(), request.client_id, strategy, baseline, seed=seed)
        return convert.simulation_to(result)

    @translated
    def LaunchCampaign(
        self, request: tw.LaunchCampaignRequest, context: grpc.ServicerContext
    ) -> tw.LaunchCampaignResponse:
        strategy = convert.strategy_from(request.strategy)
        view, _ = self.twin.launch(
            caller(), request.client_id, strategy, key=request.idempotency_key or None
        )
        return tw.LaunchCampaignResponse(
            approved=view["approved"],
            campaign_id=view["campaign_id"] or "",
            decision_id=view["decision_id"],
            simulation=convert.simulation_dict_to(view["simulation"]),
            message=view["message"],
        )
