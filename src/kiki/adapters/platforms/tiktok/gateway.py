"""TikTokGateway: the Gateway ports over TikTok's Business API (v1.3).

Reads, per advertiser: ``campaign/get`` (paged, one call for up to 1000 campaigns) and the
integrated report at campaign level, one row per campaign and day (``stat_time_day``), in
UTC. Writes: ``campaign/update`` with an absolute ``budget`` (a JSON number of currency
units, whole cents) and ``budget_mode`` ``BUDGET_MODE_DAY``, ``campaign/status/update`` with
``operation_status`` ``ENABLE``/``DISABLE``, ``campaign/create``. TikTok keeps bids on ad
groups, which KIKI does not reach: a bid is NotOfferedError, and campaigns read as bidding
automatically. A campaign with an unlimited or lifetime budget has no daily budget to move.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiki.adapters.platforms.accounts import ConnectedAccounts, check_budget
from kiki.adapters.platforms.campaigns import Held, account_budget, budget_changes
from kiki.adapters.platforms.credentials import SecretSource
from kiki.adapters.platforms.hourly import HourRow, ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.money import micros_to_json_number, to_steps, units_to_micros
from kiki.adapters.platforms.retry import RetryPolicy
from kiki.adapters.platforms.tiktok.client import TIKTOK, TikTokClient
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
    UnrepresentableAmountError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

STEP_MICROS = 10_000  # budgets in whole cents
DAY = timedelta(days=1)
DAILY = "BUDGET_MODE_DAY"
DELETED = "CAMPAIGN_STATUS_DELETE"
_STATUS = {"ENABLE": CampaignStatus.ACTIVE, "DISABLE": CampaignStatus.PAUSED}
_CURRENCY = "the advertiser's currency"


def campaign(row: dict[str, Any], *, client_id: str) -> Held:
    try:
        campaign_id = str(row["campaign_id"])
        status = _STATUS[str(row.get("operation_status"))]
    except KeyError as exc:
        raise PlatformDataError(f"TikTok campaign without a known id or status: {exc}") from None
    if row.get("secondary_status") == DELETED:
        status = CampaignStatus.REMOVED
    daily = row.get("budget_mode") == DAILY
    budget = units_to_micros(row.get("budget") or 0, what="TikTok budget") if daily else 0
    try:
        created = datetime.strptime(f"{row.get('create_time')} +0000", "%Y-%m-%d %H:%M:%S %z")
    except ValueError as exc:
        raise PlatformDataError(f"TikTok create_time {row.get('create_time')!r}") from exc
    state = CampaignState(
        CampaignRef(client_id, TIKTOK, campaign_id),
        str(row.get("campaign_name") or campaign_id),
        status,
        Money(budget),
        Bid.automatic(),
        created,
    )
    return Held(state, own_budget=daily)


def day_row(row: dict[str, Any], *, revenue_metric: str) -> HourRow:
    dims, metrics = row.get("dimensions") or {}, row.get("metrics") or {}
    try:
        day = date.fromisoformat(str(dims["stat_time_day"])[:10])
        campaign_id = str(dims["campaign_id"])
        return HourRow(
            campaign_id=campaign_id,
            start=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            spend_micros=units_to_micros(metrics.get("spend") or "0", what="TikTok spend"),
            impressions=int(str(metrics.get("impressions") or 0)),
            clicks=int(str(metrics.get("clicks") or 0)),
            conversions=float(str(metrics.get("conversion") or 0)),
            revenue_micros=units_to_micros(
                metrics.get(revenue_metric) or "0", what=f"TikTok {revenue_metric}"
            ),
        )
    except (KeyError, ValueError) as exc:
        raise PlatformDataError(f"TikTok report row without its campaign or day: {exc}") from None


class TikTokGateway:
    """Implements Gateway for the clients connected through the ``tiktok`` adapter."""

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
        self._accounts = ConnectedAccounts(connections, adapter="tiktok", platform=TIKTOK)
        self._sleep = sleep
        self._policy = RetryPolicy(
            attempts=settings.platform_retry_attempts, budget_s=settings.platform_retry_budget_s
        )
        self._clients: dict[str | None, TikTokClient] = {}
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
        budget = account_budget(campaigns)
        return PlatformReading(budget, total.window.cac, total, Money(STEP_MICROS))

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget)
        connection = self._accounts.of(client_id, platform)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency=_CURRENCY)
        changes = budget_changes(
            self._campaigns(connection), budget, step_micros=STEP_MICROS, currency=_CURRENCY
        )
        for state, micros in changes:
            self._budget(connection, state.ref, micros)

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
            raise self._no_bids()
        data = self._client(connection).post(
            "create campaign",
            "campaign/create",
            {
                "advertiser_id": connection.account_id,
                "campaign_name": name,
                "objective_type": "WEB_CONVERSIONS",
                "budget_mode": DAILY,
                "budget": micros_to_json_number(daily_budget.micros),
                "operation_status": "ENABLE",
            },
        )
        campaign_id = str(data.get("campaign_id") or "")
        if not campaign_id:
            raise PlatformDataError("TikTok created a campaign without saying its id")
        return self._one(connection, CampaignRef(client_id, TIKTOK, campaign_id)).state

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        connection = self._accounts.of_ref(ref)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency=_CURRENCY)
        held = self._one(connection, ref)
        if not held.own_budget:
            raise UnrepresentableAmountError(
                "daily_budget", f"TikTok campaign {ref.campaign_id} has no daily budget"
            )
        if held.state.daily_budget != budget:
            self._budget(connection, ref, budget.micros)
        return replace(held.state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        held = self._one(self._accounts.of_ref(ref), ref)
        if bid.amount is not None:
            raise self._no_bids()
        return held.state  # campaigns bid automatically: nothing to change

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:  # noqa: ARG002
        return self._status(ref, CampaignStatus.PAUSED, "DISABLE", CampaignStatus.ACTIVE)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, "ENABLE", CampaignStatus.PAUSED)

    # -- internals ---------------------------------------------------------------------------
    def _no_bids(self) -> NotOfferedError:
        return NotOfferedError(
            TIKTOK, "bid control", "TikTok keeps bids on ad groups, which KIKI does not manage"
        )

    def _status(
        self, ref: CampaignRef, target: CampaignStatus, wire: str, source: CampaignStatus
    ) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        state = self._one(connection, ref).state
        if state.status is not source:
            return state
        self._client(connection).post(
            "set status",
            "campaign/status/update",
            {
                "advertiser_id": connection.account_id,
                "campaign_ids": [ref.campaign_id],
                "operation_status": wire,
            },
            confirm=lambda: self._one(connection, ref).state.status is target,
        )
        return replace(state, status=target)

    def _budget(self, connection: Connection, ref: CampaignRef, micros: int) -> None:
        self._client(connection).post(
            "set budget",
            "campaign/update",
            {
                "advertiser_id": connection.account_id,
                "campaign_id": ref.campaign_id,
                "budget": micros_to_json_number(micros),
            },
            confirm=lambda: self._one(connection, ref).state.daily_budget.micros == micros,
        )

    def _campaigns(self, connection: Connection) -> list[Held]:
        rows = self._client(connection).campaigns(connection.account_id)
        found = [campaign(r, client_id=connection.client_id) for r in rows]
        return sorted(found, key=lambda c: (c.state.created_at, c.state.campaign_id))

    def _one(self, connection: Connection, ref: CampaignRef) -> Held:
        if not ref.campaign_id.isdigit():
            raise CampaignNotFoundError(ref.campaign_id)
        row = self._client(connection).campaign(connection.account_id, ref.campaign_id)
        if row is None:
            raise CampaignNotFoundError(ref.campaign_id)
        return campaign(row, client_id=ref.client_id)

    def _readings(
        self, connection: Connection, window_s: float
    ) -> tuple[list[CampaignReading], ReportFrame, list[Held]]:
        campaigns = self._campaigns(connection)
        frame = ReportFrame(self._clock.now(), window_s, zone("UTC"), period=DAY)
        metric = self._settings.tiktok_revenue_metric
        rows = [
            day_row(r, revenue_metric=metric)
            for r in self._client(connection).report(
                connection.account_id,
                frame.first_day.isoformat(),
                frame.last_day.isoformat(),
                ["spend", "impressions", "clicks", "conversion", metric],
            )
        ]
        telemetry = frame.by_campaign([c.state.campaign_id for c in campaigns], rows)
        readings = [CampaignReading(c.state, telemetry[c.state.campaign_id]) for c in campaigns]
        return readings, frame, campaigns

    def _client(self, connection: Connection) -> TikTokClient:
        with self._lock:
            found = self._clients.get(connection.credentials)
            if found is None:
                source = SecretSource(self._settings, TIKTOK, connection.credentials)
                token = source.secret("access_token", "tiktok_access_token")
                assert token is not None  # noqa: S101  # required=True raised otherwise
                found = TikTokClient(
                    access_token=token.get_secret_value(),
                    base_url=self._settings.tiktok_api_url,
                    timeout_s=self._settings.platform_timeout_s,
                    policy=self._policy,
                    sleep=self._sleep,
                )
                self._clients[connection.credentials] = found
            return found
