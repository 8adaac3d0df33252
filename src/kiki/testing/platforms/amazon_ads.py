"""A fake of the Amazon Ads API (Sponsored Products v3 campaigns, v3 reports) over a
``FakeMarket``: ``POST /sp/campaigns/list`` (``campaignIdFilter``, ``nextToken`` paging),
``PUT /sp/campaigns`` and ``POST /sp/campaigns`` (207-style ``{"campaigns": {"success",
"error"}}``), ``POST /reporting/reports`` (``spCampaigns``, daily), ``GET
/reporting/reports/{id}`` (PENDING for ``polls_before_done`` polls, then COMPLETED with a
pre-signed ``url``) and the gzipped JSON file at that URL (no auth headers).

Every API call needs ``Authorization: Bearer`` (a token of the fake LWA endpoint),
``Amazon-Advertising-API-ClientId`` and ``Amazon-Advertising-API-Scope`` (the profile). Errors:
401 ``UNAUTHORIZED``, 403 for a profile the app may not see, 429 with ``Retry-After``, 500 for
an outage; bodies ``{"code", "details"}``.
"""

from __future__ import annotations

import gzip
import itertools
import json
import threading
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
from kiki.testing.platforms.market import FakeMarket, numeric_id
from kiki.testing.platforms.oauth import FakeTokenEndpoint

AMAZON = Platform.AMAZON
_STATE = {CampaignStatus.ACTIVE: "ENABLED", CampaignStatus.PAUSED: "PAUSED"}


class _FaultError(Exception):
    def __init__(self, status: int, code: str, details: str, headers: dict[str, str] | None = None):
        super().__init__(details)
        self.status, self.code, self.details, self.headers = status, code, details, headers or {}


