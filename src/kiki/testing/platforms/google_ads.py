"""A fake of the Google Ads API (``v26``, gRPC over TLS) over a ``FakeMarket``, built from
google-ads' own generated types (the package ships no servicers; no protoc needed).

Serves ``GoogleAdsService.SearchStream`` (the GAQL the Google adapter sends: campaigns with
budgets, bids and the customer's currency and zone; hourly metrics between two dates; a
currency's billable unit), ``GoogleAdsService.Mutate`` (a budget and a campaign created
together), ``CampaignBudgetService.MutateCampaignBudgets`` and
``CampaignService.MutateCampaigns``. Errors travel as Google's do: a status code and a
``GoogleAdsFailure`` in the trailing metadata; an outage is UNAVAILABLE, throttling
RESOURCE_EXHAUSTED with a ``retry_delay``. Needs kiki[google].
"""

from __future__ import annotations

import re
import uuid
from concurrent import futures
from datetime import datetime
from importlib import import_module
from typing import Any, NoReturn

import grpc
from google.protobuf import duration_pb2, field_mask_pb2

from kiki.campaigns.domain import Bid, BidStrategy, CampaignState, PauseReason
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.testing.platforms.market import FakeMarket, numeric_id
from kiki.testing.platforms.oauth import FakeTokenEndpoint

GOOGLE = Platform.GOOGLE
VERSION = "v26"
UNIT_MICROS = 10_000  # USD: a budget is a whole number of cents
_P = f"google.ads.googleads.{VERSION}"
FAILURE_KEY = f"{_P}.errors.googleadsfailure-bin"


def _types(name: str) -> Any:
    return import_module(f"{_P}.services.types.{name}")


