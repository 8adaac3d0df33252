"""GoogleGateway: the Gateway ports over the Google Ads API (google-ads, gRPC).

Reads, per customer: one ``search_stream`` for the campaigns with their budgets, bids and the
customer's currency and time zone, one for the hourly metrics; the currency's billable unit
once per process. Writes: ``CampaignBudgetService`` (absolute ``amount_micros``; a budget
shared by several campaigns is reported but moved only with
``KIKI_GOOGLE_ADS_MOVE_SHARED_BUDGETS``), ``CampaignService`` (status, bidding) and, to create
a campaign with its budget atomically, ``GoogleAdsService.Mutate``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiki.adapters.platforms.accounts import ConnectedAccounts, check_budget, split_in_steps
from kiki.adapters.platforms.credentials import SecretSource
from kiki.adapters.platforms.google import queries
from kiki.adapters.platforms.google.client import GOOGLE, AdsClient, OAuth
from kiki.adapters.platforms.hourly import ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.money import to_steps
from kiki.adapters.platforms.retry import RetryPolicy
from kiki.campaigns.domain import (
    Bid,
    BidStrategy,
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
    UnrepresentableAmountError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

_WIRE_STATUS = {CampaignStatus.ACTIVE: "ENABLED", CampaignStatus.PAUSED: "PAUSED"}


class GoogleGateway:
    """Implements Gateway for the clients connected through the ``google`` adapter."""

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
        self._accounts = ConnectedAccounts(connections, adapter="google", platform=GOOGLE)
        self._sleep = sleep
        self._policy = RetryPolicy(
            attempts=settings.platform_retry_attempts, budget_s=settings.platform_retry_budget_s
        )
        self._clients: dict[str | None, AdsClient] = {}
        self._units: dict[str, int] = {}
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
        telemetry = self._telemetry(connection, campaigns, window_s)
        frame = self._frame(campaigns, window_s)
        total = account_telemetry(telemetry.values(), frame)
        step = Money(1)
        if campaigns:
            client = self._client(connection)
            step = Money(self._unit(client, connection.account_id, campaigns[0].currency))
        return PlatformReading(Money(_budget(campaigns)), total.window.cac, total, step)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget)
        connection = self._accounts.of(client_id, platform)
        client = self._client(connection)
        campaigns = self._campaigns(connection)
        live = [c for c in campaigns if c.state.status is not CampaignStatus.REMOVED]
        if not live:
            raise UnrepresentableAmountError(
                "daily_budget", "the account has no campaign to carry it"
            )
        unit = self._unit(client, connection.account_id, live[0].currency)
        to_steps(budget, unit, field="daily_budget", currency=live[0].currency)
        movable = [c for c in _distinct(live) if self._movable(c)]
        fixed = _budget(live) - sum(c.state.daily_budget.micros for c in movable)
        if not movable or budget.micros < fixed:
            raise UnrepresentableAmountError(
                "daily_budget",
                "no campaign of the account has a budget of its own to carry it "
                "(shared budgets move only with KIKI_GOOGLE_ADS_MOVE_SHARED_BUDGETS)"
                if not movable
                else "is below what the account's shared budgets hold",
            )
        split = split_in_steps(
            [c.state.daily_budget.micros for c in movable],
            [c.state.status is CampaignStatus.ACTIVE for c in movable],
            Money(budget.micros - fixed),
            step_micros=unit,
            currency=live[0].currency,
        )
        changes = [
            (c.budget_resource, micros)
            for c, micros in zip(movable, split, strict=True)
            if micros != c.state.daily_budget.micros
        ]
        if changes:
            self._set_budgets(client, connection.account_id, changes)

    # -- CampaignReader ----------------------------------------------------------------------
    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        connection = self._accounts.of(client_id, platform)
        campaigns = self._campaigns(connection)
        telemetry = self._telemetry(connection, campaigns, window_s)
        return [CampaignReading(c.state, telemetry[c.state.campaign_id]) for c in campaigns]

    # -- CampaignControl ---------------------------------------------------------------------
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        name = check_campaign_name(name)
        check_budget(daily_budget)
        connection = self._accounts.of(client_id, platform)
        client = self._client(connection)
        sdk, cid = client.sdk, connection.account_id
        budget_op = sdk.get_type("MutateOperation")
        budget = budget_op.campaign_budget_operation.create
        budget.resource_name = f"customers/{cid}/campaignBudgets/-1"
        budget.name = f"{name} (KIKI)"
        budget.amount_micros = daily_budget.micros
        budget.delivery_method = sdk.enums.BudgetDeliveryMethodEnum.STANDARD
        budget.explicitly_shared = False
        campaign_op = sdk.get_type("MutateOperation")
        created = campaign_op.campaign_operation.create
        created.name = name
        created.status = sdk.enums.CampaignStatusEnum.ENABLED
        created.advertising_channel_type = sdk.enums.AdvertisingChannelTypeEnum.SEARCH
        created.campaign_budget = budget.resource_name
        _apply_bid(sdk, created, bid)
        response = client.mutate(
            "GoogleAdsService", "mutate", cid, [budget_op, campaign_op], "create campaign"
        )
        resource = response.mutate_operation_responses[1].campaign_result.resource_name
        return self._one(
            connection, CampaignRef(client_id, GOOGLE, resource.rsplit("/", 1)[-1])
        ).state

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        connection = self._accounts.of_ref(ref)
        client = self._client(connection)
        found = self._one(connection, ref)
        unit = self._unit(client, connection.account_id, found.currency)
        to_steps(budget, unit, field="daily_budget", currency=found.currency)
        if not self._movable(found):
            raise UnrepresentableAmountError(
                "daily_budget",
                f"campaign {ref.campaign_id}'s budget is shared; set "
                "KIKI_GOOGLE_ADS_MOVE_SHARED_BUDGETS to let KIKI move it",
            )
        if found.state.daily_budget != budget:
            self._set_budgets(
                client, connection.account_id, [(found.budget_resource, budget.micros)]
            )
        return replace(found.state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        client = self._client(connection)
        found = self._one(connection, ref)
        if found.state.bid == bid:
            return found.state
        sdk = client.sdk
        op = sdk.get_type("CampaignOperation")
        op.update.resource_name = _campaign_resource(connection.account_id, ref.campaign_id)
        paths = _apply_bid(sdk, op.update, bid)
        op.update_mask.paths.extend(paths)
        client.mutate(
            "CampaignService",
            "mutate_campaigns",
            connection.account_id,
            [op],
            "set bid",
            confirm=lambda: self._one(connection, ref).state.bid == bid,
        )
        return replace(found.state, bid=bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:  # noqa: ARG002
        return self._status(ref, CampaignStatus.PAUSED, source=CampaignStatus.ACTIVE)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, source=CampaignStatus.PAUSED)

    # -- internals ---------------------------------------------------------------------------
    def _status(
        self, ref: CampaignRef, target: CampaignStatus, *, source: CampaignStatus
    ) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        client = self._client(connection)
        found = self._one(connection, ref).state
        if found.status is not source:
            return found
        sdk = client.sdk
        op = sdk.get_type("CampaignOperation")
        op.update.resource_name = _campaign_resource(connection.account_id, ref.campaign_id)
        op.update.status = getattr(sdk.enums.CampaignStatusEnum, _WIRE_STATUS[target])
        op.update_mask.paths.append("status")
        client.mutate(
            "CampaignService",
            "mutate_campaigns",
            connection.account_id,
            [op],
            "set status",
            confirm=lambda: self._one(connection, ref).state.status is target,
        )
        return replace(found, status=target)

    def _set_budgets(
        self, client: AdsClient, customer_id: str, changes: list[tuple[str, int]]
    ) -> None:
        ops = []
        for resource, micros in changes:
            op = client.sdk.get_type("CampaignBudgetOperation")
            op.update.resource_name = resource
            op.update.amount_micros = micros
            op.update_mask.paths.append("amount_micros")
            ops.append(op)
        wanted = dict(changes)

        def applied() -> bool:
            rows = client.search(customer_id, queries.CAMPAIGNS, "read back")
            held = {r.campaign_budget.resource_name: r.campaign_budget.amount_micros for r in rows}
            return all(held.get(resource) == micros for resource, micros in wanted.items())

        client.mutate(
            "CampaignBudgetService",
            "mutate_campaign_budgets",
            customer_id,
            ops,
            "set budgets",
            confirm=applied,
        )

    def _movable(self, campaign: queries.GoogleCampaign) -> bool:
        return not campaign.shared or self._settings.google_ads_move_shared_budgets

    def _campaigns(self, connection: Connection) -> list[queries.GoogleCampaign]:
        client = self._client(connection)
        rows = client.search(connection.account_id, queries.CAMPAIGNS, "list campaigns")
        found = [
            queries.campaign(r, client_id=connection.client_id, customer_id=connection.account_id)
            for r in rows
        ]
        return sorted(found, key=lambda c: (c.state.created_at, c.state.campaign_id))

    def _one(self, connection: Connection, ref: CampaignRef) -> queries.GoogleCampaign:
        if not ref.campaign_id.isdigit():
            raise CampaignNotFoundError(ref.campaign_id)
        client = self._client(connection)
        rows = client.search(
            connection.account_id, queries.one_campaign(int(ref.campaign_id)), "read campaign"
        )
        if not rows:
            raise CampaignNotFoundError(ref.campaign_id)
        return queries.campaign(rows[0], client_id=ref.client_id, customer_id=connection.account_id)

    def _frame(self, campaigns: list[queries.GoogleCampaign], window_s: float) -> ReportFrame:
        tz = campaigns[0].time_zone if campaigns else "UTC"
        return ReportFrame(self._clock.now(), window_s, zone(tz))

    def _telemetry(
        self, connection: Connection, campaigns: list[queries.GoogleCampaign], window_s: float
    ) -> dict[str, Any]:
        frame = self._frame(campaigns, window_s)
        rows = self._client(connection).search(
            connection.account_id,
            queries.METRICS.format(first=frame.first_day, last=frame.last_day),
            "read metrics",
        )
        hours = [queries.hour_row(r, frame.tz) for r in rows]
        return frame.by_campaign([c.state.campaign_id for c in campaigns], hours)

    def _unit(self, client: AdsClient, customer_id: str, currency: str) -> int:
        found = self._units.get(currency)
        if found is None:
            rows = client.search(customer_id, queries.UNIT.format(code=currency), "read currency")
            if not rows or rows[0].currency_constant.billable_unit_micros <= 0:
                raise PlatformDataError(f"Google did not say the billable unit of {currency}")
            found = int(rows[0].currency_constant.billable_unit_micros)
            self._units[currency] = found
        return found

    def _client(self, connection: Connection) -> AdsClient:
        with self._lock:
            found = self._clients.get(connection.credentials)
            if found is None:
                found = self._new_client(connection)
                self._clients[connection.credentials] = found
            return found

    def _new_client(self, connection: Connection) -> AdsClient:
        s = self._settings
        source = SecretSource(s, GOOGLE, connection.credentials)
        secrets = {
            key: source.secret(key, f"google_ads_{key}")
            for key in ("developer_token", "client_secret", "refresh_token")
        }
        client_id = source.plain("client_id", "google_ads_client_id")
        if not client_id:
            source.secret("client_id", "google_ads_client_id")  # raises, saying where to set it
        oauth = OAuth(
            developer_token=_value(secrets["developer_token"]),
            client_id=client_id,
            client_secret=_value(secrets["client_secret"]),
            refresh_token=_value(secrets["refresh_token"]),
            login_customer_id=(
                source.plain("login_customer_id", "google_ads_login_customer_id") or ""
            ).replace("-", "")
            or None,
        )
        return AdsClient(
            oauth,
            endpoint=s.google_ads_endpoint,
            token_url=s.google_ads_token_url,
            root_certs=s.google_ads_root_certs,
            timeout_s=s.platform_timeout_s,
            policy=self._policy,
            sleep=self._sleep,
        )


def _value(secret: Any) -> str:
    return str(secret.get_secret_value())


def _campaign_resource(customer_id: str, campaign_id: str) -> str:
    return f"customers/{customer_id}/campaigns/{campaign_id}"


def _budget(campaigns: list[queries.GoogleCampaign]) -> int:
    """The account's daily budget: each live budget once, however many campaigns share it."""
    return sum(
        c.state.daily_budget.micros
        for c in _distinct(campaigns)
        if c.state.status is not CampaignStatus.REMOVED
    )


def _distinct(campaigns: list[queries.GoogleCampaign]) -> list[queries.GoogleCampaign]:
    seen: set[str] = set()
    found = []
    for c in campaigns:
        if c.state.status is CampaignStatus.REMOVED or c.budget_resource in seen:
            continue
        seen.add(c.budget_resource)
        found.append(c)
    return found


def _apply_bid(sdk: Any, campaign: Any, bid: Bid) -> list[str]:
    """Set ``bid`` on a Campaign message; the update-mask paths it touched."""
    if bid.strategy is BidStrategy.MAX_CPC:
        assert bid.amount is not None  # noqa: S101  # Bid guarantees it
        campaign.target_spend.cpc_bid_ceiling_micros = bid.amount.micros
        return ["target_spend.cpc_bid_ceiling_micros"]
    target = bid.amount.micros if bid.amount is not None else 0
    if target:
        campaign.maximize_conversions.target_cpa_micros = target
    else:
        sdk.copy_from(campaign.maximize_conversions, sdk.get_type("MaximizeConversions"))
    return ["maximize_conversions.target_cpa_micros"]
