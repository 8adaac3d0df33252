"""A fake of Microsoft Advertising's REST API (v13) over a ``FakeMarket``, in the JSON shapes
of Microsoft's ``msads`` SDK: Campaign Management (``QueryByAccountId``, ``QueryByIds``,
``PUT``/``POST Campaigns``) and Reporting (``GenerateReport/Submit``, ``/Poll``, then a zip of
one CSV at a URL that needs no auth headers). One server serves both hosts.

Ids are strings of digits; ``DailyBudget`` a JSON number of currency units. Faults:
``AdApiFaultDetail`` (105 invalid credentials, 109 token expired, 117 call rate exceeded with
HTTP 429 and ``Retry-After``) or ``ApiFaultDetail``; per-campaign failures are HTTP 200 with
``PartialErrors``. An outage answers HTTP 503.
"""

from __future__ import annotations

import csv
import io
import itertools
import threading
import uuid
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from kiki.campaigns.domain import Bid, BidStrategy, CampaignState, CampaignStatus, PauseReason
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError
from kiki.testing.platforms.loopback import LoopbackServer, Request, Response
from kiki.testing.platforms.market import FakeMarket, decimal_text, numeric_id
from kiki.testing.platforms.oauth import FakeTokenEndpoint

MICROSOFT = Platform.MICROSOFT
CM = "/CampaignManagement/v13/Campaigns"
RP = "/Reporting/v13/GenerateReport"
_STATUS = {CampaignStatus.ACTIVE: "Active", CampaignStatus.PAUSED: "Paused"}


class _FaultError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(str(body))
        self.status, self.body, self.headers = status, body, headers or {}


