"""MicrosoftGateway: the Gateway ports over Microsoft Advertising's REST API (v13).

Reads, per account: ``GetCampaignsByAccountId`` (one call) and an hourly campaign performance
report (submit, poll until ready, download: three calls or more). Writes: ``UpdateCampaigns``
(``PUT``, every changed campaign of the account in one call) with absolute ``DailyBudget`` (a
JSON number of currency units, whole cents), ``Status`` or ``BiddingScheme``;
``AddCampaigns`` to create. Reports are asked in UTC (``MonroviaReykjavik``), so "today" is
the UTC day.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from kiki.adapters.platforms.accounts import ConnectedAccounts, check_budget, split_in_steps
from kiki.adapters.platforms.credentials import SecretSource
from kiki.adapters.platforms.hourly import HourRow, ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.microsoft import wire
from kiki.adapters.platforms.microsoft.rest import CAMPAIGNS, MICROSOFT, AdsRest, MicrosoftOAuth
from kiki.adapters.platforms.money import micros_to_json_number, to_steps
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
    PlatformDataError,
    PlatformUnavailableError,
    UnrepresentableAmountError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

STEP_MICROS = 10_000  # budgets in whole cents
UTC_ZONE = "UTC"


class MicrosoftGateway:
    """Implements Gateway for the clients connected through the ``microsoft`` adapter."""

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
        self._accounts = ConnectedAccounts(connections, adapter="microsoft", platform=MICROSOFT)
        self._sleep = sleep
        self._policy = RetryPolicy(
            attempts=settings.platform_retry_attempts, budget_s=settings.platform_retry_budget_s
        )
        self._clients: dict[str | None, AdsRest] = {}
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        return sum(c.calls for c in self._clients.values())

    def close(self) -> None:
        """Close every connection the adapter opened."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # -- PlatformGateway ---------------------------------------------------------------------
    def platforms(self, client_id: str) -> list[Platform]:
        return self._accounts.platforms(client_id)

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        connection = self._accounts.of(client_id, platform)
        campaigns = self._campaigns(connection)
        frame = ReportFrame(self._clock.now(), window_s, zone(UTC_ZONE))
        ids = [state.campaign_id for state, _ in campaigns]
        total = account_telemetry(
            frame.by_campaign(ids, self._hours(connection, frame)).values(), frame
        )
        budget = sum(
            s.daily_budget.micros for s, _ in campaigns if s.status is not CampaignStatus.REMOVED
        )
        return PlatformReading(Money(budget), total.window.cac, total, Money(STEP_MICROS))

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget)
        connection = self._accounts.of(client_id, platform)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency="the account's currency")
        live = [
            (s, own)
            for s, own in self._campaigns(connection)
            if s.status is not CampaignStatus.REMOVED
        ]
        movable = [s for s, own in live if own]
        fixed = sum(s.daily_budget.micros for s, own in live if not own)
        if not movable or budget.micros < fixed:
            raise UnrepresentableAmountError(
                "daily_budget",
                "the account has no campaign with a budget of its own to carry it"
                if not movable
                else "is below what the account's shared budgets hold",
            )
        split = split_in_steps(
            [s.daily_budget.micros for s in movable],
            [s.status is CampaignStatus.ACTIVE for s in movable],
            Money(budget.micros - fixed),
            step_micros=STEP_MICROS,
            currency="the account's currency",
        )
        changes = [
            (s.campaign_id, micros)
            for s, micros in zip(movable, split, strict=True)
            if micros != s.daily_budget.micros
        ]
        if changes:
            updates = [
                {"Id": cid, "DailyBudget": micros_to_json_number(micros)} for cid, micros in changes
            ]
            wanted = dict(changes)

            def applied() -> bool:
                held = {
                    s.campaign_id: s.daily_budget.micros for s, _ in self._campaigns(connection)
                }
                return all(held.get(cid) == micros for cid, micros in wanted.items())

            self._update(connection, updates, "set budgets", applied)

    # -- CampaignReader ----------------------------------------------------------------------
    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        connection = self._accounts.of(client_id, platform)
        campaigns = self._campaigns(connection)
        frame = ReportFrame(self._clock.now(), window_s, zone(UTC_ZONE))
        ids = [s.campaign_id for s, _ in campaigns]
        telemetry = frame.by_campaign(ids, self._hours(connection, frame))
        return [CampaignReading(s, telemetry[s.campaign_id]) for s, _ in campaigns]

    # -- CampaignControl ---------------------------------------------------------------------
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        name = check_campaign_name(name)
        check_budget(daily_budget)
        connection = self._accounts.of(client_id, platform)
        to_steps(daily_budget, STEP_MICROS, field="daily_budget", currency="the account's currency")
        client = self._client(connection)
        body = {
            "AccountId": connection.account_id,
            "Campaigns": [
                {
                    "Name": name,
                    "DailyBudget": micros_to_json_number(daily_budget.micros),
                    "BudgetType": "DailyBudgetStandard",
                    "Status": "Active",
                    "CampaignType": "Search",
                    "TimeZone": wire.REPORT_ZONE,
                    "Languages": ["All"],
                    "BiddingScheme": wire.bidding_scheme(bid),
                }
            ],
        }
        answer = client.call(
            "POST",
            f"{client.ads_url}{CAMPAIGNS}",
            body,
            account_id=connection.account_id,
            operation="create campaign",
        )
        _no_partial_errors(answer, "create campaign")
        ids = answer.get("CampaignIds") or []
        if not ids or ids[0] in (None, ""):
            raise PlatformDataError("Microsoft created no campaign and said no error")
        return self._one(connection, CampaignRef(client_id, MICROSOFT, str(ids[0])))[0]

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        connection = self._accounts.of_ref(ref)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency="the account's currency")
        state, own = self._one(connection, ref)
        if not own:
            raise UnrepresentableAmountError(
                "daily_budget", f"campaign {ref.campaign_id} draws on a shared budget"
            )
        if state.daily_budget != budget:
            update = {"Id": ref.campaign_id, "DailyBudget": micros_to_json_number(budget.micros)}
            self._update(
                connection,
                [update],
                "set budget",
                lambda: self._one(connection, ref)[0].daily_budget == budget,
            )
        return replace(state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        if bid.amount is not None:
            to_steps(bid.amount, STEP_MICROS, field="bid", currency="the account's currency")
        state, _ = self._one(connection, ref)
        if state.bid != bid:
            update = {"Id": ref.campaign_id, "BiddingScheme": wire.bidding_scheme(bid)}
            self._update(
                connection, [update], "set bid", lambda: self._one(connection, ref)[0].bid == bid
            )
        return replace(state, bid=bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:  # noqa: ARG002
        return self._status(ref, CampaignStatus.PAUSED, source=CampaignStatus.ACTIVE)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, source=CampaignStatus.PAUSED)

    # -- internals ---------------------------------------------------------------------------
    def _status(
        self, ref: CampaignRef, target: CampaignStatus, *, source: CampaignStatus
    ) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        state, _ = self._one(connection, ref)
        if state.status is not source:
            return state
        update = {"Id": ref.campaign_id, "Status": wire.WIRE_STATUS[target]}
        self._update(
            connection,
            [update],
            "set status",
            lambda: self._one(connection, ref)[0].status is target,
        )
        return replace(state, status=target)

    def _update(
        self,
        connection: Connection,
        campaigns: Sequence[dict[str, Any]],
        operation: str,
        applied: Callable[[], bool],
    ) -> None:
        client = self._client(connection)
        answer = client.call(
            "PUT",
            f"{client.ads_url}{CAMPAIGNS}",
            {"AccountId": connection.account_id, "Campaigns": list(campaigns)},
            account_id=connection.account_id,
            operation=operation,
            confirm=applied,
        )
        _no_partial_errors(answer, operation)

    def _campaigns(self, connection: Connection) -> list[tuple[CampaignState, bool]]:
        client = self._client(connection)
        answer = client.call(
            "POST",
            f"{client.ads_url}{CAMPAIGNS}/QueryByAccountId",
            {"AccountId": connection.account_id, "CampaignType": wire.CAMPAIGN_TYPES},
            account_id=connection.account_id,
            operation="list campaigns",
        )
        rows = [r for r in answer.get("Campaigns") or [] if isinstance(r, dict)]
        found = [wire.campaign(r, client_id=connection.client_id) for r in rows]
        return sorted(found, key=lambda c: (c[0].created_at, _id_key(c[0].campaign_id)))

    def _one(self, connection: Connection, ref: CampaignRef) -> tuple[CampaignState, bool]:
        if not ref.campaign_id.isdigit():
            raise CampaignNotFoundError(ref.campaign_id)
        client = self._client(connection)
        answer = client.call(
            "POST",
            f"{client.ads_url}{CAMPAIGNS}/QueryByIds",
            {
                "AccountId": connection.account_id,
                "CampaignIds": [ref.campaign_id],
                "CampaignType": wire.CAMPAIGN_TYPES,
            },
            account_id=connection.account_id,
            operation="read campaign",
        )
        rows = answer.get("Campaigns") or []
        if not rows or not isinstance(rows[0], dict):
            raise CampaignNotFoundError(ref.campaign_id)
        return wire.campaign(rows[0], client_id=ref.client_id)

    def _hours(self, connection: Connection, frame: ReportFrame) -> list[HourRow]:
        client = self._client(connection)
        account = connection.account_id
        reporting = f"{client.reporting_url}/Reporting/v13/GenerateReport"
        submitted = client.call(
            "POST",
            f"{reporting}/Submit",
            wire.report_request(account, frame.first_day, frame.last_day),
            account_id=account,
            operation="submit report",
        )
        request_id = submitted.get("ReportRequestId")
        if not request_id:
            raise PlatformDataError("Microsoft accepted a report without saying its id")
        poll_s = self._settings.microsoft_report_poll_s
        for _ in range(max(1, int(self._policy.budget_s / poll_s))):
            answer = client.call(
                "POST",
                f"{reporting}/Poll",
                {"ReportRequestId": request_id},
                account_id=account,
                operation="poll report",
            )
            status = answer.get("ReportRequestStatus") or {}
            if status.get("Status") == "Success":
                url = status.get("ReportDownloadUrl")
                return (
                    wire.report_rows(client.download(url, "download report"), frame.tz)
                    if url
                    else []
                )
            if status.get("Status") == "Error":
                raise PlatformDataError("Microsoft could not build the performance report")
            self._sleep(poll_s)
        raise PlatformUnavailableError(
            MICROSOFT, "read", "the performance report was not ready in time"
        )

    def _client(self, connection: Connection) -> AdsRest:
        with self._lock:
            found = self._clients.get(connection.credentials)
            if found is None:
                found = self._new_client(connection)
                self._clients[connection.credentials] = found
            return found

    def _new_client(self, connection: Connection) -> AdsRest:
        s = self._settings
        source = SecretSource(s, MICROSOFT, connection.credentials)
        developer = source.secret("developer_token", "microsoft_developer_token")
        refresh = source.secret("refresh_token", "microsoft_refresh_token")
        secret = source.secret("client_secret", "microsoft_client_secret", required=False)
        client_id = source.plain("client_id", "microsoft_client_id")
        if not client_id:
            source.secret("client_id", "microsoft_client_id")  # raises, saying where to set it
        assert developer is not None and refresh is not None and client_id  # noqa: S101, PT018
        oauth = MicrosoftOAuth(
            developer_token=developer.get_secret_value(),
            client_id=client_id,
            client_secret=secret.get_secret_value() if secret else None,
            refresh_token=refresh.get_secret_value(),
            customer_id=source.plain("customer_id", "microsoft_customer_id"),
        )
        return AdsRest(
            oauth,
            ads_url=s.microsoft_ads_url,
            reporting_url=s.microsoft_reporting_url,
            token_url=s.microsoft_token_url,
            timeout_s=s.platform_timeout_s,
            policy=self._policy,
            clock=self._clock,
            sleep=self._sleep,
        )


def _id_key(campaign_id: str) -> tuple[int, str]:
    return (int(campaign_id), "") if campaign_id.isdigit() else (0, campaign_id)


def _no_partial_errors(answer: dict[str, Any], operation: str) -> None:
    errors = [e for e in answer.get("PartialErrors") or [] if isinstance(e, dict)]
    if not errors:
        return
    first = errors[0]
    code, message = first.get("ErrorCode"), first.get("Message")
    if code in ("CampaignIdInvalid", "CampaignServiceInvalidCampaignId"):
        raise CampaignNotFoundError(str(first.get("FieldPath") or "?"))
    raise PlatformDataError(f"{operation}: Microsoft {first.get('Code')} {code}: {message}")
