"""The sandbox market: six simulated ad platforms per client, driven by an injected clock.

Each ad account spends its daily budget evenly over the day. Spend buys impressions at the
account's CPM; impressions turn into clicks (CTR) and conversions (CVR), so the CAC it reports
is spend / conversions over a trailing window, and a CPM spike or CVR crash shows up in CAC
as the window fills. Outages are injected per platform and operation. It is the embedded
default gateway, and the twin that the chaos suite shocks.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from kiki.core.clock import Clock
from kiki.core.errors import InvalidInputError
from kiki.core.money import MICROS_PER_UNIT, Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformUnavailableError, UnknownClientError
from kiki.platforms.ports import PlatformReading

_DAY_S = 86_400.0
_BUCKET_S = 300.0


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """How one ad account behaves: money in micros, rates as fractions."""

    daily_budget: Money
    cpm: Money  # cost per 1 000 impressions
    ctr: float  # clicks per impression
    cvr: float  # conversions per click
    ltv: Money  # average lifetime value of a customer this platform acquires

    def __post_init__(self) -> None:
        if self.daily_budget.micros < 0:
            raise InvalidInputError("daily_budget", "must not be negative")
        if self.cpm.micros <= 0:
            raise InvalidInputError("cpm", "must be positive")
        if not 0 < self.ctr <= 1:
            raise InvalidInputError("ctr", "must be in (0, 1]")
        if not 0 < self.cvr <= 1:
            raise InvalidInputError("cvr", "must be in (0, 1]")


@dataclass(slots=True)
class _Account:
    spec: AccountSpec
    budget_micros: int
    accrued_to: datetime
    cpm_factor: float = 1.0
    cvr_factor: float = 1.0
    # (bucket start, spend micros, conversions) for the trailing CAC window
    buckets: deque[tuple[datetime, int, float]] = field(default_factory=deque)
    total_spend_micros: int = 0
    total_conversions: float = 0.0

    def model_cac_micros(self) -> float:
        cpm = self.spec.cpm.micros * self.cpm_factor
        return cpm / (1000.0 * self.spec.ctr * self.spec.cvr * self.cvr_factor)


@dataclass(frozen=True, slots=True)
class SandboxCampaign:
    campaign_id: str
    client_id: str
    platform: Platform
    name: str
    daily_budget: Money
    created_at: datetime
    status: str = "ACTIVE"  # or "PAUSED"


class SandboxMarket:
    """Simulated ad accounts for many clients; thread-safe; implements PlatformGateway."""

    def __init__(self, clock: Clock, *, cac_window: timedelta = timedelta(hours=6)) -> None:
        self._clock = clock
        self._cac_window = cac_window
        self._accounts: dict[tuple[str, Platform], _Account] = {}
        self._outages: dict[tuple[Platform, str], int | None] = {}
        self._lock = threading.RLock()
        self._campaigns: dict[str, SandboxCampaign] = {}

    # -- set-up and shocks -------------------------------------------------------------
    def open_account(self, client_id: str, platform: Platform, spec: AccountSpec) -> None:
        with self._lock:
            self._accounts[(client_id, platform)] = _Account(
                spec=spec, budget_micros=spec.daily_budget.micros, accrued_to=self._clock.now()
            )

    def shock(
        self,
        client_id: str,
        platform: Platform,
        *,
        cpm_factor: float = 1.0,
        cvr_factor: float = 1.0,
    ) -> None:
        """Multiply the account's CPM and CVR from now on (1.4 = +40 %)."""
        if cpm_factor <= 0 or cvr_factor <= 0:
            raise InvalidInputError("factor", "must be positive")
        with self._lock:
            account = self._account(client_id, platform)
            self._accrue(account, self._clock.now())
            account.cpm_factor *= cpm_factor
            account.cvr_factor *= cvr_factor

    def fail(self, platform: Platform, operation: str = "*", *, times: int | None = None) -> None:
        """Make ``operation`` ("read", "set" or "*") on ``platform`` fail ``times`` times."""
        with self._lock:
            self._outages[(platform, operation)] = times

    def heal(self, platform: Platform | None = None) -> None:
        with self._lock:
            for key in [k for k in self._outages if platform in (None, k[0])]:
                del self._outages[key]

    def spend(self, client_id: str, platform: Platform) -> tuple[Money, float]:
        """Total spend and conversions so far."""
        with self._lock:
            account = self._account(client_id, platform)
            self._accrue(account, self._clock.now())
            return Money(account.total_spend_micros), account.total_conversions

    def ltv(self, client_id: str, platform: Platform) -> Money:
        with self._lock:
            return self._account(client_id, platform).spec.ltv

    def snapshot(self) -> dict[str, object]:
        """Accounts, budgets and shocks as plain JSON-able data (spend history is not kept)."""
        with self._lock:
            return {
                "accounts": [
                    {
                        "client_id": client,
                        "platform": platform.value,
                        "daily_budget_micros": a.budget_micros,
                        "cpm_micros": a.spec.cpm.micros,
                        "ctr": a.spec.ctr,
                        "cvr": a.spec.cvr,
                        "ltv_micros": a.spec.ltv.micros,
                        "cpm_factor": a.cpm_factor,
                        "cvr_factor": a.cvr_factor,
                    }
                    for (client, platform), a in sorted(
                        self._accounts.items(), key=lambda kv: (kv[0][0], kv[0][1].rank)
                    )
                ],
                "campaigns": [
                    {
                        "campaign_id": c.campaign_id,
                        "client_id": c.client_id,
                        "platform": c.platform.value,
                        "name": c.name,
                        "daily_budget_micros": c.daily_budget.micros,
                        "created_at": c.created_at.isoformat(),
                        "status": c.status,
                    }
                    for c in self._campaigns.values()
                ],
            }

    def restore(self, data: dict[str, object]) -> None:
        """Open the accounts of a ``snapshot``; their trailing CAC starts from the model."""
        accounts = data.get("accounts", [])
        if not isinstance(accounts, list):
            raise InvalidInputError("accounts", "must be a list")
        for item in accounts:
            spec = AccountSpec(
                daily_budget=Money(int(item["daily_budget_micros"])),
                cpm=Money(int(item["cpm_micros"])),
                ctr=float(item["ctr"]),
                cvr=float(item["cvr"]),
                ltv=Money(int(item["ltv_micros"])),
            )
            client, platform = str(item["client_id"]), Platform(item["platform"])
            self.open_account(client, platform, spec)
            with self._lock:
                account = self._accounts[(client, platform)]
                account.cpm_factor = float(item.get("cpm_factor", 1.0))
                account.cvr_factor = float(item.get("cvr_factor", 1.0))
        campaigns = data.get("campaigns", [])
        if not isinstance(campaigns, list):
            raise InvalidInputError("campaigns", "must be a list")
        with self._lock:
            for item in campaigns:
                self._campaigns[str(item["campaign_id"])] = SandboxCampaign(
                    campaign_id=str(item["campaign_id"]),
                    client_id=str(item["client_id"]),
                    platform=Platform(item["platform"]),
                    name=str(item["name"]),
                    daily_budget=Money(int(item["daily_budget_micros"])),
                    created_at=datetime.fromisoformat(str(item["created_at"])),
                    status=str(item["status"]),
                )

    def clients(self) -> list[str]:
        with self._lock:
            return sorted({client for client, _ in self._accounts})

    # -- PlatformGateway ---------------------------------------------------------------
    def platforms(self, client_id: str) -> list[Platform]:
        with self._lock:
            found = [p for p in Platform if (client_id, p) in self._accounts]
        if not found:
            raise UnknownClientError(f"no sandbox ad accounts for client {client_id!r}")
        return found

    def read(self, client_id: str, platform: Platform) -> PlatformReading:
        with self._lock:
            self._maybe_fail(platform, "read")
            account = self._account(client_id, platform)
            self._accrue(account, self._clock.now())
            spend = sum(b[1] for b in account.buckets)
            conversions = sum(b[2] for b in account.buckets)
            cac = spend / conversions if conversions > 0 else account.model_cac_micros()
            return PlatformReading(daily_budget=Money(account.budget_micros), cac=Money(round(cac)))

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        if budget.micros < 0:
            raise InvalidInputError("daily_budget", "must not be negative")
        with self._lock:
            self._maybe_fail(platform, "set")
            account = self._account(client_id, platform)
            self._accrue(account, self._clock.now())
            account.budget_micros = budget.micros

    # -- CampaignGateway -------------------------------------------------------------
    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money
    ) -> str:
        if daily_budget.micros <= 0:
            raise InvalidInputError("daily_budget", "must be positive")
        with self._lock:
            self._maybe_fail(platform, "create_campaign")
            self._account(client_id, platform)
            campaign_id = f"sbx-{uuid.uuid4().hex[:16]}"
            self._campaigns[campaign_id] = SandboxCampaign(
                campaign_id, client_id, platform, name, daily_budget, self._clock.now()
            )
            return campaign_id

    def campaign(self, campaign_id: str) -> SandboxCampaign | None:
        with self._lock:
            return self._campaigns.get(campaign_id)

    def campaigns(self, client_id: str | None = None) -> list[SandboxCampaign]:
        with self._lock:
            return [c for c in self._campaigns.values() if client_id in (None, c.client_id)]

    def pause_campaign(self, campaign_id: str) -> None:
        with self._lock:
            found = self._campaigns.get(campaign_id)
            if found is None:
                raise InvalidInputError("campaign_id", f"no sandbox campaign {campaign_id!r}")
            self._campaigns[campaign_id] = replace(found, status="PAUSED")

    # -- internals ---------------------------------------------------------------------
    def _account(self, client_id: str, platform: Platform) -> _Account:
        try:
            return self._accounts[(client_id, platform)]
        except KeyError:
            raise UnknownClientError(
                f"client {client_id!r} has no {platform.display_name} account in the sandbox"
            ) from None

    def _maybe_fail(self, platform: Platform, operation: str) -> None:
        for key in ((platform, operation), (platform, "*")):
            if key in self._outages:
                remaining = self._outages[key]
                if remaining is not None:
                    if remaining <= 1:
                        del self._outages[key]
                    else:
                        self._outages[key] = remaining - 1
                raise PlatformUnavailableError(platform, operation, "injected outage (sandbox)")

    def _accrue(self, account: _Account, until: datetime) -> None:
        """Spend the budget evenly from ``accrued_to`` to ``until``, in 5-minute buckets."""
        while account.accrued_to < until:
            step_end = min(until, account.accrued_to + timedelta(seconds=_BUCKET_S))
            seconds = (step_end - account.accrued_to).total_seconds()
            spend = account.budget_micros * seconds / _DAY_S
            impressions = spend / (account.spec.cpm.micros * account.cpm_factor) * 1000.0
            conversions = impressions * account.spec.ctr * account.spec.cvr * account.cvr_factor
            spend_micros = round(spend)
            account.buckets.append((account.accrued_to, spend_micros, conversions))
            account.total_spend_micros += spend_micros
            account.total_conversions += conversions
            account.accrued_to = step_end
        horizon = until - self._cac_window
        while account.buckets and account.buckets[0][0] < horizon:
            account.buckets.popleft()


def demo_accounts() -> dict[Platform, AccountSpec]:
    """Six accounts whose model CAC matches the seed's scenario figures before any shock.

    CAC = CPM / (1000 x CTR x CVR): Meta $7.50 CPM, 2 % CTR, 0.25 % CVR -> $150, so Meta
    starts at 3.0x; a +40 % CPM spike lifts its CAC to $210 and drops it to 2.14x.
    """

    def usd(units: float) -> Money:
        return Money(round(units * MICROS_PER_UNIT))

    return {
        Platform.META: AccountSpec(usd(500), usd(7.50), 0.02, 0.0025, usd(450)),
        Platform.GOOGLE: AccountSpec(usd(600), usd(12.00), 0.04, 0.002, usd(480)),
        Platform.TIKTOK: AccountSpec(usd(400), usd(4.20), 0.02, 0.002, usd(420)),
        Platform.LINKEDIN: AccountSpec(usd(300), usd(30.00), 0.01, 0.01, usd(900)),
        Platform.AMAZON: AccountSpec(usd(450), usd(7.00), 0.025, 0.002, usd(420)),
        Platform.MICROSOFT: AccountSpec(usd(250), usd(10.00), 0.025, 0.0025, usd(480)),
    }