class FakeMicrosoftAds:
    """``with FakeMicrosoftAds(market, tokens, developer_token=…) as ms: ms.url``."""

    def __init__(
        self,
        market: FakeMarket,
        tokens: FakeTokenEndpoint,
        *,
        developer_token: str,
        polls_before_success: int = 0,
    ) -> None:
        self.market = market
        self.tokens = tokens
        self.developer_token = developer_token
        self.polls_before_success = polls_before_success
        self._reports: dict[str, tuple[bytes, int]] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._serve)
        self.url = self._server.url

    def __enter__(self) -> FakeMicrosoftAds:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _serve(self, request: Request) -> Response:
        if request.path.startswith("/download/"):
            self.market.scenario.served(MICROSOFT, "GET download")
            return self._download(request.path.removeprefix("/download/"))
        operation = f"{request.method} {request.path.rsplit('/', 1)[-1]}"
        retry_after = self.market.scenario.served(MICROSOFT, operation)
        try:
            answer = Response(body=self._answer(request, retry_after))
            if request.method == "PUT":
                self.market.scenario.stall(MICROSOFT)
        except _FaultError as fault:
            headers = {"TrackingId": str(uuid.uuid4()), **fault.headers}
            return Response(status=fault.status, body=fault.body, headers=headers)
        except PlatformUnavailableError:
            body = {"Type": "ApiFaultDetail", "OperationErrors": [_error(0, "InternalError")]}
            return Response(status=503, body=body)
        return answer

    def _answer(self, request: Request, retry_after: float | None) -> dict[str, Any]:
        if retry_after is not None:
            raise _FaultError(
                429,
                _ad_api_fault(117, "CallRateExceeded", "You have exceeded the call rate."),
                {"Retry-After": str(round(retry_after))},
            )
        return self._route(request, self._authenticate(request))

    def _authenticate(self, request: Request) -> str:
        headers = {k.lower(): v for k, v in request.headers.items()}
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if not self.tokens.valid(bearer):
            raise _FaultError(
                401, _ad_api_fault(109, "AuthenticationTokenExpired", "The token has expired.")
            )
        if headers.get("developertoken") != self.developer_token:
            raise _FaultError(401, _ad_api_fault(105, "InvalidCredentials", "Invalid credentials."))
        account = headers.get("customeraccountid", "")
        if self.market.client_of(MICROSOFT, account) is None:
            raise _FaultError(403, _ad_api_fault(106, "UserIsNotAuthorized", "Not authorized."))
        return account

    def _route(self, request: Request, account: str) -> dict[str, Any]:
        body = request.json() or {}
        client = self.market.client_of(MICROSOFT, account) or ""
        if request.path.startswith(CM) and str(body.get("AccountId")) != account:
            raise _FaultError(
                400,
                {"Type": "ApiFaultDetail", "OperationErrors": [_error(1102, "InvalidAccountId")]},
            )
        key = (request.method, request.path)
        if key == ("POST", f"{CM}/QueryByAccountId"):
            return {"Campaigns": [self._row(s) for s in self._states(client)]}
        if key == ("POST", f"{CM}/QueryByIds"):
            return self._by_ids(client, body)
        if key == ("PUT", CM):
            return self._update(client, body)
        if key == ("POST", CM):
            return self._add(client, body)
        if key == ("POST", f"{RP}/Submit"):
            return self._submit(client, body)
        if key == ("POST", f"{RP}/Poll"):
            return self._poll(str(body.get("ReportRequestId")))
        raise _FaultError(
            404, {"Type": "ApiFaultDetail", "OperationErrors": [_error(0, "NotFound")]}
        )

    # -- campaign management -----------------------------------------------------------------
    def _states(self, client: str) -> list[CampaignState]:
        return [r.state for r in self.market.campaigns(client, MICROSOFT)]

    def _row(self, state: CampaignState) -> dict[str, Any]:
        return {
            "Id": str(numeric_id(state.campaign_id)),
            "Name": state.name,
            "Status": _STATUS.get(state.status, "Deleted"),
            "DailyBudget": float(state.daily_budget.to_decimal()),
            "BudgetType": "DailyBudgetStandard",
            "BudgetId": None,
            "CampaignType": "Search",
            "TimeZone": "MonroviaReykjavik",
            "BiddingScheme": _scheme(state.bid),
        }

    def _find(self, client: str, campaign_id: object) -> CampaignState | None:
        text = str(campaign_id)
        if not text.isdigit():
            return None
        sandbox_id = self.market.sandbox_id(client, MICROSOFT, int(text))
        return next((s for s in self._states(client) if s.campaign_id == sandbox_id), None)

    def _by_ids(self, client: str, body: Mapping[str, Any]) -> dict[str, Any]:
        rows: list[dict[str, Any] | None] = []
        errors = []
        for index, campaign_id in enumerate(body.get("CampaignIds") or []):
            found = self._find(client, campaign_id)
            rows.append(self._row(found) if found else None)
            if found is None:
                errors.append(
                    _batch_error(index, 1100, "CampaignIdInvalid", "Invalid campaign id.")
                )
        return {"Campaigns": rows, "PartialErrors": errors}

    def _update(self, client: str, body: Mapping[str, Any]) -> dict[str, Any]:
        errors = []
        sandbox = self.market.sandbox
        for index, item in enumerate(body.get("Campaigns") or []):
            state = self._find(client, item.get("Id"))
            if state is None:
                errors.append(
                    _batch_error(index, 1100, "CampaignIdInvalid", "Invalid campaign id.")
                )
                continue
            try:
                if "DailyBudget" in item:
                    sandbox.set_campaign_budget(state.ref, _money(item["DailyBudget"]))
                if item.get("Status") == "Paused":
                    sandbox.pause(state.ref, PauseReason.MANUAL)
                elif item.get("Status") == "Active":
                    sandbox.resume(state.ref)
                if "BiddingScheme" in item:
                    sandbox.set_bid(state.ref, _bid(item["BiddingScheme"]))
            except (InvalidInputError, ValueError, ArithmeticError) as exc:
                errors.append(_batch_error(index, 1201, "InvalidValue", str(exc)))
        return {"PartialErrors": errors}

    def _add(self, client: str, body: Mapping[str, Any]) -> dict[str, Any]:
        ids: list[str | None] = []
        errors = []
        for index, item in enumerate(body.get("Campaigns") or []):
            try:
                state = self.market.sandbox.create_campaign(
                    client,
                    MICROSOFT,
                    name=str(item.get("Name") or ""),
                    daily_budget=_money(item.get("DailyBudget", 0)),
                    bid=_bid(item.get("BiddingScheme") or {}),
                )
                ids.append(str(numeric_id(state.campaign_id)))
            except (InvalidInputError, ValueError, ArithmeticError) as exc:
                ids.append(None)
                errors.append(_batch_error(index, 1201, "InvalidValue", str(exc)))
        return {"CampaignIds": ids, "PartialErrors": errors}

    # -- reporting ---------------------------------------------------------------------------
    def _submit(self, client: str, body: Mapping[str, Any]) -> dict[str, Any]:
        request = body.get("ReportRequest") or {}
        time = request.get("Time") or {}
        if request.get("Aggregation") != "Hourly" or "CustomDateRangeStart" not in time:
            raise _FaultError(
                400, {"Type": "ApiFaultDetail", "OperationErrors": [_error(2001, "Unsupported")]}
            )
        start, end = time["CustomDateRangeStart"], time["CustomDateRangeEnd"]
        first = datetime(start["Year"], start["Month"], start["Day"], tzinfo=UTC)
        last = datetime(end["Year"], end["Month"], end["Day"], tzinfo=UTC).date()
        hours = [h for h in self.market.hours(client, MICROSOFT, first) if h.start.date() <= last]
        report_id = f"{next(self._numbers)}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self._reports[report_id] = (_zip(report_id, hours), 0)
        return {"ReportRequestId": report_id}

    def _poll(self, report_id: str) -> dict[str, Any]:
        with self._lock:
            found = self._reports.get(report_id)
            if found is None:
                raise _FaultError(
                    400,
                    {
                        "Type": "ApiFaultDetail",
                        "OperationErrors": [_error(2100, "InvalidReportId")],
                    },
                )
            archive, polls = found
            self._reports[report_id] = (archive, polls + 1)
        if polls < self.polls_before_success:
            return {"ReportRequestStatus": {"Status": "Pending", "ReportDownloadUrl": None}}
        url = f"{self.url}/download/{report_id}"
        return {"ReportRequestStatus": {"Status": "Success", "ReportDownloadUrl": url}}

    def _download(self, report_id: str) -> Response:
        with self._lock:
            found = self._reports.get(report_id)
        if found is None:
            return Response(status=404, body=b"", content_type="text/plain")
        return Response(body=found[0], content_type="application/zip")


