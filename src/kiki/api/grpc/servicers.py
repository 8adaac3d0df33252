"""The kiki.v1 servicers: parse the message, make one call as the caller, convert the result."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import grpc

from kiki.api.grpc.auth import abort, caller, translated
from kiki.application.tenancy import TenantServices
from kiki.core.errors import InvalidInputError, KikiError
from kiki.core.money import Money
from kiki.syncflow.services.run_optimization_cycle import LTV_LOOKBACK_DAYS
from kiki.syncnotify.alert import Alert, Severity
from kiki.synctwin.domain.mirror import DecisionBatch, EventBatch
from kiki.views import flow
from kiki.wire import convert, gate_convert, mirror_convert
from kiki.wire.gen import budget_optimizer_pb2 as bo
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from kiki.wire.gen import campaigns_pb2 as cp
from kiki.wire.gen import campaigns_pb2_grpc as cp_grpc
from kiki.wire.gen import platforms_pb2 as pf
from kiki.wire.gen import platforms_pb2_grpc as pf_grpc
from kiki.wire.gen import synctwin_pb2 as tw
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc


class BudgetOptimizerServicer(bo_grpc.BudgetOptimizerServiceServicer):
    def __init__(self, tenancy: TenantServices) -> None:
        self.tenancy = tenancy

    @translated
    def GetPlatformLTV(
        self, request: bo.PlatformLTVRequest, context: grpc.ServicerContext
    ) -> bo.PlatformLTVResponse:
        as_of_unix_micros = request.as_of_unix_micros or request.as_of_unix_s * 1_000_000
        ltv = self._value(request, as_of_unix_micros, "ltv")
        return bo.PlatformLTVResponse(
            platform=request.platform, ltv_micros=None if ltv is None else ltv.micros
        )

    @translated
    def GetPlatformCAC(
        self, request: bo.PlatformCACRequest, context: grpc.ServicerContext
    ) -> bo.PlatformCACResponse:
        cac = self._value(request, request.as_of_unix_micros, "cac")
        return bo.PlatformCACResponse(
            platform=request.platform, cac_micros=None if cac is None else cac.micros
        )

    def _value(
        self,
        request: bo.PlatformLTVRequest | bo.PlatformCACRequest,
        as_of_unix_micros: int,
        what: str,
    ) -> Money | None:
        if request.lookback_days < 0:
            raise InvalidInputError("lookback_days", "must not be negative")
        as_of = (
            convert.instant_from(as_of_unix_micros, field="as_of") if as_of_unix_micros else None
        )
        return self.tenancy.platform_value(
            caller(),
            request.client_id,
            convert.platform_from(request.platform),
            what=what,
            lookback_days=request.lookback_days or LTV_LOOKBACK_DAYS,
            as_of=as_of,
        )

    @translated
    def RecordBudgetReallocation(
        self, request: bo.BudgetReallocationRequest, context: grpc.ServicerContext
    ) -> bo.BudgetReallocationResponse:
        transfer = convert.transfer_from(request.transfer)
        return bo.BudgetReallocationResponse(
            recorded=self.tenancy.record_transfer(caller(), transfer)
        )

    @translated
    def ListBudgetReallocations(
        self, request: bo.ListBudgetReallocationsRequest, context: grpc.ServicerContext
    ) -> bo.ListBudgetReallocationsResponse:
        since = (
            convert.instant_from(request.since_unix_micros, field="since_unix_micros")
            if request.HasField("since_unix_micros")
            else None
        )
        found = self.tenancy.transfers(caller(), request.client_id or None, since=since)
        return bo.ListBudgetReallocationsResponse(transfers=[convert.transfer_to(t) for t in found])

    @translated
    def SendBudgetAlert(
        self, request: bo.BudgetAlertRequest, context: grpc.ServicerContext
    ) -> bo.BudgetAlertResponse:
        try:
            severity = Severity(request.severity or "INFO")
        except ValueError:
            raise InvalidInputError("severity", "must be INFO, WARNING or CRITICAL") from None
        if not request.title.strip():
            raise InvalidInputError("title", "must not be empty")
        details = convert.alert_details_from(request)
        client_id = request.client_id or None
        alert = Alert(severity, request.title, request.message, client_id, details)
        self.tenancy.send_alert(caller(), alert)
        return bo.BudgetAlertResponse(delivered=True)

    @translated
    def GetBudgetEfficiency(
        self, request: bo.BudgetEfficiencyRequest, context: grpc.ServicerContext
    ) -> bo.BudgetEfficiencyResponse:
        report = self.tenancy.efficiency(caller(), request.client_id, refresh=request.refresh)
        return convert.efficiency_to(report)

    @translated
    def RunOptimizationCycle(
        self, request: bo.RunOptimizationCycleRequest, context: grpc.ServicerContext
    ) -> bo.RunOptimizationCycleResponse:
        report, replayed = self.tenancy.run_cycle(
            caller(),
            request.client_id,
            dry_run=request.dry_run,
            key=request.idempotency_key or None,
        )
        return convert.cycle_to(report, replayed=replayed)

    @translated
    def ListClientStates(
        self, request: bo.ListClientStatesRequest, context: grpc.ServicerContext
    ) -> bo.ListClientStatesResponse:
        states = self.tenancy.client_states(caller())
        return bo.ListClientStatesResponse(clients=[convert.client_state_to(s) for s in states])

    @translated
    def PauseClient(
        self, request: bo.ClientChangeRequest, context: grpc.ServicerContext
    ) -> bo.ClientState:
        status, _ = self.tenancy.pause_client(
            caller(),
            request.client_id,
            note=request.reason or None,
            key=request.idempotency_key or None,
        )
        return convert.client_state_to(status)

    @translated
    def ResumeClient(
        self, request: bo.ClientChangeRequest, context: grpc.ServicerContext
    ) -> bo.ClientState:
        status, _ = self.tenancy.resume_client(
            caller(),
            request.client_id,
            note=request.reason or None,
            key=request.idempotency_key or None,
        )
        return convert.client_state_to(status)

    @translated
    def GetClientSettings(
        self, request: bo.ClientSettingsRequest, context: grpc.ServicerContext
    ) -> bo.ClientSettings:
        found = self.tenancy.settings(caller(), request.client_id)
        return bo.ClientSettings(
            client_id=found.client_id, settings_json=json.dumps(flow.settings(found))
        )

    @translated
    def ChangeClientSettings(
        self, request: bo.ChangeClientSettingsRequest, context: grpc.ServicerContext
    ) -> bo.ClientSettings:
        try:
            changes = json.loads(request.changes_json or "{}")
        except ValueError as exc:
            raise InvalidInputError("changes_json", f"is not JSON ({exc})") from None
        if not isinstance(changes, dict):
            raise InvalidInputError("changes_json", "must be a JSON object")
        found, _ = self.tenancy.change_settings(
            caller(), request.client_id, changes, key=request.idempotency_key or None
        )
        return bo.ClientSettings(
            client_id=found.client_id, settings_json=json.dumps(flow.settings(found))
        )


_LOOKAHEAD = 2  # MirrorBidStream: batches decoded ahead of the answers
_CLIENTS_TTL_S = 1.0  # MirrorBidStream: a tenant's clients are read again after this long


class SyncTwinServicer(tw_grpc.SyncTwinServiceServicer):
    def __init__(self, tenancy: TenantServices) -> None:
        self.tenancy = tenancy

    @translated
    def SimulateStrategy(
        self, request: tw.SimulateStrategyRequest, context: grpc.ServicerContext
    ) -> tw.SimulationResult:
        strategy = convert.strategy_from(request.strategy)
        baseline = convert.baseline_from(request.baseline) if request.HasField("baseline") else None
        seed = request.seed if request.HasField("seed") else None
        result = self.tenancy.simulate(caller(), request.client_id, strategy, baseline, seed=seed)
        return convert.simulation_to(result)

    @translated
    def LaunchCampaign(
        self, request: tw.LaunchCampaignRequest, context: grpc.ServicerContext
    ) -> tw.LaunchCampaignResponse:
        strategy = convert.strategy_from(request.strategy)
        outcome, _ = self.tenancy.launch(
            caller(), request.client_id, strategy, key=request.idempotency_key or None
        )
        return convert.launch_to(outcome)

    @translated
    def GetGateCalibration(
        self, request: tw.GateRequest, context: grpc.ServicerContext
    ) -> tw.GateCalibrationReport:
        report = self.tenancy.gate_calibration(caller(), request.client_id)
        return gate_convert.calibration_report_to(report)

    @translated
    def GetGateTuning(
        self, request: tw.GateRequest, context: grpc.ServicerContext
    ) -> tw.GateThresholdChange:
        change = self.tenancy.gate_tuning(caller(), request.client_id)
        return gate_convert.threshold_change_to(change)

    @translated
    def GetGateReview(
        self, request: tw.GateReviewRequest, context: grpc.ServicerContext
    ) -> tw.GateReview:
        review = self.tenancy.gate_review(caller(), request.client_id, since=request.since or None)
        return gate_convert.review_to(review)

    @translated
    def ApplyGateThreshold(
        self, request: tw.ApplyGateThresholdRequest, context: grpc.ServicerContext
    ) -> tw.GateThresholdChange:
        change, replayed = self.tenancy.apply_gate_threshold(
            caller(), request.client_id, key=request.idempotency_key or None
        )
        return gate_convert.threshold_change_to(change, candidates=False, replayed=replayed)

    def MirrorBidStream(
        self, request_iterator: Iterator[tw.BidStreamBatch], context: grpc.ServicerContext
    ) -> Iterator[tw.MirrorDecisionBatch]:
        """One MirrorDecisionBatch per BidStreamBatch, one decision per event, in order.

        The batches are decided one after the other on one worker thread, in arrival order;
        meanwhile this thread decodes the next batch and encodes the last answer, so the
        mirror's Redis round trip overlaps the protobuf work (up to two batches ahead)."""
        tenant = caller()
        decided: deque[Future[DecisionBatch]] = deque()
        known: list[tuple[float, list[str]]] = []  # when the tenant's clients were read, which

        def decide(events: EventBatch) -> DecisionBatch:  # on the worker, one at a time
            now = time.monotonic()
            if not known or now - known[-1][0] > _CLIENTS_TTL_S:
                known[:] = [(now, self.tenancy.clients(tenant))]
            return self.tenancy.mirror_events(tenant, events, clients=known[-1][1])

        with ThreadPoolExecutor(1, thread_name_prefix="mirror") as worker:
            try:
                for batch in request_iterator:
                    events = mirror_convert.events_from(batch)
                    decided.append(worker.submit(decide, events))
                    while len(decided) > _LOOKAHEAD:
                        yield mirror_convert.decisions_to(decided.popleft().result())
                while decided:
                    yield mirror_convert.decisions_to(decided.popleft().result())
            except KikiError as exc:
                for pending in decided:
                    pending.cancel()
                abort(context, exc)


