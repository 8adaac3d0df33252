"""One contract for the gateway ports (accounts, campaign readings, campaign control), written
against ``Gateway`` alone so that real platform adapters on local fake servers can run it too.

Here it runs against SandboxPlatform on the in-process store, SQLite and PostgreSQL, and
against the Meta, Google Ads and Microsoft Advertising adapters on their fakes (whose budgets
are whole cents: amounts here are written in the platform's unit, ``subject.units``), and
against the csv adapter with a person at its side (``ConfirmedByUpload``: a write left pending
is uploaded and asked again, which returns once the next export confirms it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.campaigns.domain import Bid, BidStrategy, CampaignRef, CampaignStatus, PauseReason
from kiki.core.clock import VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms import CampaignNotFoundError, Gateway, UnknownClientError
from kiki.platforms.errors import NotOfferedError, UnrepresentableAmountError
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.store import SandboxStore
from kiki.testing.platforms.market import FakeMarket
from kiki.testing.platforms.servers import FakePlatforms
from tests.conftest import postgres_schema
from tests.live import ConfirmedByUpload, csv_gateway, live_gateway

HOUR_S = 3600.0


@dataclass(frozen=True)
class GatewayUnderTest:
    """A gateway, a client with accounts on it, and a way to let the platform's time pass."""

    gateway: Gateway
    client_id: str
    advance: Callable[[float], object]
    unit_micros: int = 1  # the platform's smallest budget step
    unoffered: frozenset[BidStrategy] = frozenset()  # these bids raise NotOfferedError

    def any_platform(self) -> Platform:
        return self.gateway.platforms(self.client_id)[0]

    def units(self, count: int) -> Money:
        """``count`` of the platform's budget unit (micros on the sandbox, cents on the fakes)."""
        return Money(count * self.unit_micros)


def sandbox(store: SandboxStore) -> GatewayUnderTest:
    clock = VirtualClock()
    platform = SandboxPlatform(store, clock)
    platform.open_client("acme", demo_accounts())
    return GatewayUnderTest(platform, "acme", clock.advance)


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


LIVE = {
    "meta": Platform.META,
    "google": Platform.GOOGLE,
    "microsoft": Platform.MICROSOFT,
    "tiktok": Platform.TIKTOK,
    "linkedin": Platform.LINKEDIN,
    "amazon": Platform.AMAZON,
}
# bid strategies not offered there: NotOfferedError, nothing changed
UNOFFERED = {
    Platform.TIKTOK: frozenset({BidStrategy.MAX_CPC, BidStrategy.TARGET_CPA}),
    Platform.LINKEDIN: frozenset({BidStrategy.TARGET_CPA}),
    Platform.AMAZON: frozenset({BidStrategy.MAX_CPC, BidStrategy.TARGET_CPA}),
}


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        *LIVE,
        "csv",
    ]
)
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GatewayUnderTest]:
    if request.param in LIVE:
        started: Any = request.getfixturevalue("fakes")
        live = live_gateway(started, LIVE[request.param])
        clock: Any = started.market.clock
        yield GatewayUnderTest(
            live.gateway,
            live.client_id,
            clock.advance,
            unit_micros=10_000,
            unoffered=UNOFFERED.get(live.platform, frozenset()),
        )
        live.close()
    elif request.param == "csv":
        market = FakeMarket()
        live, desk = csv_gateway(market, tmp_path)
        confirmed = ConfirmedByUpload(
            live.gateway, desk, live.client_id, {live.platform: live.account_id}
        )
        yield GatewayUnderTest(confirmed, live.client_id, market.clock.advance, unit_micros=10_000)  # type: ignore[arg-type]
    elif request.param == "memory":
        yield sandbox(InMemorySandboxStore())
    elif request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/sandbox.sqlite3")
        yield sandbox(SqlSandboxStore(engine))
        engine.dispose()
    else:
        with postgres_schema() as engine:
            yield sandbox(SqlSandboxStore(engine))


def live_budget_micros(subject: GatewayUnderTest, platform: Platform) -> int:
    readings = subject.gateway.read_campaigns(subject.client_id, platform, window_s=HOUR_S)
    return sum(
        r.state.daily_budget.micros
        for r in readings
        if r.state.status is not CampaignStatus.REMOVED
    )


def test_the_client_has_accounts_on_distinct_platforms(subject: GatewayUnderTest) -> None:
    platforms = subject.gateway.platforms(subject.client_id)
    assert platforms
    assert len(set(platforms)) == len(platforms)


def test_an_unknown_client_is_refused_by_every_call(subject: GatewayUnderTest) -> None:
    gateway, platform = subject.gateway, subject.any_platform()
    calls: list[Callable[[], object]] = [
        lambda: gateway.platforms("nobody"),
        lambda: gateway.read("nobody", platform, window_s=HOUR_S),
        lambda: gateway.read_campaigns("nobody", platform, window_s=HOUR_S),
        lambda: gateway.set_daily_budget("nobody", platform, subject.units(1)),
        lambda: gateway.create_campaign(
            "nobody", platform, name="x", daily_budget=subject.units(1), bid=Bid()
        ),
    ]
    for call in calls:
        with pytest.raises(UnknownClientError):
            call()


