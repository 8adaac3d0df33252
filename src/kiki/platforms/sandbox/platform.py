"""SandboxPlatform: the simulated ad platform as a Gateway, with its controls and fault injection,
over a durable SandboxStore that any number of processes share.

Every call is one store transaction on its client that first accrues the campaigns it touches
up to now, so a change of budget, bid, status or factor applies from now on. Gateway calls sleep
``latency_s`` of real time and may fail with an injected outage (kept in the store, so
``kiki sandbox fail`` in one process reaches a server in another): ``read`` covers ``read`` and
``read_campaigns``, ``set`` every change to budgets, bids and status, ``create_campaign`` itself.
``platforms``, ``show`` and the controls never fail, so people can look during an outage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from kiki.campaigns.domain import (
    Bid,
    Campaign,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    PauseReason,
    check_campaign_name,
)
from kiki.core.clock import Clock
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.budget_split import split_budget
from kiki.platforms.errors import (
    CampaignNotFoundError,
    PlatformUnavailableError,
    UnknownClientError,
)
from kiki.platforms.ports import CampaignReading, PlatformReading
from kiki.platforms.sandbox.accrual import accrue_client
from kiki.platforms.sandbox.inputs import check_budget, check_client_id, check_number
from kiki.platforms.sandbox.model import Figures
from kiki.platforms.sandbox.opening import always_on_campaigns, new_campaign
from kiki.platforms.sandbox.ports import (
    AccountSpec,
    AccountView,
    Factors,
    SandboxView,
    check_factor,
)
from kiki.platforms.sandbox.readings import ReportSpans, span_figures, totals
from kiki.platforms.sandbox.store import (
    AccountRecord,
    CampaignRecord,
    ClientState,
    Outage,
    SandboxStore,
    SandboxTransaction,
)

OPERATIONS = ("read", "set", "create_campaign")
RETENTION_HOURS = 40 * 24
MAX_SEED = 2**63 - 1
MAX_NOISE = 2.0


class SandboxPlatform:
    """Implements Gateway, SandboxControls and FaultInjector.

    ``seed`` and ``noise`` (the coefficient of variation of hourly CPM, CTR and CVR noise, from
    0 = off to 2) are stored with each account when it opens, and the stored ones govern from
    then on. Readings are complete up to ``reporting_delay_s`` before now; windows may reach
    back to the retention (40 days of hourly buckets by default) less that delay.
    """

    def __init__(
        self,
        store: SandboxStore,
        clock: Clock,
        *,
        seed: int = 0,
        noise: float = 0.0,
        reporting_delay_s: float = 0.0,
        latency_s: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        retention_hours: int = RETENTION_HOURS,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise InvalidInputError("seed", f"must be a whole number in [0, {MAX_SEED}]")
        if retention_hours < 26:
            raise InvalidInputError("retention_hours", "must keep more than a whole day")
        self._store = store
        self._clock = clock
        self._seed = seed
        self._noise = check_number(noise, field="noise", upper=MAX_NOISE)
        # a reading needs the buckets of at least an hour before its as_of
        delay_limit_s = (retention_hours - 2) * 3600.0
        self._delay_s = check_number(
            reporting_delay_s, field="reporting_delay_s", upper=delay_limit_s
        )
        self._latency_s = check_number(latency_s, field="latency_s")
        self._sleep = sleep
        self._retention_hours = retention_hours

    def platforms(self, client_id: str) -> list[Platform]:
        self._call()
        with self._store.transaction(client_id) as tx:
            accounts = tx.state().accounts
        if not accounts:
            raise UnknownClientError(f"no sandbox ad accounts for client {client_id!r}")
        return [a.platform for a in accounts]

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        window_s = self._check_window(window_s)
        self._call(platform, "read", client_id)
        with self._store.transaction(client_id) as tx:
            state, now = self._accrued(tx, platform)
            _require_account(state, client_id, platform)
            campaigns = state.campaigns_on(platform)
            spans = self._spans(now, window_s)
            today, window = self._report(tx, campaigns, spans)
        telemetry = spans.telemetry(Figures.total(today.values()), Figures.total(window.values()))
        return PlatformReading(_budget(campaigns), telemetry.window.cac, telemetry)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        check_budget(budget, field="daily_budget")
        self._call(platform, "set", client_id)
        with self._store.transaction(client_id) as tx:
            state, _ = self._accrued(tx, platform)
            _require_account(state, client_id, platform)
            live = [
                c for c in state.campaigns_on(platform) if c.status is not CampaignStatus.REMOVED
            ]
            if not live:
                raise InvalidInputError("daily_budget", "the account has no campaign to carry it")
            split = split_budget(
                [c.daily_budget.micros for c in live],
                [c.status is CampaignStatus.ACTIVE for c in live],
                budget.micros,
            )
            changed = [
                replace(c, daily_budget=Money(micros))
                for c, micros in zip(live, split, strict=True)
                if micros != c.daily_budget.micros
            ]
            tx.save(campaigns=changed)

    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        window_s = self._check_window(window_s)
        self._call(platform, "read", client_id)
        with self._store.transaction(client_id) as tx:
            state, now = self._accrued(tx, platform)
            _require_account(state, client_id, platform)
            campaigns = state.campaigns_on(platform)
            spans = self._spans(now, window_s)
            today, window = self._report(tx, campaigns, spans)
        return [
            CampaignReading(c.state(), spans.telemetry(today[c.campaign_id], window[c.campaign_id]))
            for c in campaigns
        ]

    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        name = check_campaign_name(name)
        check_budget(daily_budget, field="daily_budget")
        self._call(platform, "create_campaign", client_id)
        with self._store.transaction(client_id) as tx:
            now = self._clock.now()  # read under the client's lock, like every accrual's
            state = tx.state()
            _require_account(state, client_id, platform)
            number = len(state.campaigns_on(platform)) + 1
            campaign = new_campaign(
                client_id, platform, number, name=name, budget=daily_budget, bid=bid, now=now
            )
            tx.save(campaigns=[campaign])
        return campaign.state()

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        check_budget(budget, field="daily_budget")
        return self._change(ref, lambda c: replace(c, daily_budget=budget))

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        return self._change(ref, lambda c: replace(c, bid=bid))

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:
        def paused(c: CampaignRecord) -> CampaignRecord:
            if c.status is not CampaignStatus.ACTIVE:
                return c
            return replace(c, status=CampaignStatus.PAUSED, pause_reason=reason)

        return self._change(ref, paused)

    def resume(self, ref: CampaignRef) -> CampaignState:
        def resumed(c: CampaignRecord) -> CampaignRecord:
            if c.status is not CampaignStatus.PAUSED:
                return c
            return replace(c, status=CampaignStatus.ACTIVE, pause_reason=None)

        return self._change(ref, resumed)

    def open_client(self, client_id: str, accounts: Mapping[Platform, AccountSpec]) -> bool:
        check_client_id(client_id)
        if not accounts:
            raise InvalidInputError("accounts", "must name at least one platform")
        with self._store.transaction(client_id) as tx:
            now = self._clock.now()  # read under the client's lock, like every accrual's
            if tx.state().accounts:
                return False
            opened = [
                AccountRecord(client_id, p, spec, Factors(), now, self._seed, self._noise)
                for p, spec in sorted(accounts.items(), key=lambda item: item[0].rank)
            ]
            tx.save(accounts=opened, campaigns=always_on_campaigns(opened, now))
        return True

    def shock(
        self,
        client_id: str,
        platform: Platform,
        *,
        cpm_factor: float | None = None,
        cvr_factor: float | None = None,
        spend_factor: float | None = None,
    ) -> Factors:
        given = {"cpm": cpm_factor, "cvr": cvr_factor, "spend": spend_factor}
        checked = {
            k: check_factor(v, field=f"{k}_factor") for k, v in given.items() if v is not None
        }
        with self._store.transaction(client_id) as tx:
            state, _ = self._accrued(tx, platform)
            account = _require_account(state, client_id, platform)
            factors = replace(account.factors, **checked)
            tx.save(accounts=[replace(account, factors=factors)])
        return factors

    def reset(self, client_id: str) -> None:
        with self._store.transaction(client_id) as tx:
            now = self._clock.now()  # read under the client's lock, like every accrual's
            accounts = tx.state().accounts
            if not accounts:
                raise UnknownClientError(f"no sandbox ad accounts for client {client_id!r}")
            tx.clear()
            reopened = [replace(a, factors=Factors(), opened_at=now) for a in accounts]
            tx.save(accounts=reopened, campaigns=always_on_campaigns(reopened, now))

    def show(self, client_id: str, *, window_s: float) -> SandboxView:
        window_s = self._check_window(window_s)
        with self._store.transaction(client_id) as tx:
            state, now = self._accrued(tx, None)
            if not state.accounts:
                raise UnknownClientError(f"no sandbox ad accounts for client {client_id!r}")
            spans = self._spans(now, window_s)
            today, window = self._report(tx, state.campaigns, spans)
        views = []
        for account in state.accounts:
            ids = [c.campaign_id for c in state.campaigns_on(account.platform)]
            views.append(
                AccountView(
                    account.platform,
                    account.spec,
                    account.factors,
                    _budget(state.campaigns_on(account.platform)),
                    window=totals(Figures.total(window[i] for i in ids)),
                    today=totals(Figures.total(today[i] for i in ids)),
                )
            )
        ordered = sorted(state.campaigns, key=lambda c: c.platform.rank)  # stable: by creation
        campaigns = tuple(Campaign(c.state(), c.pause_reason) for c in ordered)
        return SandboxView(client_id, tuple(views), campaigns)

    def fail(
        self,
        platform: Platform,
        operation: str = "*",
        *,
        client_id: str | None = None,
        times: int | None = None,
    ) -> None:
        if operation != "*" and operation not in OPERATIONS:
            raise InvalidInputError("operation", f"must be * or one of {', '.join(OPERATIONS)}")
        if times is not None and (
            isinstance(times, bool) or not isinstance(times, int) or times < 1
        ):
            raise InvalidInputError("times", "must be a whole number >= 1, or None (until healed)")
        self._store.put_outage(Outage(platform, operation, client_id, times))

    def heal(self, platform: Platform | None = None) -> None:
        self._store.clear_outages(platform)

    def _call(
        self, platform: Platform | None = None, operation: str = "", client_id: str = ""
    ) -> None:
        if self._latency_s > 0:
            self._sleep(self._latency_s)
        if platform is not None and self._store.take_outage(platform, operation, client_id):
            raise PlatformUnavailableError(platform, operation, "injected outage (sandbox)")

    def _accrued(
        self, tx: SandboxTransaction, platform: Platform | None
    ) -> tuple[ClientState, datetime]:
        """The client's state with its campaigns (on ``platform``, or all) accrued to now, and
        that now: read inside the transaction, so watermarks follow the order of the locks."""
        now = self._clock.now()
        state = accrue_client(tx, now, retention_hours=self._retention_hours, platform=platform)
        return state, now

    def _check_window(self, window_s: float) -> float:
        # the window and the reporting delay must fit in the buckets the retention keeps
        limit_s = (self._retention_hours - 1) * 3600 - self._delay_s
        window_s = check_number(window_s, field="window_s", upper=limit_s)
        if window_s <= 0:
            raise InvalidInputError("window_s", "must be more than 0 seconds")
        return window_s

    def _spans(self, now: datetime, window_s: float) -> ReportSpans:
        return ReportSpans.of(read_at=now, delay_s=self._delay_s, window_s=window_s)

    def _report(
        self, tx: SandboxTransaction, campaigns: Sequence[CampaignRecord], spans: ReportSpans
    ) -> tuple[dict[str, Figures], dict[str, Figures]]:
        """Today's and the window's figures of each campaign, from the buckets they span."""
        buckets = tx.stats(
            [c.campaign_id for c in campaigns],
            first_hour=spans.first_hour,
            last_hour=spans.last_hour,
        )
        today, window = {}, {}
        for c in campaigns:
            own = buckets.get(c.campaign_id, [])
            today[c.campaign_id] = span_figures(c, own, spans.today)
            window[c.campaign_id] = span_figures(c, own, spans.window)
        return today, window

    def _change(
        self, ref: CampaignRef, change: Callable[[CampaignRecord], CampaignRecord]
    ) -> CampaignState:
        self._call(ref.platform, "set", ref.client_id)
        with self._store.transaction(ref.client_id) as tx:
            state, _ = self._accrued(tx, ref.platform)
            _require_account(state, ref.client_id, ref.platform)
            found = state.campaign(ref.campaign_id)
            if found is None or found.ref != ref:
                raise CampaignNotFoundError(ref.campaign_id)
            changed = change(found)
            if changed != found:
                tx.save(campaigns=[changed])
        return changed.state()


def _require_account(state: ClientState, client_id: str, platform: Platform) -> AccountRecord:
    account = state.account(platform)
    if account is None:
        raise UnknownClientError(
            f"client {client_id!r} has no {platform.display_name} account in the sandbox"
        )
    return account


def _budget(campaigns: Sequence[CampaignRecord]) -> Money:
    return Money(
        sum(c.daily_budget.micros for c in campaigns if c.status is not CampaignStatus.REMOVED)
    )