def _zip(report_id: str, hours: list[Any]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Report Name: kiki hourly"])
    writer.writerow([f"Rows: {len(hours)}"])
    writer.writerow([])
    writer.writerow(
        ["TimePeriod", "CampaignId", "Spend", "Impressions", "Clicks", "Conversions", "Revenue"]
    )
    for h in hours:
        f = h.figures
        writer.writerow(
            [
                f"{h.start:%Y-%m-%d}|{h.start:%H}",
                str(numeric_id(h.campaign_id)),
                decimal_text(f.spend_micros),
                str(round(f.impressions)),
                str(round(f.clicks)),
                repr(f.conversions),
                decimal_text(f.revenue_micros),
            ]
        )
    writer.writerow([])
    writer.writerow(["©2026 Microsoft Corporation. All rights reserved. "])
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as zipped:
        zipped.writestr(f"{report_id}.csv", "\ufeff" + text.getvalue())
    return raw.getvalue()


def _money(value: object) -> Money:
    amount = Decimal(repr(value) if isinstance(value, float) else str(value))
    micros = amount * 1_000_000
    if micros != micros.to_integral_value() or micros % 10_000:
        raise ValueError(f"{value!r} is not a whole number of cents")
    return Money(int(micros))


def _scheme(bid: Bid) -> dict[str, Any]:
    if bid.strategy is BidStrategy.MAX_CPC and bid.amount is not None:
        return {"Type": "MaxClicks", "MaxCpc": {"Amount": float(bid.amount.to_decimal())}}
    if bid.strategy is BidStrategy.TARGET_CPA and bid.amount is not None:
        return {"Type": "TargetCpa", "TargetCpa": float(bid.amount.to_decimal())}
    return {"Type": "MaxConversions"}


def _bid(scheme: Mapping[str, Any]) -> Bid:
    if scheme.get("Type") == "MaxClicks":
        return Bid(BidStrategy.MAX_CPC, _money((scheme.get("MaxCpc") or {}).get("Amount")))
    if scheme.get("Type") == "TargetCpa":
        return Bid(BidStrategy.TARGET_CPA, _money(scheme.get("TargetCpa")))
    return Bid.automatic()


def _ad_api_fault(code: int, error_code: str, message: str) -> dict[str, Any]:
    return {
        "TrackingId": str(uuid.uuid4()),
        "Type": "AdApiFaultDetail",
        "Errors": [{"Code": code, "ErrorCode": error_code, "Message": message, "Detail": None}],
    }


def _error(code: int, error_code: str) -> dict[str, Any]:
    return {"Code": code, "ErrorCode": error_code, "Message": error_code, "Details": None}


def _batch_error(index: int, code: int, error_code: str, message: str) -> dict[str, Any]:
    return {
        "Type": "BatchError",
        "Index": index,
        "Code": code,
        "ErrorCode": error_code,
        "Message": message,
        "Details": None,
        "FieldPath": None,
    }
