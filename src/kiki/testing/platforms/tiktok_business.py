"""A fake of TikTok's Business API (v1.3) over a ``FakeMarket``: ``campaign/get`` (paged,
``filtering`` by ids), ``campaign/create``, ``campaign/update``, ``campaign/status/update``
and ``report/integrated/get`` (campaign level, by ``stat_time_day``, in UTC).

As TikTok does, every answer is HTTP 200 with ``{"code", "message", "request_id", "data"}``:
code 0 is success; 40105 an invalid token, 40001 no permission, 40100 too many requests
(with ``Retry-After``), 50000 a system error (an outage), 40002 a bad parameter. The token
is read from the ``Access-Token`` header. Budgets are JSON numbers of currency units.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from kiki.campaigns.domain import Bid, CampaignState, CampaignStatus, PauseReason
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.testing.platforms.loopback import LoopbackServer, Request, Response
from kiki.testing.platforms.market import FakeMarket, decimal_text, numeric_id

TIKTOK = Platform.TIKTOK
API = "/open_api/v1.3"
_STATUS = {CampaignStatus.ACTIVE: "ENABLE", CampaignStatus.PAUSED: "DISABLE"}


class _CodeError(Exception):
    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.headers = code, message, headers or {}


class FakeTikTokBusiness:
    """``with FakeTikTokBusiness(market, access_token=…) as tiktok: tiktok.url``."""

    def __init__(self, market: FakeMarket, *, access_token: str) -> None:
        self.market = market
        self.access_token = access_token
        self._server = LoopbackServer(self._serve)
        self.url = self._server.url

    def __enter__(self) -> FakeTikTokBusiness:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _serve(self, request: Request) -> Response:
        path = request.path.removeprefix(API).strip("/")
        retry_after = self.market.scenario.served(TIKTOK, f"{request.method} {path}")
        request_id = uuid.uuid4().hex
        try:
            data = self._answer(request, path, retry_after)
            if request.method == "POST":
                self.market.scenario.stall(TIKTOK)
        except _CodeError as error:
            body = {"code": error.code, "message": error.message, "request_id": request_id}
            return Response(body={**body, "data": {}}, headers=error.headers)
        except PlatformUnavailableError:
            body = {"code": 50000, "message": "System error", "request_id": request_id}
            return Response(body={**body, "data": {}})
        return Response(body={"code": 0, "message": "OK", "request_id": request_id, "data": data})

    def _answer(self, request: Request, path: str, retry_after: float | None) -> dict[str, Any]:
        if retry_after is not None:
            raise _CodeError(40100, "Too many requests", {"Retry-After": str(round(retry_after))})
        headers = {k.lower(): v for k, v in request.headers.items()}
        if headers.get("access-token") != self.access_token:
            raise _CodeError(40105, "The access token is invalid or has expired.")
        params: dict[str, Any] = dict(request.query) if request.method == "GET" else request.json()
        advertiser = str(params.get("advertiser_id") or "")
        client = self.market.client_of(TIKTOK, advertiser)
        if client is None:
            raise _CodeError(40001, f"No permission to operate advertiser {advertiser}")
        routes = {
            ("GET", "campaign/get"): self._campaigns,
            ("POST", "campaign/create"): self._create,
            ("POST", "campaign/update"): self._update,
            ("POST", "campaign/status/update"): self._status,
            ("GET", "report/integrated/get"): self._report,
        }
        route = routes.get((request.method, path))
        if route is None:
            raise _CodeError(40002, f"Unknown endpoint {path}")
        return route(client, params)

    # -- campaigns ---------------------------------------------------------------------------
    def _states(self, client: str) -> list[CampaignState]:
        return [r.state for r in self.market.campaigns(client, TIKTOK)]

    def _row(self, state: CampaignState) -> dict[str, Any]:
        return {
            "campaign_id": str(numeric_id(state.campaign_id)),
            "campaign_name": state.name,
            "operation_status": _STATUS.get(state.status, "DISABLE"),
            "secondary_status": "CAMPAIGN_STATUS_DELETE"
            if state.status is CampaignStatus.REMOVED
            else "CAMPAIGN_STATUS_ENABLE",
            "budget": float(state.daily_budget.to_decimal()),
            "budget_mode": "BUDGET_MODE_DAY",
            "objective_type": "WEB_CONVERSIONS",
            "create_time": state.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }

    def _find(self, client: str, campaign_id: object) -> CampaignState | None:
        text = str(campaign_id)
        number = self.market.sandbox_id(client, TIKTOK, int(text)) if text.isdigit() else None
        return next((s for s in self._states(client) if s.campaign_id == number), None)

    def _campaigns(self, client: str, params: dict[str, Any]) -> dict[str, Any]:
        states = self._states(client)
        if params.get("filtering"):
            wanted = set(json.loads(params["filtering"]).get("campaign_ids") or [])
            states = [s for s in states if str(numeric_id(s.campaign_id)) in wanted]
        page, size = int(params.get("page") or 1), int(params.get("page_size") or 10)
        rows = [self._row(s) for s in states]
        total_page = max(1, -(-len(rows) // size))
        return {
            "list": rows[(page - 1) * size : page * size],
            "page_info": {
                "page": page,
                "page_size": size,
                "total_number": len(rows),
                "total_page": total_page,
            },
        }

    def _create(self, client: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            state = self.market.sandbox.create_campaign(
                client,
                TIKTOK,
                name=str(params.get("campaign_name") or ""),
                daily_budget=_money(params.get("budget")),
                bid=Bid.automatic(),
            )
        except (InvalidInputError, ValueError, ArithmeticError) as exc:
            raise _CodeError(40002, str(exc)) from None
        return {"campaign_id": str(numeric_id(state.campaign_id))}

    def _update(self, client: str, params: dict[str, Any]) -> dict[str, Any]:
        state = self._find(client, params.get("campaign_id"))
        if state is None:
            raise _CodeError(40002, "Campaign not found")
        try:
            if "budget" in params:
                self.market.sandbox.set_campaign_budget(state.ref, _money(params["budget"]))
        except (InvalidInputError, ValueError, ArithmeticError) as exc:
            raise _CodeError(40002, str(exc)) from None
        return {"campaign_id": params.get("campaign_id")}

    def _status(self, client: str, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("operation_status")
        for campaign_id in params.get("campaign_ids") or []:
            state = self._find(client, campaign_id)
            if state is None:
                raise _CodeError(40002, f"Campaign {campaign_id} not found")
            if wanted == "DISABLE":
                self.market.sandbox.pause(state.ref, PauseReason.MANUAL)
            elif wanted == "ENABLE":
                self.market.sandbox.resume(state.ref)
        return {"campaign_ids": params.get("campaign_ids"), "status": wanted}

    # -- reports -----------------------------------------------------------------------------
    def _report(self, client: str, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("data_level") != "AUCTION_CAMPAIGN":
            raise _CodeError(40002, "data_level must be AUCTION_CAMPAIGN here")
        first = date.fromisoformat(str(params["start_date"]))
        last = date.fromisoformat(str(params["end_date"]))
        start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
        days: dict[tuple[str, date], list[Any]] = defaultdict(list)
        for hour in self.market.hours(client, TIKTOK, start):
            if hour.start.date() <= last:
                days[(hour.campaign_id, hour.start.date())].append(hour.figures)
        metrics = json.loads(params.get("metrics") or "[]")
        rows = []
        for (campaign_id, day), figures in sorted(days.items()):
            values = {
                "spend": decimal_text(sum(f.spend_micros for f in figures)),
                "impressions": str(round(sum(f.impressions for f in figures))),
                "clicks": str(round(sum(f.clicks for f in figures))),
                "conversion": repr(sum(f.conversions for f in figures)),
                "total_complete_payment_rate": decimal_text(sum(f.revenue_micros for f in figures)),
            }
            rows.append(
                {
                    "dimensions": {
                        "campaign_id": str(numeric_id(campaign_id)),
                        "stat_time_day": f"{day.isoformat()} 00:00:00",
                    },
                    "metrics": {k: v for k, v in values.items() if k in metrics},
                }
            )
        page, size = int(params.get("page") or 1), int(params.get("page_size") or 10)
        return {
            "list": rows[(page - 1) * size : page * size],
            "page_info": {
                "page": page,
                "page_size": size,
                "total_number": len(rows),
                "total_page": max(1, -(-len(rows) // size)),
            },
        }


def _money(value: object) -> Money:
    amount = Decimal(repr(value) if isinstance(value, float) else str(value)) * 1_000_000
    if amount != amount.to_integral_value() or amount % 10_000:
        raise ValueError(f"{value!r} is not a whole number of cents")
    return Money(int(amount))
