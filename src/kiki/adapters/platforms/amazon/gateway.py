"""AmazonGateway: the Gateway ports over the Amazon Ads API (Sponsored Products, v3).

Reads, per profile (the connection's account): ``POST /sp/campaigns/list`` (paged by
``nextToken``) and an asynchronous v3 report (``POST /reporting/reports`` with
``spCampaigns``, ``groupBy: campaign``, ``timeUnit: DAILY``, ``GZIP_JSON``; polled at
``GET /reporting/reports/{id}`` until COMPLETED; the file downloaded from its pre-signed URL):
``cost``, ``impressions``, ``clicks``, ``purchases7d``, ``sales7d``, per campaign and day.
Writes: ``PUT /sp/campaigns`` with ``budget {budget, budgetType: DAILY}`` (a JSON number of
currency units, whole cents) or ``state``; ``POST /sp/campaigns`` to create. Sponsored Products
bids live on ad groups and keywords, which KIKI does not manage: a bid is NotOfferedError.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiki.adapters.platforms.accounts import ConnectedAccounts, check_budget
from kiki.adapters.platforms.amazon.client import AMAZON, AmazonAds, AmazonCredentials
from kiki.adapters.platforms.campaigns import Held, account_budget, budget_changes
from kiki.adapters.platforms.credentials import SecretSource
from kiki.adapters.platforms.hourly import HourRow, ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.money import micros_to_json_number, to_steps, units_to_micros
from kiki.adapters.platforms.retry import RetryPolicy
from kiki.campaigns.domain import (
    Bid,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    PauseReason,
    check_campaign_name,
)
from kiki.core.clock import Clock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection, ConnectionLookup
from kiki.platforms.errors import (
    CampaignNotFoundError,
    NotOfferedError,
    PlatformDataError,
    PlatformUnavailableError,
    UnrepresentableAmountError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

STEP_MICROS = 10_000
DAY = timedelta(days=1)
COLUMNS = ["campaignId", "date", "cost", "impressions", "clicks", "purchases7d", "sales7d"]
STATE = {"ENABLED": CampaignStatus.ACTIVE, "PAUSED": CampaignStatus.PAUSED}
WIRE = {CampaignStatus.ACTIVE: "ENABLED", CampaignStatus.PAUSED: "PAUSED"}
_CURRENCY = "the profile's currency"


def campaign(row: Mapping[str, Any], *, client_id: str) -> Held:
    try:
        campaign_id = str(row["campaignId"])
        state = str(row["state"]).upper()
    except KeyError as exc:
        raise PlatformDataError(f"Amazon campaign without its id or state: {exc}") from None
    status = STATE.get(state, CampaignStatus.REMOVED)
    budget = row.get("budget") or {}
    daily = budget.get("budgetType") == "DAILY"
    micros = units_to_micros(budget.get("budget") or 0, what="Amazon budget") if daily else 0
    try:
        start = date.fromisoformat(str(row.get("startDate") or "1970-01-01"))
    except ValueError as exc:
        raise PlatformDataError(f"Amazon startDate {row.get('startDate')!r}") from exc
    return Held(
        CampaignState(
            CampaignRef(client_id, AMAZON, campaign_id),
            str(row.get("name") or campaign_id),
            status,
            Money(micros),
            Bid.automatic(),
            datetime.combine(start, datetime.min.time(), tzinfo=UTC),
        ),
        own_budget=daily,
    )


def day_row(row: Mapping[str, Any]) -> HourRow:
    try:
        day = date.fromisoformat(str(row["date"]))
        return HourRow(
            campaign_id=str(row["campaignId"]),
            start=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            spend_micros=units_to_micros(row.get("cost") or 0, what="Amazon cost"),
            impressions=int(row.get("impressions") or 0),
            clicks=int(row.get("clicks") or 0),
            conversions=float(row.get("purchases7d") or 0),
            revenue_micros=units_to_micros(row.get("sales7d") or 0, what="Amazon sales7d"),
        )
    except (KeyError, ValueError) as exc:
        raise PlatformDataError(f"Amazon report row without its campaign or date: {exc}") from None


class AmazonGateway:
    """Implements Gateway for the clients connected through the ``amazon`` adapter."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        connections: ConnectionLookup,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._accounts = ConnectedAccounts(connections, adapter="amazon", platform=AMAZON)
        self._sleep = sleep
        self._policy = RetryPolicy(
            attempts=settings.platform_retry_attempts, budget_s=settings.platform_retry_budget_s
        )
        self._clients: dict[str | None, AmazonAds] = {}
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        return sum(c.calls for c in self._clients.values())

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # -- PlatformGateway ---------------------------------------------------------------------
    def platforms(self, client_id: str) -> list[Platform]:
        return self._accounts.platforms(client_id)

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        readings, frame, campaigns = self._readings(
            self._accounts.of(client_id, platform), window_s
        )
        total = account_telemetry([r.telemetry for r in readings if r.telemetry], frame)
        return PlatformReading(
            account_budget(campaigns), total.window.cac, total, Money(STEP_MICROS)
        )

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget)
        connection = self._accounts.of(client_id, platform)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency=_CURRENCY)
        changes = budget_changes(
            self._campaigns(connection), budget, step_micros=STEP_MICROS, currency=_CURRENCY
        )
        if not changes:
            return
        wanted = {s.campaign_id: micros for s, micros in changes}

        def applied() -> bool:
            held = {
                h.state.campaign_id: h.state.daily_budget.micros
                for h in self._campaigns(connection)
            }
            return all(held.get(cid) == micros for cid, micros in wanted.items())

        self._edit(
            connection,
            [{"campaignId": s.campaign_id, "budget": _budget(m)} for s, m in changes],
            applied,
        )

    # -- CampaignReader ----------------------------------------------------------------------
    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        return self._readings(self._accounts.of(client_id, platform), window_s)[0]

    # -- CampaignControl ---------------------------------------------------------------------
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        name = check_campaign_name(name)
        check_budget(daily_budget)
        connection = self._accounts.of(client_id, platform)
        to_steps(daily_budget, STEP_MICROS, field="daily_budget", currency=_CURRENCY)
        if bid.amount is not None:
            raise _no_bids()
        body = {
            "campaigns": [
                {
                    "name": name,
                    "state": "ENABLED",
                    "targetingType": "AUTO",
                    "budget": _budget(daily_budget.micros),
                    "startDate": self._clock.now().date().isoformat(),
                }
            ]
        }
        answer = self._client(connection).create(connection.account_id, body)
        found = ((answer.get("campaigns") or {}).get("success") or [{}])[0]
        campaign_id = str(found.get("campaignId") or "")
        if not campaign_id:
            errors = (answer.get("campaigns") or {}).get("error")
            raise PlatformDataError(f"Amazon created no campaign: {errors}")
        return self._one(connection, CampaignRef(client_id, AMAZON, campaign_id)).state

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        connection = self._accounts.of_ref(ref)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency=_CURRENCY)
        held = self._one(connection, ref)
        if not held.own_budget:
            raise UnrepresentableAmountError(
                "daily_budget", f"Amazon campaign {ref.campaign_id} has no daily budget"
            )
        if held.state.daily_budget != budget:
            self._edit(
                connection,
                [{"campaignId": ref.campaign_id, "budget": _budget(budget.micros)}],
                lambda: self._one(connection, ref).state.daily_budget == budget,
            )
        return replace(held.state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        held = self._one(self._accounts.of_ref(ref), ref)
        if bid.amount is not None:
            raise _no_bids()
        return held.state

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:  # noqa: ARG002
        return self._status(ref, CampaignStatus.PAUSED, CampaignStatus.ACTIVE)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, CampaignStatus.PAUSED)

    # -- internals ---------------------------------------------------------------------------
    def _status(
        self, ref: CampaignRef, target: CampaignStatus, source: CampaignStatus
    ) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        state = self._one(connection, ref).state
        if state.status is not source:
            return state
        self._edit(
            connection,
            [{"campaignId": ref.campaign_id, "state": WIRE[target]}],
            lambda: self._one(connection, ref).state.status is target,
        )
        return replace(state, status=target)

    def _edit(
        self, connection: Connection, campaigns: list[dict[str, Any]], applied: Callable[[], bool]
    ) -> None:
        answer = self._client(connection).edit(
            connection.account_id, {"campaigns": campaigns}, applied
        )
        errors = (answer.get("campaigns") or {}).get("error") if answer else None
        if errors:
            raise PlatformDataError(f"Amazon refused the campaign update: {errors}")

    def _campaigns(self, connection: Connection) -> list[Held]:
        client, rows, token = self._client(connection), [], None
        for _ in range(1000):
            body: dict[str, Any] = {"maxResults": 1000}
            if token:
                body["nextToken"] = token
            answer = client.campaigns(connection.account_id, body)
            rows += [r for r in answer.get("campaigns") or [] if isinstance(r, dict)]
            token = answer.get("nextToken")
            if not token:
                break
        found = [campaign(r, client_id=connection.client_id) for r in rows]
        return sorted(found, key=lambda c: (c.state.created_at, c.state.campaign_id))

    def _one(self, connection: Connection, ref: CampaignRef) -> Held:
        if not ref.campaign_id.isdigit():
            raise CampaignNotFoundError(ref.campaign_id)
        body = {"campaignIdFilter": {"include": [ref.campaign_id]}}
        rows = self._client(connection).campaigns(connection.account_id, body).get("campaigns")
        if not rows:
            raise CampaignNotFoundError(ref.campaign_id)
        return campaign(rows[0], client_id=ref.client_id)

    def _readings(
        self, connection: Connection, window_s: float
    ) -> tuple[list[CampaignReading], ReportFrame, list[Held]]:
        campaigns = self._campaigns(connection)
        frame = ReportFrame(self._clock.now(), window_s, zone("UTC"), period=DAY)
        rows = [day_row(r) for r in self._report(connection, frame)]
        telemetry = frame.by_campaign([c.state.campaign_id for c in campaigns], rows)
        readings = [CampaignReading(c.state, telemetry[c.state.campaign_id]) for c in campaigns]
        return readings, frame, campaigns

    def _report(self, connection: Connection, frame: ReportFrame) -> list[dict[str, Any]]:
        client, profile = self._client(connection), connection.account_id
        requested = client.request_report(
            profile,
            {
                "name": "kiki daily campaigns",
                "startDate": frame.first_day.isoformat(),
                "endDate": frame.last_day.isoformat(),
                "configuration": {
                    "adProduct": "SPONSORED_PRODUCTS",
                    "groupBy": ["campaign"],
                    "columns": COLUMNS,
                    "reportTypeId": "spCampaigns",
                    "timeUnit": "DAILY",
                    "format": "GZIP_JSON",
                },
            },
        )
        report_id = str(requested.get("reportId") or "")
        if not report_id:
            raise PlatformDataError("Amazon accepted a report without saying its id")
        poll_s = self._settings.amazon_report_poll_s
        for _ in range(max(1, int(self._policy.budget_s / poll_s))):
            status = client.report(profile, report_id)
            if status.get("status") == "COMPLETED" and status.get("url"):
                return client.download(str(status["url"]))
            if status.get("status") == "FAILED":
                raise PlatformDataError(
                    f"Amazon could not build the report: {status.get('failureReason')}"
                )
            self._sleep(poll_s)
        raise PlatformUnavailableError(AMAZON, "read", "the report was not ready in time")

    def _client(self, connection: Connection) -> AmazonAds:
        with self._lock:
            found = self._clients.get(connection.credentials)
            if found is None:
                s = self._settings
                source = SecretSource(s, AMAZON, connection.credentials)
                secret = source.secret("client_secret", "amazon_client_secret")
                refresh = source.secret("refresh_token", "amazon_refresh_token")
                client_id = source.plain("client_id", "amazon_client_id")
                if not client_id:
                    source.secret("client_id", "amazon_client_id")  # raises, saying where
                assert secret is not None  # noqa: S101  # required=True raised otherwise
                assert refresh is not None  # noqa: S101
                found = AmazonAds(
                    AmazonCredentials(
                        str(client_id), secret.get_secret_value(), refresh.get_secret_value()
                    ),
                    base_url=s.amazon_ads_url,
                    token_url=s.amazon_token_url,
                    timeout_s=s.platform_timeout_s,
                    policy=self._policy,
                    clock=self._clock,
                    sleep=self._sleep,
                )
                self._clients[connection.credentials] = found
            return found


def _budget(micros: int) -> dict[str, Any]:
    return {"budget": micros_to_json_number(micros), "budgetType": "DAILY"}


def _no_bids() -> NotOfferedError:
    return NotOfferedError(
        AMAZON, "bid control", "Sponsored Products bids live on ad groups and keywords"
    )
