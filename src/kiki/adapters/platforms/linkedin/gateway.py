"""LinkedInGateway: the Gateway ports over LinkedIn's Marketing API (Rest.li, versioned).

Reads, per ad account: the ``adCampaigns`` search finder (paged) and the ``adAnalytics``
analytics finder at campaign level (``pivot=CAMPAIGN``, ``timeGranularity=DAILY``, in UTC):
``costInLocalCurrency``, ``impressions``, ``clicks``, ``externalWebsiteConversions``,
``conversionValueInLocalCurrency``. Writes: a partial update of the campaign's ``dailyBudget``
(``{amount, currencyCode}``, a decimal string), ``status`` or manual bid (``unitCost`` with
``costType`` CPC), a create. Bids: a manual CPC bid is KIKI's MAX_CPC, automated bidding (no
``unitCost``) its AUTOMATIC; LinkedIn has no target cost per acquisition (NotOfferedError).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiki.adapters.platforms.accounts import ConnectedAccounts, check_budget
from kiki.adapters.platforms.campaigns import Held, account_budget, budget_changes
from kiki.adapters.platforms.credentials import SecretSource
from kiki.adapters.platforms.hourly import HourRow, ReportFrame, account_telemetry, zone
from kiki.adapters.platforms.linkedin.restli import LINKEDIN, LinkedInRest
from kiki.adapters.platforms.money import micros_to_units, to_steps, units_to_micros
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
    NotOfferedError,
    PlatformDataError,
    UnrepresentableAmountError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.settings import Settings

STEP_MICROS = 10_000
DAY = timedelta(days=1)
FIELDS = (
    "costInLocalCurrency,impressions,clicks,externalWebsiteConversions,"
    "conversionValueInLocalCurrency,dateRange,pivotValues"
)
STATUS = {
    "ACTIVE": CampaignStatus.ACTIVE,
    "PAUSED": CampaignStatus.PAUSED,
    "DRAFT": CampaignStatus.PAUSED,
    "ARCHIVED": CampaignStatus.REMOVED,
    "COMPLETED": CampaignStatus.REMOVED,
    "CANCELED": CampaignStatus.REMOVED,
    "PENDING_DELETION": CampaignStatus.REMOVED,
    "REMOVED": CampaignStatus.REMOVED,
}
_CURRENCY = "the account's currency"


def campaign(row: Mapping[str, Any], *, client_id: str) -> tuple[Held, str]:
    """The campaign, and its currency."""
    try:
        campaign_id = str(row["id"])
        status = STATUS[str(row.get("status"))]
    except KeyError as exc:
        raise PlatformDataError(f"LinkedIn campaign without a known id or status: {exc}") from None
    daily = row.get("dailyBudget")
    own = isinstance(daily, dict) and daily.get("amount") not in (None, "")
    budget = units_to_micros(daily["amount"], what="LinkedIn dailyBudget") if own else 0  # type: ignore[index]
    currency = str((daily or {}).get("currencyCode") or "USD") if own else "USD"
    unit = row.get("unitCost")
    amount = units_to_micros(unit.get("amount") or "0", what="LinkedIn unitCost") if unit else 0
    bid = Bid(BidStrategy.MAX_CPC, Money(amount)) if amount > 0 else Bid.automatic()
    created_ms = ((row.get("changeAuditStamps") or {}).get("created") or {}).get("time") or 0
    state = CampaignState(
        CampaignRef(client_id, LINKEDIN, campaign_id),
        str(row.get("name") or campaign_id),
        status,
        Money(budget),
        bid,
        datetime.fromtimestamp(int(created_ms) / 1000, tz=UTC),
    )
    return Held(state, own_budget=own), currency


def day_row(row: Mapping[str, Any]) -> HourRow:
    try:
        start = row["dateRange"]["start"]
        day = date(int(start["year"]), int(start["month"]), int(start["day"]))
        campaign_id = str(row["pivotValues"][0]).rsplit(":", 1)[-1]
        return HourRow(
            campaign_id=campaign_id,
            start=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            spend_micros=units_to_micros(row.get("costInLocalCurrency") or "0", what="cost"),
            impressions=int(row.get("impressions") or 0),
            clicks=int(row.get("clicks") or 0),
            conversions=float(row.get("externalWebsiteConversions") or 0),
            revenue_micros=units_to_micros(
                row.get("conversionValueInLocalCurrency") or "0", what="conversion value"
            ),
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise PlatformDataError(
            f"LinkedIn analytics row without its campaign or day: {exc}"
        ) from None


def _day(d: date) -> dict[str, int]:
    return {"year": d.year, "month": d.month, "day": d.day}


def _amount(micros: int, currency: str) -> dict[str, str]:
    return {"amount": str(micros_to_units(micros).normalize()), "currencyCode": currency}


class LinkedInGateway:
    """Implements Gateway for the clients connected through the ``linkedin`` adapter."""

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
        self._accounts = ConnectedAccounts(connections, adapter="linkedin", platform=LINKEDIN)
        self._sleep = sleep
        self._policy = RetryPolicy(
            attempts=settings.platform_retry_attempts, budget_s=settings.platform_retry_budget_s
        )
        self._clients: dict[str | None, LinkedInRest] = {}
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
        found = self._campaigns(connection)
        currency = {h.state.campaign_id: c for h, c in found}
        held = [h for h, _ in found]
        for state, micros in budget_changes(
            held, budget, step_micros=STEP_MICROS, currency=_CURRENCY
        ):
            self._budget(connection, state.ref, micros, currency[state.campaign_id])

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
        account = connection.account_id
        found = self._campaigns(connection)
        currency = found[0][1] if found else "USD"  # an account has one currency
        entity: dict[str, Any] = {
            "account": f"urn:li:sponsoredAccount:{account}",
            "name": name,
            "status": "ACTIVE",
            "type": "SPONSORED_UPDATES",
            "objectiveType": "WEBSITE_CONVERSION",
            "dailyBudget": _amount(daily_budget.micros, currency),
            **self._bidding(bid, currency),
        }
        created = self._client(connection).create(account, entity)
        return self._one(connection, CampaignRef(client_id, LINKEDIN, created))[0].state

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget)
        connection = self._accounts.of_ref(ref)
        to_steps(budget, STEP_MICROS, field="daily_budget", currency=_CURRENCY)
        held, currency = self._one(connection, ref)
        if not held.own_budget:
            raise UnrepresentableAmountError(
                "daily_budget", f"LinkedIn campaign {ref.campaign_id} has no daily budget"
            )
        if held.state.daily_budget != budget:
            self._budget(connection, ref, budget.micros, currency)
        return replace(held.state, daily_budget=budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        self._bidding(bid, "USD")  # refuses what LinkedIn does not offer before any call
        held, currency = self._one(connection, ref)
        patch = self._bidding(bid, currency)
        if held.state.bid != bid:
            self._client(connection).update(
                connection.account_id,
                ref.campaign_id,
                patch,
                lambda: self._one(connection, ref)[0].state.bid == bid,
            )
        return replace(held.state, bid=bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:  # noqa: ARG002
        return self._status(ref, CampaignStatus.PAUSED, "PAUSED", CampaignStatus.ACTIVE)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._status(ref, CampaignStatus.ACTIVE, "ACTIVE", CampaignStatus.PAUSED)

    # -- internals ---------------------------------------------------------------------------
    def _bidding(self, bid: Bid, currency: str) -> dict[str, Any]:
        if bid.strategy is BidStrategy.TARGET_CPA:
            raise NotOfferedError(
                LINKEDIN,
                "target CPA bids",
                "LinkedIn targets a cost per click, not per acquisition",
            )
        if bid.amount is None:
            return {"optimizationTargetType": "MAX_CONVERSION"}
        to_steps(bid.amount, STEP_MICROS, field="bid", currency=_CURRENCY)
        return {
            "costType": "CPC",
            "unitCost": _amount(bid.amount.micros, currency),
            "optimizationTargetType": "NONE",
        }

    def _status(
        self, ref: CampaignRef, target: CampaignStatus, wire: str, source: CampaignStatus
    ) -> CampaignState:
        connection = self._accounts.of_ref(ref)
        state = self._one(connection, ref)[0].state
        if state.status is not source:
            return state
        self._client(connection).update(
            connection.account_id,
            ref.campaign_id,
            {"status": wire},
            lambda: self._one(connection, ref)[0].state.status is target,
        )
        return replace(state, status=target)

    def _budget(self, connection: Connection, ref: CampaignRef, micros: int, currency: str) -> None:
        self._client(connection).update(
            connection.account_id,
            ref.campaign_id,
            {"dailyBudget": _amount(micros, currency)},
            lambda: self._one(connection, ref)[0].state.daily_budget.micros == micros,
        )

    def _campaigns(self, connection: Connection) -> list[tuple[Held, str]]:
        rows = self._client(connection).campaigns(connection.account_id)
        found = [campaign(r, client_id=connection.client_id) for r in rows]
        return sorted(found, key=lambda c: (c[0].state.created_at, c[0].state.campaign_id))

    def _one(self, connection: Connection, ref: CampaignRef) -> tuple[Held, str]:
        if not ref.campaign_id.isdigit():
            raise CampaignNotFoundError(ref.campaign_id)
        row = self._client(connection).campaign(connection.account_id, ref.campaign_id)
        return campaign(row, client_id=ref.client_id)

    def _readings(
        self, connection: Connection, window_s: float
    ) -> tuple[list[CampaignReading], ReportFrame, list[Held]]:
        campaigns = [h for h, _ in self._campaigns(connection)]
        frame = ReportFrame(self._clock.now(), window_s, zone("UTC"), period=DAY)
        query = {
            "pivot": "CAMPAIGN",
            "timeGranularity": "DAILY",
            "dateRange": {"start": _day(frame.first_day), "end": _day(frame.last_day)},
            "accounts": [f"urn:li:sponsoredAccount:{connection.account_id}"],
            "fields": FIELDS,
        }
        rows = [day_row(r) for r in self._client(connection).analytics(query)]
        telemetry = frame.by_campaign([c.state.campaign_id for c in campaigns], rows)
        readings = [CampaignReading(c.state, telemetry[c.state.campaign_id]) for c in campaigns]
        return readings, frame, campaigns

    def _client(self, connection: Connection) -> LinkedInRest:
        with self._lock:
            found = self._clients.get(connection.credentials)
            if found is None:
                source = SecretSource(self._settings, LINKEDIN, connection.credentials)
                token = source.secret("access_token", "linkedin_access_token")
                assert token is not None  # noqa: S101  # required=True raised otherwise
                found = LinkedInRest(
                    access_token=token.get_secret_value(),
                    base_url=self._settings.linkedin_api_url.rstrip("/"),
                    version=self._settings.linkedin_version,
                    timeout_s=self._settings.platform_timeout_s,
                    policy=self._policy,
                    sleep=self._sleep,
                )
                self._clients[connection.credentials] = found
            return found
