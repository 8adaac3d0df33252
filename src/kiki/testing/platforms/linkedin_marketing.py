"""A fake of LinkedIn's versioned Marketing API (Rest.li 2.0) over a ``FakeMarket``:
``GET /rest/adAccounts/{id}/adCampaigns?q=search`` (paged), ``GET …/adCampaigns/{id}``,
``POST …/adCampaigns`` (``X-RestLi-Method: CREATE``, the id in ``x-restli-id``), ``POST
…/adCampaigns/{id}`` (``PARTIAL_UPDATE``: ``{"patch": {"$set": …}}``, 204) and ``GET
/rest/adAnalytics?q=analytics`` (``pivot=CAMPAIGN``, ``timeGranularity=DAILY``, UTC days).

It needs ``Authorization: Bearer <token>`` and a ``LinkedIn-Version`` header; errors are
Rest.li's ``{"status", "code", "message", "serviceErrorCode"}``: 401 ``INVALID_ACCESS_TOKEN``,
403 ``ACCESS_DENIED``, 404, 429 with ``Retry-After``, 500 for an outage. Money: decimal
strings of currency units (USD).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from kiki.campaigns.domain import Bid, BidStrategy, CampaignState, CampaignStatus, PauseReason
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.testing.platforms.loopback import LoopbackServer, Request, Response
from kiki.testing.platforms.market import FakeMarket, decimal_text, numeric_id

LINKEDIN = Platform.LINKEDIN
_STATUS = {CampaignStatus.ACTIVE: "ACTIVE", CampaignStatus.PAUSED: "PAUSED"}
_CAMPAIGNS = re.compile(r"^/rest/adAccounts/(\d+)/adCampaigns(?:/(\d+))?$")
_DAY = re.compile(r"(start|end):\(([^)]*)\)")


class _RestliError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class FakeLinkedInMarketing:
    """``with FakeLinkedInMarketing(market, access_token=…) as li: li.url`` (the ``/rest`` base)."""

    def __init__(self, market: FakeMarket, *, access_token: str) -> None:
        self.market = market
        self.access_token = access_token
        self.versions: set[str] = set()
        self._server = LoopbackServer(self._serve)
        self.url = f"{self._server.url}/rest"

    def __enter__(self) -> FakeLinkedInMarketing:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _serve(self, request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        method = headers.get("x-restli-method", request.method).upper()
        shape = re.sub(r"\d+", "{id}", request.path)
        retry_after = self.market.scenario.served(LINKEDIN, f"{method} {shape}")
        try:
            answer = self._answer(request, headers, method, retry_after)
        except _RestliError as error:
            body = {"status": error.status, "code": error.code, "message": error.message}
            return Response(error.status, {**body, "serviceErrorCode": 100}, error.headers)
        except PlatformUnavailableError:
            body = {"status": 500, "code": "INTERNAL_SERVER_ERROR", "message": "Internal error"}
            return Response(500, body)
        if method in ("PARTIAL_UPDATE", "CREATE"):
            self.market.scenario.stall(LINKEDIN)
        return answer

    def _answer(
        self, request: Request, headers: dict[str, str], method: str, retry_after: float | None
    ) -> Response:
        if retry_after is not None:
            wait = {"Retry-After": str(round(retry_after))}
            raise _RestliError(429, "TOO_MANY_REQUESTS", "Throttled", wait)
        if headers.get("authorization") != f"Bearer {self.access_token}":
            raise _RestliError(401, "INVALID_ACCESS_TOKEN", "Invalid access token")
        if not headers.get("linkedin-version"):
            raise _RestliError(400, "VERSION_MISSING", "A version must be present")
        self.versions.add(headers["linkedin-version"])
        if request.path == "/rest/adAnalytics" and method == "FINDER":
            return Response(body=self._analytics(request.query))
        found = _CAMPAIGNS.match(request.path)
        if found is None:
            raise _RestliError(404, "NOT_FOUND", f"No resource {request.path}")
        client = self.market.client_of(LINKEDIN, found.group(1))
        if client is None:
            raise _RestliError(403, "ACCESS_DENIED", "Not enough permissions to access account")
        campaign_id = found.group(2)
        if campaign_id is None and method == "FINDER":
            return Response(body=self._search(client, request.query))
        if campaign_id is None and method == "CREATE":
            created = self._create(client, request.json() or {})
            return Response(201, None, {"x-restli-id": created}, content_type="text/plain")
        state = self._find(client, campaign_id or "")
        if state is None:
            raise _RestliError(404, "NOT_FOUND", f"Campaign {campaign_id} not found")
        if method == "GET":
            return Response(body=self._row(found.group(1), state))
        if method == "PARTIAL_UPDATE":
            self._update(state, ((request.json() or {}).get("patch") or {}).get("$set") or {})
            return Response(204, None, content_type="text/plain")
        raise _RestliError(400, "BAD_METHOD", f"{method} not supported here")

    # -- campaigns ---------------------------------------------------------------------------
    def _states(self, client: str) -> list[CampaignState]:
        return [r.state for r in self.market.campaigns(client, LINKEDIN)]

    def _find(self, client: str, campaign_id: str) -> CampaignState | None:
        number = self.market.sandbox_id(client, LINKEDIN, int(campaign_id))
        return next((s for s in self._states(client) if s.campaign_id == number), None)

    def _row(self, account: str, state: CampaignState) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": numeric_id(state.campaign_id),
            "account": f"urn:li:sponsoredAccount:{account}",
            "name": state.name,
            "status": _STATUS.get(state.status, "ARCHIVED"),
            "dailyBudget": {
                "amount": decimal_text(state.daily_budget.micros),
                "currencyCode": "USD",
            },
            "changeAuditStamps": {
                "created": {"time": int(state.created_at.timestamp() * 1000)},
                "lastModified": {"time": int(state.created_at.timestamp() * 1000)},
            },
            "optimizationTargetType": "MAX_CONVERSION",
        }
        if state.bid.strategy is BidStrategy.MAX_CPC and state.bid.amount is not None:
            row["costType"] = "CPC"
            row["unitCost"] = {
                "amount": decimal_text(state.bid.amount.micros),
                "currencyCode": "USD",
            }
            row["optimizationTargetType"] = "NONE"
        return row

    def _search(self, client: str, query: Mapping[str, str]) -> dict[str, Any]:
        account = self.market.account_of(client, LINKEDIN) or ""
        rows = [self._row(account, s) for s in self._states(client)]
        start, count = int(query.get("start") or 0), int(query.get("count") or 10)
        return {
            "elements": rows[start : start + count],
            "paging": {"start": start, "count": count, "total": len(rows), "links": []},
            "metadata": {},
        }

    def _create(self, client: str, entity: dict[str, Any]) -> str:
        try:
            state = self.market.sandbox.create_campaign(
                client,
                LINKEDIN,
                name=str(entity.get("name") or ""),
                daily_budget=_money((entity.get("dailyBudget") or {}).get("amount")),
                bid=_bid(entity),
            )
        except (InvalidInputError, ValueError, ArithmeticError) as exc:
            raise _RestliError(422, "FIELD_VALUE_INVALID", str(exc)) from None
        return str(numeric_id(state.campaign_id))

    def _update(self, state: CampaignState, patch: dict[str, Any]) -> None:
        sandbox = self.market.sandbox
        try:
            if "dailyBudget" in patch:
                sandbox.set_campaign_budget(state.ref, _money(patch["dailyBudget"].get("amount")))
            if patch.get("status") == "PAUSED":
                sandbox.pause(state.ref, PauseReason.MANUAL)
            elif patch.get("status") == "ACTIVE":
                sandbox.resume(state.ref)
            if "unitCost" in patch or "optimizationTargetType" in patch:
                sandbox.set_bid(state.ref, _bid(patch))
        except (InvalidInputError, ValueError, ArithmeticError) as exc:
            raise _RestliError(422, "FIELD_VALUE_INVALID", str(exc)) from None

    # -- analytics ---------------------------------------------------------------------------
    def _analytics(self, query: Mapping[str, str]) -> dict[str, Any]:
        if query.get("pivot") != "CAMPAIGN" or query.get("timeGranularity") != "DAILY":
            raise _RestliError(400, "INVALID_PARAM", "pivot CAMPAIGN, timeGranularity DAILY here")
        days = {}
        for edge, fields in _DAY.findall(query.get("dateRange", "")):
            parts = dict(field.split(":", 1) for field in fields.split(","))
            days[edge] = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        accounts = re.findall(r"sponsoredAccount:(\d+)", query.get("accounts", ""))
        rows = []
        for account in accounts:
            client = self.market.client_of(LINKEDIN, account)
            if client is None:
                raise _RestliError(403, "ACCESS_DENIED", "Not enough permissions")
            start = datetime.combine(days["start"], datetime.min.time(), tzinfo=UTC)
            per_day: dict[tuple[str, date], list[Any]] = defaultdict(list)
            for hour in self.market.hours(client, LINKEDIN, start):
                if hour.start.date() <= days["end"]:
                    per_day[(hour.campaign_id, hour.start.date())].append(hour.figures)
            for (campaign_id, day), figures in sorted(per_day.items()):
                when = {"year": day.year, "month": day.month, "day": day.day}
                rows.append(
                    {
                        "pivotValues": [f"urn:li:sponsoredCampaign:{numeric_id(campaign_id)}"],
                        "dateRange": {"start": when, "end": when},
                        "costInLocalCurrency": decimal_text(sum(f.spend_micros for f in figures)),
                        "impressions": round(sum(f.impressions for f in figures)),
                        "clicks": round(sum(f.clicks for f in figures)),
                        "externalWebsiteConversions": sum(f.conversions for f in figures),
                        "conversionValueInLocalCurrency": decimal_text(
                            sum(f.revenue_micros for f in figures)
                        ),
                    }
                )
        return {"elements": rows, "paging": {"start": 0, "count": len(rows), "links": []}}


def _money(value: object) -> Money:
    amount = Decimal(str(value)) * 1_000_000
    if amount != amount.to_integral_value() or amount % 10_000:
        raise ValueError(f"{value!r} is not a whole number of cents")
    return Money(int(amount))


def _bid(entity: dict[str, Any]) -> Bid:
    unit = entity.get("unitCost")
    if entity.get("costType") == "CPC" and isinstance(unit, dict):
        return Bid(BidStrategy.MAX_CPC, _money(unit.get("amount")))
    return Bid.automatic()