class CampaignServicer(cp_grpc.CampaignServiceServicer):
    def __init__(self, tenancy: TenantServices) -> None:
        self.tenancy = tenancy

    @translated
    def ListCampaigns(
        self, request: cp.ListCampaignsRequest, context: grpc.ServicerContext
    ) -> cp.ListCampaignsResponse:
        found = self.tenancy.campaigns(caller(), request.client_id)
        return cp.ListCampaignsResponse(
            campaigns=[convert.campaign_to(c) for c in found.campaigns],
            stale={p.value: why for (_, p), why in found.stale.items()},
        )

    @translated
    def PauseCampaign(
        self, request: cp.CampaignChangeRequest, context: grpc.ServicerContext
    ) -> cp.Campaign:
        campaign, _ = self.tenancy.pause_campaign(
            caller(),
            request.client_id,
            request.campaign_id,
            note=request.reason or None,
            key=request.idempotency_key or None,
        )
        return convert.campaign_to(campaign)

    @translated
    def ResumeCampaign(
        self, request: cp.CampaignChangeRequest, context: grpc.ServicerContext
    ) -> cp.Campaign:
        campaign, _ = self.tenancy.resume_campaign(
            caller(),
            request.client_id,
            request.campaign_id,
            note=request.reason or None,
            key=request.idempotency_key or None,
        )
        return convert.campaign_to(campaign)


