"""A fake of Meta's Graph API (Marketing API, ``v26.0``) over a ``FakeMarket``.

Serves what the Meta adapter uses, as Meta shapes it: ``GET /act_{id}`` (currency, time zone),
``GET /act_{id}/campaigns`` (numbers as strings, cursor paging, ``adsets{…}`` expansion),
``GET /act_{id}/insights`` (campaign level, hourly breakdown), ``POST /act_{id}/campaigns``,
``GET``/``POST /{campaign_id}`` and ``POST /{adset_id}``. The access token travels in the
query string or the ``Authorization`` header. Each campaign shows one ad set (id: the
campaign's followed by ``01``), which carries its bid amount. Errors:
``{"error": {"message", "type", "code", "error_subcode"}}``; an outage is code 2 (transient,
HTTP 503), throttling code 80004 with the wait in ``x-business-use-case-usage`` (whole
minutes, as Meta gives it).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from kiki.campaigns.domain import Bid, BidStrategy, CampaignState, CampaignStatus, PauseReason
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.testing.platforms.loopback import LoopbackServer, Request, Response
from kiki.testing.platforms.market import FakeMarket, decimal_text, numeric_id

META = Platform.META
STEP_MICROS = 10_000  # USD: Meta budgets are in cents
_STRATEGIES = {
    "LOWEST_COST_WITHOUT_CAP": BidStrategy.AUTOMATIC,
    "LOWEST_COST_WITH_BID_CAP": BidStrategy.MAX_CPC,
    "COST_CAP": BidStrategy.TARGET_CPA,
}
_WIRE_STRATEGY = {v: k for k, v in _STRATEGIES.items()}
_STATUS = {CampaignStatus.ACTIVE: "ACTIVE", CampaignStatus.PAUSED: "PAUSED"}


class _GraphError(Exception):
    def __init__(self, code: int, message: str, subcode: int | None = None, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.subcode, self.status = code, message, subcode, status


class FakeMetaGraph:
    """``with FakeMetaGraph(market, access_token=…) as meta: meta.url`` -> the Graph base URL."""

    def __init__(self, market: FakeMarket, *, access_token: str, api_version: str = "v26.0"):
        self.market = market
        self.access_token = access_token
        self.api_version = api_version
        self._epoch = market.scenario.token_epoch(META)
        self._pending_strategy: dict[str, str] = {}
        self._server = LoopbackServer(self._serve)
        self.url = self._server.url

    def renew_token(self, access_token: str) -> None:
        """A new long-lived token (after ``Scenario.expire_tokens``), as a person would paste."""
        self.access_token = access_token
        self._epoch = self.market.scenario.token_epoch(META)

    def __enter__(self) -> FakeMetaGraph:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    # -- dispatch ----------------------------------------------------------------------------
    def _serve(self, request: Request) -> Response:
        parts = [p for p in request.path.split("/") if p]
        operation = f"{request.method} {'/'.join(['{id}', *parts[2:]])}"
        throttled = self.market.scenario.served(META, operation)
        try:
            answer = Response(body=self._answer(request, parts, throttled))
            if request.method == "POST":
                self.market.scenario.stall(META)
        except _GraphError as exc:
            return _error(exc, throttled)
        except PlatformUnavailableError:
            return _error(_GraphError(2, "Service temporarily unavailable", status=503), None)
        return answer

    def _answer(self, request: Request, parts: list[str], throttled: float | None) -> Any:
        if throttled is not None:
            raise _GraphError(80004, "There have been too many calls to this ad-account.")
        self._authenticate(request)
        if not parts or parts[0] != self.api_version:
            raise _GraphError(2500, "Unknown path components")
        return self._route(request.method, parts[1:], {**request.query, **request.form})

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization") or ""
        token = request.query.get("access_token") or header.partition(" ")[2]
        if token != self.access_token:
            raise _GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        if self.market.scenario.token_epoch(META) != self._epoch:
            raise _GraphError(190, "Error validating access token: Session has expired", 463)

    def _route(self, method: str, parts: list[str], params: dict[str, str]) -> Any:
        if len(parts) == 1 and parts[0].startswith("act_"):
            if method != "GET":
                raise _GraphError(100, "Unsupported post request", 33)
            self._client(parts[0])
            return {"id": parts[0], "currency": "USD", "timezone_name": "UTC"}
        if len(parts) == 2 and parts[0].startswith("act_"):
            client = self._client(parts[0])
            if parts[1] == "campaigns" and method == "GET":
                rows = [self._campaign_row(s) for s in self._states(client)]
                return _page([_select(r, params.get("fields", "")) for r in rows], params)
            if parts[1] == "campaigns" and method == "POST":
                return self._create(client, params)
            if parts[1] == "insights" and method == "GET":
                return _page(self._insights(client, params), params)
        if len(parts) == 1:
            return self._node(method, parts[0], params)
        raise _GraphError(100, f"Unsupported {method} request.", 33)

    # -- endpoints ---------------------------------------------------------------------------
    def _client(self, act: str) -> str:
        client = self.market.client_of(META, act.removeprefix("act_"))
        if client is None:
            raise _GraphError(100, f"(#100) Object with ID '{act}' does not exist", 33)
        return client

    def _states(self, client: str) -> list[CampaignState]:
        return [r.state for r in self.market.campaigns(client, META)]

    def _campaign_row(self, state: CampaignState) -> dict[str, Any]:
        number = numeric_id(state.campaign_id)
        adset: dict[str, Any] = {"id": f"{number}01"}
        if state.bid.amount is not None:
            adset["bid_amount"] = str(_minor(state.bid.amount.micros))
        strategy = self._pending_strategy.get(str(number), _WIRE_STRATEGY[state.bid.strategy])
        return {
            "id": str(number),
            "account_id": self._account_of(state.client_id),
            "name": state.name,
            "status": _STATUS.get(state.status, "DELETED"),
            "daily_budget": str(_minor(state.daily_budget.micros)),
            "bid_strategy": strategy,
            "created_time": state.created_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "adsets": {"data": [adset]},
        }

    def _account_of(self, client: str) -> str:
        return self.market.account_of(client, META) or ""

    def _create(self, client: str, params: Mapping[str, str]) -> dict[str, Any]:
        strategy = _STRATEGIES.get(params.get("bid_strategy", "LOWEST_COST_WITHOUT_CAP"))
        if strategy is None:
            raise _GraphError(100, "(#100) Param bid_strategy must be one of the enum values")
        try:
            budget = Money(int(params["daily_budget"]) * STEP_MICROS)
            state = self.market.sandbox.create_campaign(
                client, META, name=params["name"], daily_budget=budget, bid=Bid.automatic()
            )
        except (KeyError, ValueError, InvalidInputError) as exc:
            raise _GraphError(100, f"(#100) Invalid parameter: {exc}") from None
        if strategy is not BidStrategy.AUTOMATIC:
            self._pending_strategy[str(numeric_id(state.campaign_id))] = params["bid_strategy"]
        return {"id": str(numeric_id(state.campaign_id))}

    def _node(self, method: str, node: str, params: dict[str, str]) -> Any:
        found = self._find(node)
        if found is None and node.endswith("01"):
            campaign = self._find(node[:-2])
            if campaign is not None and method == "POST":
                return self._set_bid_amount(campaign, params)
        if found is None:
            raise _GraphError(
                100,
                f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist",
                33,
            )
        if method == "GET":
            return _select(self._campaign_row(found), params.get("fields", ""))
        return self._update(found, params)

    def _find(self, node: str) -> CampaignState | None:
        if not node.isdigit():
            return None
        for client in set(self.market.accounts(META).values()):
            sandbox_id = self.market.sandbox_id(client, META, int(node))
            if sandbox_id is not None:
                return next(s for s in self._states(client) if s.campaign_id == sandbox_id)
        return None

    def _update(self, state: CampaignState, params: Mapping[str, str]) -> dict[str, Any]:
        sandbox = self.market.sandbox
        ref = state.ref
        if "daily_budget" in params:
            value = params["daily_budget"]
            if not value.isdigit():
                raise _GraphError(100, "(#100) param daily_budget must be a non-negative integer")
            sandbox.set_campaign_budget(ref, Money(int(value) * STEP_MICROS))
        if "status" in params:
            status = params["status"]
            if status == "PAUSED":
                sandbox.pause(ref, PauseReason.MANUAL)
            elif status == "ACTIVE":
                sandbox.resume(ref)
            elif status not in ("DELETED", "ARCHIVED"):
                raise _GraphError(100, "(#100) param status must be one of {ACTIVE, PAUSED, …}")
        if "bid_strategy" in params:
            self._set_strategy(state, params["bid_strategy"])
        return {"success": True}

    def _set_strategy(self, state: CampaignState, wire: str) -> None:
        strategy = _STRATEGIES.get(wire)
        if strategy is None:
            raise _GraphError(100, "(#100) Param bid_strategy must be one of the enum values")
        key = str(numeric_id(state.campaign_id))
        if strategy is BidStrategy.AUTOMATIC:
            self._pending_strategy.pop(key, None)
            self.market.sandbox.set_bid(state.ref, Bid.automatic())
        elif state.bid.amount is not None:
            self._pending_strategy.pop(key, None)
            self.market.sandbox.set_bid(state.ref, Bid(strategy, state.bid.amount))
        else:
            self._pending_strategy[key] = wire  # the amount comes on the ad set

    def _set_bid_amount(self, state: CampaignState, params: Mapping[str, str]) -> dict[str, Any]:
        value = params.get("bid_amount", "")
        if not value.isdigit() or int(value) <= 0:
            raise _GraphError(100, "(#100) param bid_amount must be a positive integer")
        key = str(numeric_id(state.campaign_id))
        wire = self._pending_strategy.get(key, _WIRE_STRATEGY[state.bid.strategy])
        strategy = _STRATEGIES[wire]
        if strategy is not BidStrategy.AUTOMATIC:
            self._pending_strategy.pop(key, None)
            self.market.sandbox.set_bid(state.ref, Bid(strategy, Money(int(value) * STEP_MICROS)))
        return {"success": True}

    def _insights(self, client: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        if params.get("level") != "campaign" or "hourly" not in params.get("breakdowns", ""):
            raise _GraphError(100, "(#100) the fake serves level=campaign with hourly breakdown")
        span = json.loads(params.get("time_range") or "{}")
        since = datetime.fromisoformat(span["since"]).replace(tzinfo=self.market.clock.now().tzinfo)
        until = datetime.fromisoformat(span["until"]).date()
        rows = []
        for hour in self.market.hours(client, META, since):
            if hour.start.date() > until:
                continue
            f = hour.figures
            end = hour.start + timedelta(minutes=59, seconds=59)
            rows.append(
                {
                    "campaign_id": str(numeric_id(hour.campaign_id)),
                    "spend": decimal_text(f.spend_micros),
                    "impressions": str(round(f.impressions)),
                    "clicks": str(round(f.clicks)),
                    "actions": [_action(repr(f.conversions))],
                    "action_values": [_action(decimal_text(f.revenue_micros))],
                    "hourly_stats_aggregated_by_advertiser_time_zone": (
                        f"{hour.start:%H:%M:%S} - {end:%H:%M:%S}"
                    ),
                    "date_start": hour.start.date().isoformat(),
                    "date_stop": hour.start.date().isoformat(),
                }
            )
        return rows


def _action(value: str) -> dict[str, str]:
    return {"action_type": "offsite_conversion.fb_pixel_purchase", "value": value}


def _minor(micros: int) -> int:
    return micros // STEP_MICROS


def _select(row: Mapping[str, Any], fields: str) -> dict[str, Any]:
    """The fields asked for (top level; an expansion such as ``adsets.limit(5){id}`` by name)."""
    names = {re.split(r"[.{]", f, maxsplit=1)[0] for f in _top_level(fields)} | {"id"}
    return {k: v for k, v in row.items() if k in names}


def _top_level(fields: str) -> list[str]:
    found, depth, current = [], 0, ""
    for char in fields:
        depth += (char == "{") - (char == "}")
        if char == "," and depth == 0:
            found.append(current)
            current = ""
        else:
            current += char
    return [*found, current] if current else found


def _page(rows: list[dict[str, Any]], params: Mapping[str, str]) -> dict[str, Any]:
    limit = int(params.get("limit") or 25)
    start = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
    chunk = rows[start : start + limit]
    body: dict[str, Any] = {"data": chunk}
    end = start + len(chunk)
    if chunk:
        cursors = {"before": _cursor(start), "after": _cursor(end)}
        body["paging"] = {"cursors": cursors}
        if end < len(rows):
            body["paging"]["next"] = "https://graph.example/next"  # the SDK does not follow it
    return body


def _cursor(index: int) -> str:
    return base64.b64encode(str(index).encode()).decode()


def _error(exc: _GraphError, retry_after_s: float | None) -> Response:
    error: dict[str, Any] = {
        "message": exc.message,
        "type": "OAuthException",
        "code": exc.code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if exc.subcode is not None:
        error["error_subcode"] = exc.subcode
    if exc.code in (2, 80004):
        error["is_transient"] = True
    headers = {}
    if retry_after_s is not None:
        usage = [
            {"type": "ads_management", "estimated_time_to_regain_access": int(retry_after_s // 60)}
        ]
        headers["x-business-use-case-usage"] = json.dumps({"1111111111": usage})
    return Response(status=exc.status, body={"error": error}, headers=headers)