class FakeAmazonAds:
    """``with FakeAmazonAds(market, tokens, client_id=…) as amazon: amazon.url``."""

    def __init__(
        self,
        market: FakeMarket,
        tokens: FakeTokenEndpoint,
        *,
        client_id: str,
        polls_before_done: int = 0,
    ) -> None:
        self.market = market
        self.tokens = tokens
        self.client_id = client_id
        self.polls_before_done = polls_before_done
        self._reports: dict[str, tuple[bytes, int]] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._serve)
        self.url = self._server.url

    def __enter__(self) -> FakeAmazonAds:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _serve(self, request: Request) -> Response:
        if request.path.startswith("/files/"):
            self.market.scenario.served(AMAZON, "GET file")
            return self._file(request.path.removeprefix("/files/"))
        shape = (
            "/reporting/reports/{id}"
            if request.path.count("/") > 2 and "reporting" in request.path
            else request.path
        )
        retry_after = self.market.scenario.served(AMAZON, f"{request.method} {shape}")
        try:
            answer = self._answer(request, retry_after)
        except _FaultError as fault:
            body = {"code": fault.code, "details": fault.details}
            return Response(fault.status, body, fault.headers)
        except PlatformUnavailableError:
            return Response(500, {"code": "INTERNAL_ERROR", "details": "Internal error"})
        if request.method == "PUT":
            self.market.scenario.stall(AMAZON)
        return answer

    def _answer(self, request: Request, retry_after: float | None) -> Response:
        if retry_after is not None:
            wait = {"Retry-After": str(round(retry_after))}
            raise _FaultError(429, "TOO_MANY_REQUESTS", "Too many requests", wait)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not self.tokens.valid(headers.get("authorization", "").removeprefix("Bearer ")):
            raise _FaultError(401, "UNAUTHORIZED", "Not authorized: the access token is invalid")
        if headers.get("amazon-advertising-api-clientid") != self.client_id:
            raise _FaultError(401, "UNAUTHORIZED", "Unknown client id")
        profile = headers.get("amazon-advertising-api-scope", "")
        client = self.market.client_of(AMAZON, profile)
        if client is None:
            raise _FaultError(403, "FORBIDDEN", f"No access to profile {profile}")
        body = request.json() if request.body else {}
        key = (request.method, request.path)
        if key == ("POST", "/sp/campaigns/list"):
            return Response(body=self._list(client, body))
        if key == ("PUT", "/sp/campaigns"):
            return Response(207, self._edit(client, body))
        if key == ("POST", "/sp/campaigns"):
            return Response(207, self._create(client, body))
        if key == ("POST", "/reporting/reports"):
            return Response(200, self._request_report(client, body))
        if request.method == "GET" and request.path.startswith("/reporting/reports/"):
            return Response(body=self._poll(request.path.rsplit("/", 1)[-1]))
        raise _FaultError(404, "NOT_FOUND", f"No resource {request.path}")

    # -- campaigns ---------------------------------------------------------------------------
    def _states(self, client: str) -> list[CampaignState]:
        return [r.state for r in self.market.campaigns(client, AMAZON)]

    def _row(self, state: CampaignState) -> dict[str, Any]:
        return {
            "campaignId": str(numeric_id(state.campaign_id)),
            "name": state.name,
            "state": _STATE.get(state.status, "ARCHIVED"),
            "targetingType": "AUTO",
            "budget": {"budget": float(state.daily_budget.to_decimal()), "budgetType": "DAILY"},
            "startDate": state.created_at.astimezone(UTC).date().isoformat(),
            "dynamicBidding": {"strategy": "LEGACY_FOR_SALES"},
        }

    def _find(self, client: str, campaign_id: object) -> CampaignState | None:
        text = str(campaign_id)
        number = self.market.sandbox_id(client, AMAZON, int(text)) if text.isdigit() else None
        return next((s for s in self._states(client) if s.campaign_id == number), None)

    def _list(self, client: str, body: dict[str, Any]) -> dict[str, Any]:
        rows = [self._row(s) for s in self._states(client)]
        wanted = (body.get("campaignIdFilter") or {}).get("include")
        if wanted is not None:
            rows = [r for r in rows if r["campaignId"] in set(wanted)]
        start = int(body.get("nextToken") or 0)
        size = int(body.get("maxResults") or 100)
        page = rows[start : start + size]
        more = start + size < len(rows)
        return {
            "campaigns": page,
            "totalResults": len(rows),
            **({"nextToken": str(start + size)} if more else {}),
        }

    def _edit(self, client: str, body: dict[str, Any]) -> dict[str, Any]:
        success, errors = [], []
        for index, item in enumerate(body.get("campaigns") or []):
            state = self._find(client, item.get("campaignId"))
            if state is None:
                errors.append({"index": index, "errors": [{"errorType": "entityNotFound"}]})
                continue
            try:
                if "budget" in item:
                    amount = _money(item["budget"].get("budget"))
                    self.market.sandbox.set_campaign_budget(state.ref, amount)
                if item.get("state") == "PAUSED":
                    self.market.sandbox.pause(state.ref, PauseReason.MANUAL)
                elif item.get("state") == "ENABLED":
                    self.market.sandbox.resume(state.ref)
            except (InvalidInputError, ValueError, ArithmeticError) as exc:
                errors.append(
                    {
                        "index": index,
                        "errors": [{"errorType": "malformedRequest", "message": str(exc)}],
                    }
                )
                continue
            success.append({"index": index, "campaignId": item.get("campaignId")})
        return {"campaigns": {"success": success, "error": errors}}

    def _create(self, client: str, body: dict[str, Any]) -> dict[str, Any]:
        success, errors = [], []
        for index, item in enumerate(body.get("campaigns") or []):
            try:
                state = self.market.sandbox.create_campaign(
                    client,
                    AMAZON,
                    name=str(item.get("name") or ""),
                    daily_budget=_money((item.get("budget") or {}).get("budget")),
                    bid=Bid.automatic(),
                )
            except (InvalidInputError, ValueError, ArithmeticError) as exc:
                errors.append(
                    {
                        "index": index,
                        "errors": [{"errorType": "malformedRequest", "message": str(exc)}],
                    }
                )
                continue
            success.append({"index": index, "campaignId": str(numeric_id(state.campaign_id))})
        return {"campaigns": {"success": success, "error": errors}}

    # -- reports -----------------------------------------------------------------------------
    def _request_report(self, client: str, body: dict[str, Any]) -> dict[str, Any]:
        config = body.get("configuration") or {}
        if config.get("reportTypeId") != "spCampaigns" or config.get("timeUnit") != "DAILY":
            raise _FaultError(400, "BAD_REQUEST", "spCampaigns, DAILY here")
        first = date.fromisoformat(str(body["startDate"]))
        last = date.fromisoformat(str(body["endDate"]))
        start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
        per_day: dict[tuple[str, date], list[Any]] = defaultdict(list)
        for hour in self.market.hours(client, AMAZON, start):
            if hour.start.date() <= last:
                per_day[(hour.campaign_id, hour.start.date())].append(hour.figures)
        rows = [
            {
                "campaignId": numeric_id(campaign_id),
                "date": day.isoformat(),
                "cost": float(Decimal(sum(f.spend_micros for f in figures)) / 1_000_000),
                "impressions": round(sum(f.impressions for f in figures)),
                "clicks": round(sum(f.clicks for f in figures)),
                "purchases7d": round(sum(f.conversions for f in figures)),
                "sales7d": float(Decimal(sum(f.revenue_micros for f in figures)) / 1_000_000),
            }
            for (campaign_id, day), figures in sorted(per_day.items())
        ]
        report_id = f"{next(self._numbers)}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self._reports[report_id] = (gzip.compress(json.dumps(rows).encode()), 0)
        return {"reportId": report_id, "status": "PENDING"}

    def _poll(self, report_id: str) -> dict[str, Any]:
        with self._lock:
            found = self._reports.get(report_id)
            if found is None:
                raise _FaultError(404, "NOT_FOUND", f"No report {report_id}")
            self._reports[report_id] = (found[0], found[1] + 1)
        if found[1] < self.polls_before_done:
            return {"reportId": report_id, "status": "PENDING"}
        return {
            "reportId": report_id,
            "status": "COMPLETED",
            "url": f"{self.url}/files/{report_id}",
        }

    def _file(self, report_id: str) -> Response:
        with self._lock:
            found = self._reports.get(report_id)
        if found is None:
            return Response(404, b"", content_type="text/plain")
        return Response(body=found[0], content_type="application/octet-stream")


def _money(value: object) -> Money:
    amount = Decimal(repr(value) if isinstance(value, float) else str(value)) * 1_000_000
    if amount != amount.to_integral_value() or amount % 10_000:
        raise ValueError(f"{value!r} is not a whole number of cents")
    return Money(int(amount))