def test_a_reading_gives_the_budget_and_telemetry_over_the_window(
    subject: GatewayUnderTest,
) -> None:
    platform = subject.any_platform()
    reading = subject.gateway.read(subject.client_id, platform, window_s=2 * HOUR_S)
    assert reading.daily_budget.micros == live_budget_micros(subject, platform)
    assert reading.telemetry is not None
    assert reading.telemetry.window_s == 2 * HOUR_S
    assert reading.telemetry.as_of <= reading.telemetry.read_at
    assert reading.cac == reading.telemetry.window.cac


def test_setting_a_daily_budget_is_absolute_and_repeating_it_changes_nothing(
    subject: GatewayUnderTest,
) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    gateway.set_daily_budget(client, platform, Money(321_000_000))
    first = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    gateway.set_daily_budget(client, platform, Money(321_000_000))
    again = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    assert [r.state for r in again] == [r.state for r in first]
    assert gateway.read(client, platform, window_s=HOUR_S).daily_budget == Money(321_000_000)


def test_a_daily_budget_is_split_over_the_campaigns_to_the_micro(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    gateway.create_campaign(
        client, platform, name="second", daily_budget=subject.units(33_333_333), bid=Bid()
    )
    paused = gateway.create_campaign(
        client, platform, name="paused", daily_budget=subject.units(10_000_001), bid=Bid()
    )
    gateway.pause(paused.ref, PauseReason.MANUAL)
    for target in (1_000_000_007, 987_654_321, 10_000_001, 0):
        gateway.set_daily_budget(client, platform, subject.units(target))
        assert live_budget_micros(subject, platform) == subject.units(target).micros
        reading = gateway.read(client, platform, window_s=HOUR_S)
        assert reading.daily_budget == subject.units(target)
    assert all(
        r.state.daily_budget.micros >= 0
        for r in gateway.read_campaigns(client, platform, window_s=HOUR_S)
    )


def test_a_paused_campaign_keeps_its_budget_while_the_active_ones_absorb_a_change(
    subject: GatewayUnderTest,
) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    paused = gateway.create_campaign(
        client, platform, name="paused", daily_budget=Money(10_000_000), bid=Bid()
    )
    gateway.pause(paused.ref, PauseReason.MANUAL)
    before = live_budget_micros(subject, platform)
    gateway.set_daily_budget(client, platform, Money(before + 50_000_000))
    readings = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    [kept] = [r.state for r in readings if r.state.campaign_id == paused.campaign_id]
    assert kept.daily_budget == Money(10_000_000)


def test_a_negative_daily_budget_is_refused(subject: GatewayUnderTest) -> None:
    platform = subject.any_platform()
    before = subject.gateway.read(subject.client_id, platform, window_s=HOUR_S).daily_budget
    with pytest.raises(InvalidInputError, match="daily_budget"):
        subject.gateway.set_daily_budget(subject.client_id, platform, Money(-1))
    assert subject.gateway.read(subject.client_id, platform, window_s=HOUR_S).daily_budget == before


def test_a_created_campaign_is_active_with_its_budget_and_bid(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    bid = Bid(BidStrategy.TARGET_CPA, Money(150_000_000))
    if bid.strategy in subject.unoffered:
        before = gateway.read_campaigns(client, platform, window_s=HOUR_S)
        with pytest.raises(NotOfferedError):
            gateway.create_campaign(
                client, platform, name="Spring sale", daily_budget=Money(75_500_000), bid=bid
            )
        assert len(gateway.read_campaigns(client, platform, window_s=HOUR_S)) == len(before)
        bid = Bid()
    created = gateway.create_campaign(
        client, platform, name="Spring sale", daily_budget=Money(75_500_000), bid=bid
    )
    other = gateway.create_campaign(
        client, platform, name="Other", daily_budget=subject.units(1), bid=Bid()
    )
    assert created.status is CampaignStatus.ACTIVE
    assert (created.name, created.daily_budget, created.bid) == (
        "Spring sale",
        Money(75_500_000),
        bid,
    )
    assert (created.client_id, created.platform) == (client, platform)
    assert created.campaign_id != other.campaign_id
    listed = {
        r.state.campaign_id: r.state
        for r in gateway.read_campaigns(client, platform, window_s=HOUR_S)
    }
    assert listed[created.campaign_id] == created


def test_campaign_readings_cover_every_campaign_of_the_account(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    before = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    gateway.create_campaign(
        client, platform, name="extra", daily_budget=Money(5_000_000), bid=Bid()
    )
    after = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    assert len(after) == len(before) + 1
    assert all(r.telemetry.window_s == HOUR_S for r in after)
    assert all(r.state.platform is platform for r in after)


def test_pause_and_resume_are_idempotent(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    ref = gateway.create_campaign(
        client, platform, name="c", daily_budget=subject.units(1), bid=Bid()
    ).ref
    assert gateway.pause(ref, PauseReason.CVR_DROP).status is CampaignStatus.PAUSED
    assert gateway.pause(ref, PauseReason.MANUAL).status is CampaignStatus.PAUSED
    assert gateway.resume(ref).status is CampaignStatus.ACTIVE
    assert gateway.resume(ref).status is CampaignStatus.ACTIVE


def test_a_campaigns_bid_and_budget_are_set_absolutely(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    ref = gateway.create_campaign(
        client, platform, name="c", daily_budget=subject.units(1), bid=Bid()
    ).ref
    bid = Bid(BidStrategy.MAX_CPC, Money(450_000))
    if bid.strategy not in subject.unoffered:
        assert gateway.set_bid(ref, bid).bid == bid
        assert gateway.set_bid(ref, bid).bid == bid
    else:
        with pytest.raises(NotOfferedError, match="bid"):
            gateway.set_bid(ref, bid)
        bid = Bid()
    assert gateway.set_campaign_budget(ref, Money(42_000_000)).daily_budget == Money(42_000_000)
    [state] = [
        r.state
        for r in gateway.read_campaigns(client, platform, window_s=HOUR_S)
        if r.state.campaign_id == ref.campaign_id
    ]
    assert (state.bid, state.daily_budget) == (bid, Money(42_000_000))


def test_an_unknown_campaign_is_not_found(subject: GatewayUnderTest) -> None:
    gateway, client = subject.gateway, subject.client_id
    platforms = gateway.platforms(client)
    missing = CampaignRef(client, platforms[0], "no-such-campaign")
    calls: list[Callable[[CampaignRef], object]] = [
        lambda ref: gateway.pause(ref, PauseReason.MANUAL),
        gateway.resume,
        lambda ref: gateway.set_bid(ref, Bid()),
        lambda ref: gateway.set_campaign_budget(ref, subject.units(1)),
    ]
    elsewhere = None
    if len(platforms) > 1:
        existing = gateway.read_campaigns(client, platforms[0], window_s=HOUR_S)[0].state
        elsewhere = CampaignRef(client, platforms[1], existing.campaign_id)
    for call in calls:
        with pytest.raises(CampaignNotFoundError):
            call(missing)
        if elsewhere is not None:
            with pytest.raises(CampaignNotFoundError):
                call(elsewhere)


def test_telemetry_grows_as_time_passes(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    first = gateway.read(client, platform, window_s=6 * HOUR_S).telemetry
    subject.advance(2 * HOUR_S)
    second = gateway.read(client, platform, window_s=6 * HOUR_S).telemetry
    subject.advance(2 * HOUR_S)
    third = gateway.read(client, platform, window_s=6 * HOUR_S).telemetry
    assert first is not None
    assert second is not None
    assert third is not None
    assert first.as_of < second.as_of < third.as_of
    assert first.window.spend < second.window.spend < third.window.spend
    assert second.window.impressions < third.window.impressions
    assert second.window.clicks < third.window.clicks
    campaigns = gateway.read_campaigns(client, platform, window_s=6 * HOUR_S)
    assert sum(r.telemetry.window.spend.micros for r in campaigns) == third.window.spend.micros


def test_a_paused_account_stops_spending(subject: GatewayUnderTest) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    subject.advance(HOUR_S)
    for reading in gateway.read_campaigns(client, platform, window_s=HOUR_S):
        gateway.pause(reading.state.ref, PauseReason.MARGIN_GUARDIAN)
    before = gateway.read(client, platform, window_s=HOUR_S).telemetry
    subject.advance(HOUR_S)
    after = gateway.read(client, platform, window_s=4 * HOUR_S).telemetry
    assert before is not None
    assert after is not None
    assert after.today.spend == before.today.spend


def test_an_amount_finer_than_the_platforms_unit_is_refused_not_rounded(
    subject: GatewayUnderTest,
) -> None:
    gateway, client, platform = subject.gateway, subject.client_id, subject.any_platform()
    if subject.unit_micros == 1:  # the sandbox's unit is the micro: every amount is whole
        gateway.set_daily_budget(client, platform, Money(321_000_001))
        assert gateway.read(client, platform, window_s=HOUR_S).daily_budget == Money(321_000_001)
        return
    before = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    with pytest.raises(UnrepresentableAmountError, match="daily_budget"):
        gateway.set_daily_budget(client, platform, Money(321_000_001))
    with pytest.raises(UnrepresentableAmountError, match="daily_budget"):
        gateway.set_campaign_budget(before[0].state.ref, Money(5_000))
    after = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    assert [r.state for r in after] == [r.state for r in before]