class FakeGoogleAds:
    """``with FakeGoogleAds(market, tokens, developer_token=…, tls=(cert, key)) as g: g.target``
    (``localhost:PORT``); clients must trust ``cert``."""

    def __init__(
        self,
        market: FakeMarket,
        tokens: FakeTokenEndpoint,
        *,
        developer_token: str,
        tls: tuple[bytes, bytes],
    ) -> None:
        self.market = market
        self.tokens = tokens
        self.developer_token = developer_token
        self._gas = _types("google_ads_service")
        self._cbs = _types("campaign_budget_service")
        self._cs = _types("campaign_service")
        self._errors = import_module(f"{_P}.errors.types")
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        self._server.add_generic_rpc_handlers(self._handlers())
        credentials = grpc.ssl_server_credentials([(tls[1], tls[0])])
        port = self._server.add_secure_port("localhost:0", credentials)
        self.target = f"localhost:{port}"

    def __enter__(self) -> FakeGoogleAds:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop(grace=None)

    # -- plumbing ----------------------------------------------------------------------------
    def _handlers(self) -> list[grpc.GenericRpcHandler]:
        gas, cbs, cs = self._gas, self._cbs, self._cs

        def unary(fn: Any, request: Any, response: Any) -> grpc.RpcMethodHandler[Any, Any]:
            return grpc.unary_unary_rpc_method_handler(
                self._guarded(fn),
                request_deserializer=request.deserialize,
                response_serializer=response.serialize,
            )

        stream = grpc.unary_stream_rpc_method_handler(
            self._search_stream,
            request_deserializer=gas.SearchGoogleAdsStreamRequest.deserialize,
            response_serializer=gas.SearchGoogleAdsStreamResponse.serialize,
        )
        mutate = unary(self._mutate, gas.MutateGoogleAdsRequest, gas.MutateGoogleAdsResponse)
        return [
            grpc.method_handlers_generic_handler(
                f"{_P}.services.GoogleAdsService", {"SearchStream": stream, "Mutate": mutate}
            ),
            grpc.method_handlers_generic_handler(
                f"{_P}.services.CampaignBudgetService",
                {
                    "MutateCampaignBudgets": unary(
                        self._mutate_budgets,
                        cbs.MutateCampaignBudgetsRequest,
                        cbs.MutateCampaignBudgetsResponse,
                    )
                },
            ),
            grpc.method_handlers_generic_handler(
                f"{_P}.services.CampaignService",
                {
                    "MutateCampaigns": unary(
                        self._mutate_campaigns,
                        cs.MutateCampaignsRequest,
                        cs.MutateCampaignsResponse,
                    )
                },
            ),
        ]

    def _guarded(self, fn: Any) -> Any:
        def call(request: Any, context: grpc.ServicerContext) -> Any:
            client = self._pre(request, context, fn.__name__)
            try:
                answer = fn(request, context, client)
            except PlatformUnavailableError:
                self._abort(context, grpc.StatusCode.UNAVAILABLE, None, "backend unavailable")
            self.market.scenario.stall(GOOGLE)
            return answer

        return call

    def _pre(self, request: Any, context: grpc.ServicerContext, operation: str) -> str:
        metadata = dict(context.invocation_metadata())
        retry_after = self.market.scenario.served(GOOGLE, operation)
        if retry_after is not None:
            failure = self._failure(
                "quota_error",
                self._errors.QuotaErrorEnum.QuotaError.RESOURCE_EXHAUSTED,
                "Too many requests.",
                retry_delay_s=retry_after,
            )
            self._abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, failure, "Resource exhausted")
        bearer = str(metadata.get("authorization", "")).removeprefix("Bearer ")
        if not self.tokens.valid(bearer):
            failure = self._failure(
                "authentication_error",
                self._errors.AuthenticationErrorEnum.AuthenticationError.OAUTH_TOKEN_EXPIRED,
                "Request had invalid authentication credentials.",
            )
            self._abort(context, grpc.StatusCode.UNAUTHENTICATED, failure, "Unauthenticated")
        if metadata.get("developer-token") != self.developer_token:
            failure = self._failure(
                "authorization_error",
                self._errors.AuthorizationErrorEnum.AuthorizationError.DEVELOPER_TOKEN_PROHIBITED,
                "Developer token is not allowed.",
            )
            self._abort(context, grpc.StatusCode.PERMISSION_DENIED, failure, "Permission denied")
        client = self.market.client_of(GOOGLE, request.customer_id)
        if client is None:
            failure = self._failure(
                "request_error",
                self._errors.RequestErrorEnum.RequestError.INVALID_CUSTOMER_ID,
                f"Invalid customer ID '{request.customer_id}'.",
            )
            self._abort(context, grpc.StatusCode.INVALID_ARGUMENT, failure, "Invalid argument")
        return client

    def _failure(
        self,
        kind: str,
        value: Any,
        message: str,
        *,
        trigger: str | None = None,
        retry_delay_s: float | None = None,
    ) -> Any:
        errors = self._errors
        error = errors.GoogleAdsError(message=message, error_code=errors.ErrorCode(**{kind: value}))
        if trigger is not None:
            error.trigger.string_value = trigger
        if retry_delay_s is not None:
            error.details = errors.ErrorDetails(
                quota_error_details=errors.QuotaErrorDetails(
                    rate_name="Number of operations",
                    retry_delay=duration_pb2.Duration(seconds=round(retry_delay_s)),
                )
            )
        return errors.GoogleAdsFailure(errors=[error], request_id=uuid.uuid4().hex[:22])

    def _abort(
        self, context: grpc.ServicerContext, code: grpc.StatusCode, failure: Any, message: str
    ) -> NoReturn:
        metadata: list[tuple[str, str | bytes]] = [("request-id", uuid.uuid4().hex[:22])]
        if failure is not None:
            metadata.append((FAILURE_KEY, self._errors.GoogleAdsFailure.serialize(failure)))
        context.set_trailing_metadata(tuple(metadata))
        context.abort(code, message)

    def _invalid(
        self, context: grpc.ServicerContext, kind: str, value: Any, message: str, trigger: str = ""
    ) -> NoReturn:
        failure = self._failure(kind, value, message, trigger=trigger)
        self._abort(context, grpc.StatusCode.INVALID_ARGUMENT, failure, "Invalid argument")

    # -- search ------------------------------------------------------------------------------
    def _search_stream(self, request: Any, context: grpc.ServicerContext) -> Any:
        client = self._pre(request, context, "SearchStream")
        query = " ".join(request.query.split())
        match = re.match(r"SELECT (.+?) FROM (\w+)(?: WHERE (.+))?$", query)
        if match is None:
            self._invalid(
                context,
                "query_error",
                self._errors.QueryErrorEnum.QueryError.UNEXPECTED_END_OF_QUERY,
                "Unexpected end of query.",
            )
        selected = [s.strip() for s in match.group(1).split(",")]
        where = match.group(3) or ""
        try:
            if match.group(2) == "currency_constant":
                rows = [self._unit_row()]
            elif "segments.hour" in selected:
                rows = self._metric_rows(client, where)
            else:
                rows = self._campaign_rows(client, where)
        except PlatformUnavailableError:
            self._abort(context, grpc.StatusCode.UNAVAILABLE, None, "backend unavailable")
        mask = field_mask_pb2.FieldMask(paths=selected)
        request_id = uuid.uuid4().hex[:22]
        for start in range(0, max(len(rows), 1), 10_000):
            yield self._gas.SearchGoogleAdsStreamResponse(
                results=rows[start : start + 10_000], field_mask=mask, request_id=request_id
            )

    def _unit_row(self) -> Any:
        row = self._gas.GoogleAdsRow()
        row.currency_constant.billable_unit_micros = UNIT_MICROS
        return row

    def _campaign_rows(self, client: str, where: str) -> list[Any]:
        states = [r.state for r in self.market.campaigns(client, GOOGLE)]
        wanted = re.search(r"campaign\.id = (\d+)", where)
        if wanted:
            states = [s for s in states if numeric_id(s.campaign_id) == int(wanted.group(1))]
        customer = self.market.account_of(client, GOOGLE)
        return [self._campaign_row(customer or "", s) for s in states]

    def _campaign_row(self, customer: str, state: CampaignState) -> Any:
        row = self._gas.GoogleAdsRow()
        number = numeric_id(state.campaign_id)
        c = row.campaign
        c.resource_name = f"customers/{customer}/campaigns/{number}"
        c.id = number
        c.name = state.name
        c.status = {"ACTIVE": "ENABLED", "PAUSED": "PAUSED"}.get(state.status.value, "REMOVED")
        c.start_date_time = state.created_at.strftime("%Y-%m-%d %H:%M:%S")
        bid = state.bid
        if bid.strategy is BidStrategy.MAX_CPC and bid.amount is not None:
            c.bidding_strategy_type = "TARGET_SPEND"
            c.target_spend.cpc_bid_ceiling_micros = bid.amount.micros
        else:
            c.bidding_strategy_type = "MAXIMIZE_CONVERSIONS"
            if bid.amount is not None:
                c.maximize_conversions.target_cpa_micros = bid.amount.micros
        row.campaign_budget.resource_name = f"customers/{customer}/campaignBudgets/{number}"
        row.campaign_budget.amount_micros = state.daily_budget.micros
        row.campaign_budget.explicitly_shared = False
        row.customer.currency_code = "USD"
        row.customer.time_zone = "UTC"
        return row

    def _metric_rows(self, client: str, where: str) -> list[Any]:
        days = re.search(r"BETWEEN '([\d-]+)' AND '([\d-]+)'", where)
        if days is None:
            return []
        first = datetime.fromisoformat(days.group(1)).replace(tzinfo=self.market.clock.now().tzinfo)
        last = days.group(2)
        rows = []
        for hour in self.market.hours(client, GOOGLE, first):
            if hour.start.date().isoformat() > last:
                continue
            row = self._gas.GoogleAdsRow()
            row.campaign.id = numeric_id(hour.campaign_id)
            row.segments.date = hour.start.date().isoformat()
            row.segments.hour = hour.start.hour
            f = hour.figures
            row.metrics.cost_micros = f.spend_micros
            row.metrics.impressions = round(f.impressions)
            row.metrics.clicks = round(f.clicks)
            row.metrics.conversions = f.conversions
            row.metrics.conversions_value = f.revenue_micros / 1_000_000
            rows.append(row)
        return rows

    # -- mutations ---------------------------------------------------------------------------
    def _state(self, client: str, resource: str, context: grpc.ServicerContext) -> CampaignState:
        number = int(resource.rsplit("/", 1)[-1]) if resource.rsplit("/", 1)[-1].isdigit() else -1
        sandbox_id = self.market.sandbox_id(client, GOOGLE, number)
        found = [
            r.state
            for r in self.market.campaigns(client, GOOGLE)
            if r.state.campaign_id == sandbox_id
        ]
        if not found:
            self._invalid(
                context,
                "mutate_error",
                self._errors.MutateErrorEnum.MutateError.RESOURCE_NOT_FOUND,
                "Resource was not found.",
                trigger=str(number),
            )
        return found[0]

    def _amount(self, micros: int, context: grpc.ServicerContext) -> Money:
        if micros % UNIT_MICROS or micros < 0:
            self._invalid(
                context,
                "campaign_budget_error",
                self._errors.CampaignBudgetErrorEnum.CampaignBudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT,
                "The budget amount must be a multiple of the minimum currency unit.",
                trigger=str(micros),
            )
        return Money(micros)

    def _mutate_budgets(self, request: Any, context: grpc.ServicerContext, client: str) -> Any:
        results = []
        for op in request.operations:
            state = self._state(client, op.update.resource_name, context)
            if "amount_micros" in op.update_mask.paths:
                amount = self._amount(op.update.amount_micros, context)
                self.market.sandbox.set_campaign_budget(state.ref, amount)
            results.append(
                self._cbs.MutateCampaignBudgetResult(resource_name=op.update.resource_name)
            )
        return self._cbs.MutateCampaignBudgetsResponse(results=results)

    def _mutate_campaigns(self, request: Any, context: grpc.ServicerContext, client: str) -> Any:
        results = []
        for op in request.operations:
            state = self._state(client, op.update.resource_name, context)
            paths = list(op.update_mask.paths)
            if "status" in paths:
                if op.update.status.name == "PAUSED":
                    self.market.sandbox.pause(state.ref, PauseReason.MANUAL)
                elif op.update.status.name == "ENABLED":
                    self.market.sandbox.resume(state.ref)
            bid = _bid(op.update, paths)
            if bid is not None:
                self.market.sandbox.set_bid(state.ref, bid)
            results.append(self._cs.MutateCampaignResult(resource_name=op.update.resource_name))
        return self._cs.MutateCampaignsResponse(results=results)

    def _mutate(self, request: Any, context: grpc.ServicerContext, client: str) -> Any:
        ops = list(request.mutate_operations)
        kinds = [type(o).pb(o).WhichOneof("operation") for o in ops]
        if kinds != ["campaign_budget_operation", "campaign_operation"]:
            self._invalid(
                context,
                "mutate_error",
                self._errors.MutateErrorEnum.MutateError.UNKNOWN,
                "the fake creates one budget and one campaign per Mutate",
            )
        budget = ops[0].campaign_budget_operation.create
        campaign = ops[1].campaign_operation.create
        amount = self._amount(budget.amount_micros, context)
        try:
            state = self.market.sandbox.create_campaign(
                client,
                GOOGLE,
                name=campaign.name,
                daily_budget=amount,
                bid=_bid(campaign, None) or Bid.automatic(),
            )
        except InvalidInputError as exc:
            self._invalid(
                context,
                "field_error",
                self._errors.FieldErrorEnum.FieldError.REQUIRED,
                str(exc),
            )
        customer = request.customer_id
        number = numeric_id(state.campaign_id)
        response = self._gas.MutateGoogleAdsResponse()
        first = self._gas.MutateOperationResponse()
        first.campaign_budget_result.resource_name = (
            f"customers/{customer}/campaignBudgets/{number}"
        )
        second = self._gas.MutateOperationResponse()
        second.campaign_result.resource_name = f"customers/{customer}/campaigns/{number}"
        response.mutate_operation_responses.extend([first, second])
        return response


def _bid(campaign: Any, paths: list[str] | None) -> Bid | None:
    """The bid a Campaign message sets (only the fields in ``paths``, when given)."""
    pb = type(campaign).pb(campaign)
    which = pb.WhichOneof("campaign_bidding_strategy")
    if paths is not None and not any(
        p.split(".")[0] in ("target_spend", "maximize_conversions") for p in paths
    ):
        return None
    if which == "target_spend" and campaign.target_spend.cpc_bid_ceiling_micros > 0:
        return Bid(BidStrategy.MAX_CPC, Money(campaign.target_spend.cpc_bid_ceiling_micros))
    if which == "maximize_conversions" and campaign.maximize_conversions.target_cpa_micros > 0:
        return Bid(BidStrategy.TARGET_CPA, Money(campaign.maximize_conversions.target_cpa_micros))
    return Bid.automatic()