class PlatformServicer(pf_grpc.PlatformServiceServicer):
    def __init__(self, tenancy: TenantServices) -> None:
        self.tenancy = tenancy

    @translated
    def ListConnections(
        self, request: pf.ListConnectionsRequest, context: grpc.ServicerContext
    ) -> pf.ListConnectionsResponse:
        found = self.tenancy.connections(caller(), request.client_id)
        return pf.ListConnectionsResponse(connections=[convert.connection_to(c) for c in found])

    @translated
    def Connect(self, request: pf.ConnectRequest, context: grpc.ServicerContext) -> pf.Connection:
        done, _ = self.tenancy.connect(
            caller(),
            request.client_id,
            convert.platform_from(request.platform),
            adapter=request.adapter,
            account=request.account,
            credentials=request.credentials or None,
            key=request.idempotency_key or None,
        )
        return convert.connection_to(done.connection, replaced=done.replaced is not None)

    @translated
    def Disconnect(
        self, request: pf.DisconnectRequest, context: grpc.ServicerContext
    ) -> pf.Connection:
        gone, _ = self.tenancy.disconnect(
            caller(),
            request.client_id,
            convert.platform_from(request.platform),
            key=request.idempotency_key or None,
        )
        return convert.connection_to(gone)

    @translated
    def CheckPlatforms(
        self, request: pf.CheckPlatformsRequest, context: grpc.ServicerContext
    ) -> pf.CheckPlatformsResponse:
        return convert.platform_check_to(self.tenancy.check_platforms(caller(), request.client_id))
