"""MetaGateway: the Gateway ports over Meta's Marketing API (facebook-business).

Reads, per ad account: the campaigns with their ad sets in one paged call (field expansion),
and hourly insights at campaign level in one paged call; the account's currency and time zone
once per process. Writes: ``POST /{campaign_id}`` with an absolute ``daily_budget`` (in the
currency's offset unit), ``status`` or ``bid_strategy``, and ``bid_amount`` on the campaign's
ad sets (Meta keeps bid amounts there).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kiki.adapters.platforms.accounts import ConnectedAccounts, check_budget, split_in_steps
from kiki.adapters.platforms.credentials import SecretSource
from kiki.adapters.platforms.hourly import HourRow, ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.meta import wire
from kiki.adapters.platforms.meta.graph import GraphClient
from kiki.adapters.platforms.money import meta_step_micros, to_steps
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
    UnrepresentableAmountError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

META = Platform.META


@dataclass(frozen=True, slots=True)
class _Account:
    client: GraphClient
    act: str  # act_<id>
    account_id: str
    currency: str
    step_micros: int
    tz_name: str


class MetaGateway:
    """Implements Gateway for the clients connected through the ``meta`` adapter."""

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
        self._accounts = ConnectedAccounts(connections, adapter="meta", platform=META)
        self._sleep = sleep
        self._policy = RetryPolicy(
            attempts=settings.platform_retry_attempts, budget_s=settings.platform_retry_budget_s
        )
        self._clients: dict[str | None, GraphClient] = {}
        self._info: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        """API calls made so far (the benchmark counts them)."""
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
        account = self._account(self._accounts.of(client_id, platform))
        campaigns = self._campaigns(account, client_id)
        frame = ReportFrame(self._clock.now(), window_s, zone(account.tz_name))
        telemetry = account_telemetry(
            frame.by_campaign(
                [c.state.campaign_id for c in campaigns], self._hours(account, frame)
            ).values(),
            frame,
        )
        budget = sum(
            c.state.daily_budget.micros
            for c in campaigns
            if c.state.status is not CampaignStatus.REMOVED
        )
        step = Money(account.step_micros)
        return PlatformReading(Money(budget), telemetry.window.cac, telemetry, step)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget)
        account = self._account(self._accounts.of(client_id, platform))
        to_steps(budget, account.step_micros, field="daily_budget", currency=account.currency)
        live = [
            c
            for c in self._campaigns(account, client_id)
            if c.state.status is not CampaignStatus.REMOVED
        ]
        movable = [c for c in live if c.own_budget]
        fixed = sum(c.state.daily_budget.micros for c in live if not c.own_budget)
        if not movable or budget.micros < fixed:
            raise UnrepresentableAmountError(
                "daily_budget",
                "the account has no campaign with its own daily budget to carry it"
                if not movable
                else "is below what the campaigns budgeted on their ad sets hold",
            )
        split = split_in_steps(
            [c.state.daily_budget.micros for c in movable],
            [c.state.status is CampaignStatus.ACTIVE for c in movable],
            Money(budget.micros - fixed),
            step_micros=account.step_micros,
            currency=account.currency,
        )
        for c, micros in zip(movable, split, strict=True):
            if micros != c.state.daily_budget.micros:
                self._post_budget(account, c.state.campaign_id, micros)

    # -- CampaignReader ----------------------------------------------------------------------
    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        account = self._account(self._accounts.of(client_id, platform))
        campaigns = self._campaigns(account, client_id)
        frame = ReportFrame(self._clock.now(), window_s, zone(account.tz_name))
        telemetry = frame.by_campaign(
            [c.state.campaign_id for c in campaigns], self._hours(account, frame)
        )
        return [CampaignReading(c.state, telemetry[c.state.campaign_id]) for c in campaigns]

    # -- CampaignControl ---------------------------------------------------------------------
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        name = check_campaign_name(name)
        check_budget(daily_budget)
        account = self._account(self._accounts.of(client_id, platform))
        minor = to_steps(
            daily_budget, account.step_micros, field="daily_budget", currency=account.currency
        )
        if bid.amount is not None:
            to_steps(bid.amount, account.step_micros, field="bid", currency=account.currency)
        created = account.client.post(
            (account.act, "campaigns"),
            {
                "name": name,
                "objective": "OUTCOME_SALES",
                "status": "ACTIVE",
                "special_ad_categories": [],
                "buying_type": "AUCTION",
                "daily_budget": minor,
                "bid_strategy": wire.STRATEGY[bid.strategy],
            },
            "create campaign",
        )
        campaign_id = str(created.get("id", "")) if isinstance(created, dict) else ""
        if not campaign_id:
            raise PlatformDataError("Meta created a campaign without saying its id")
        ref = CampaignRef(client_id, META, campaign_id)
        if bid.amount is None:
            return self._node(account, ref).state
        try:
            return self.set_bid(ref, bid)
        except PlatformDataError:
            # nothing is created when this raises: take the half-made campaign back
            account.client.post((campaign_id,), {"status": "DELETED"}, "delete campaign")
            raise

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        account = self._account(self._accounts.of_ref(ref))
        to_steps(budget, account.step_micros, field="daily_budget", currency=account.currency)
        found = self._node(account, ref)
        if not found.own_budget:
            raise UnrepresentableAmountError(
                "daily_budget", f"Meta campaign {ref.campaign_id} is budgeted on its ad sets"
            )
        if found.state.daily_budget != budget:
            self._post_budget(account, ref.campaign_id, budget.micros)
        return replace(found.state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        account = self._account(self._accounts.of_ref(ref))
        found = self._node(account, ref)
        if bid.amount is not None:
            minor = to_steps(
                bid.amount, account.step_micros, field="bid", currency=account.currency
            )
            if not found.adset_ids:
                raise PlatformDataError(
                    f"Meta keeps bid amounts on ad sets and campaign {ref.campaign_id} has none "
                    "yet: bid automatically until it has"
                )
        if found.state.bid == bid:
            return found.state
        strategy = wire.STRATEGY[bid.strategy]
        account.client.post((ref.campaign_id,), {"bid_strategy": strategy}, "set bid strategy")
        if bid.amount is not None:
            for adset_id in found.adset_ids:
                account.client.post((adset_id,), {"bid_amount": minor}, "set bid amount")
        return replace(found.state, bid=bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:  # noqa: ARG002
        return self._status(ref, CampaignStatus.PAUSED, "PAUSED", CampaignStatus.ACTIVE)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, "ACTIVE", CampaignStatus.PAUSED)

    # -- internals ---------------------------------------------------------------------------
    def _status(
        self, ref: CampaignRef, target: CampaignStatus, wire_status: str, source: CampaignStatus
    ) -> CampaignState:
        account = self._account(self._accounts.of_ref(ref))
        found = self._node(account, ref).state
        if found.status is not source:
            return found  # already there (or removed): idempotent, nothing sent
        self._post(
            account,
            ref.campaign_id,
            {"status": wire_status},
            "set status",
            field="status",
            target=wire_status,
        )
        return replace(found, status=target)

    def _post_budget(self, account: _Account, campaign_id: str, micros: int) -> None:
        minor = to_steps(
            Money(micros), account.step_micros, field="daily_budget", currency=account.currency
        )
        self._post(
            account,
            campaign_id,
            {"daily_budget": minor},
            "set budget",
            field="daily_budget",
            target=str(minor),
        )

    def _post(
        self,
        account: _Account,
        campaign_id: str,
        params: dict[str, Any],
        operation: str,
        *,
        field: str,
        target: str,
    ) -> None:
        """An absolute write; a timeout after sending is settled by reading the field back."""

        def applied() -> bool:
            now = account.client.get((campaign_id,), {"fields": field}, "read back", retry=False)
            return isinstance(now, dict) and str(now.get(field)) == target

        account.client.post((campaign_id,), params, operation, confirm=applied)

    def _campaigns(self, account: _Account, client_id: str) -> list[wire.MetaCampaign]:
        rows = account.client.pages(
            (account.act, "campaigns"), {"fields": wire.CAMPAIGN_FIELDS}, "list campaigns"
        )
        found = [
            wire.campaign(r, client_id=client_id, step_micros=account.step_micros) for r in rows
        ]
        return sorted(found, key=lambda c: (c.state.created_at, c.state.campaign_id))

    def _node(self, account: _Account, ref: CampaignRef) -> wire.MetaCampaign:
        row = account.client.get(
            (ref.campaign_id,), {"fields": f"account_id,{wire.CAMPAIGN_FIELDS}"}, "read campaign"
        )
        if not isinstance(row, dict) or str(row.get("account_id")) != account.account_id:
            raise CampaignNotFoundError(ref.campaign_id)
        return wire.campaign(row, client_id=ref.client_id, step_micros=account.step_micros)

    def _hours(self, account: _Account, frame: ReportFrame) -> list[HourRow]:
        rows = account.client.pages(
            (account.act, "insights"),
            {
                "level": "campaign",
                "fields": wire.INSIGHT_FIELDS,
                "breakdowns": wire.HOURLY,
                "time_increment": 1,
                "time_range": {
                    "since": frame.first_day.isoformat(),
                    "until": frame.last_day.isoformat(),
                },
            },
            "read insights",
        )
        settings = self._settings
        return [
            wire.hour_row(
                r,
                tz=frame.tz,
                conversions=settings.meta_conversion_action_types,
                revenue=settings.meta_revenue_action_types,
            )
            for r in rows
        ]

    def _account(self, connection: Connection) -> _Account:
        client = self._client(connection)
        act = f"act_{connection.account_id}"
        info = self._info.get(act)
        if info is None:
            row = client.get((act,), {"fields": "currency,timezone_name"}, "read account")
            info = (str(row.get("currency") or ""), str(row.get("timezone_name") or "UTC"))
            if not info[0]:
                raise PlatformDataError(f"Meta did not say the currency of {act}")
            self._info[act] = info
        currency, tz_name = info
        return _Account(
            client, act, connection.account_id, currency, meta_step_micros(currency), tz_name
        )

    def _client(self, connection: Connection) -> GraphClient:
        with self._lock:
            found = self._clients.get(connection.credentials)
            if found is None:
                source = SecretSource(self._settings, META, connection.credentials)
                token = source.secret("access_token", "meta_access_token")
                app_secret = source.secret("app_secret", "meta_app_secret", required=False)
                assert token is not None  # noqa: S101  # required=True raised otherwise
                found = GraphClient(
                    access_token=token.get_secret_value(),
                    app_secret=app_secret.get_secret_value() if app_secret else None,
                    base_url=self._settings.meta_graph_url,
                    api_version=self._settings.meta_api_version,
                    timeout_s=self._settings.platform_timeout_s,
                    policy=self._policy,
                    sleep=self._sleep,
                )
                self._clients[connection.credentials] = found
            return found
