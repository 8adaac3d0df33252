"""SandboxPlatform on the in-process store: opening, shocks, reset, readings and pauses."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.campaigns.domain import Bid, BidStrategy, CampaignStatus, PauseReason
from kiki.core.clock import VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.ports import Gateway
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.model import hour_of
from kiki.platforms.sandbox.opening import campaign_id_for
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.ports import Factors, FaultInjector, SandboxControls
from kiki.platforms.sandbox.store import SandboxStore
from kiki.platforms.sandbox.values import SandboxValues
from kiki.syncflow.ports import ValueSource

HOUR_S = 3600.0
META = Platform.META


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()  # Tue 2026-02-03 09:00 UTC


@pytest.fixture
def store() -> InMemorySandboxStore:
    return InMemorySandboxStore()


@pytest.fixture
def sandbox(store: InMemorySandboxStore, clock: VirtualClock) -> SandboxPlatform:
    platform = SandboxPlatform(store, clock)
    platform.open_client("acme", demo_accounts())
    return platform


def test_opening_a_client_gives_each_account_one_always_on_campaign(
    sandbox: SandboxPlatform,
) -> None:
    view = sandbox.show("acme", window_s=HOUR_S)
    assert [a.platform for a in view.accounts] == list(Platform)
    assert [a.daily_budget for a in view.accounts] == [
        s.daily_budget for s in demo_accounts().values()
    ]
    meta = view.campaigns[0]
    assert meta.state.name == "Meta always-on"
    assert meta.state.campaign_id == campaign_id_for("acme", META, 1)
    assert meta.state.bid == Bid.automatic()
    assert meta.state.daily_budget == Money(500_000_000)
    assert {c.state.status for c in view.campaigns} == {CampaignStatus.ACTIVE}
    assert all(a.factors == Factors() for a in view.accounts)


def test_opening_a_client_again_resets_nothing(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    sandbox.shock("acme", META, cpm_factor=1.4)
    sandbox.set_daily_budget("acme", META, Money(123_000_000))
    clock.advance(HOUR_S)
    before = sandbox.show("acme", window_s=HOUR_S)
    assert sandbox.open_client("acme", demo_accounts()) is False
    assert sandbox.show("acme", window_s=HOUR_S) == before


def test_meta_reports_the_demo_cac_and_a_cpm_spike_lifts_it_to_210(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    clock.advance(6 * HOUR_S)
    assert sandbox.read("acme", META, window_s=6 * HOUR_S).cac == Money(150_000_000)
    sandbox.shock("acme", META, cpm_factor=1.4)
    clock.advance(6 * HOUR_S)
    reading = sandbox.read("acme", META, window_s=6 * HOUR_S)
    assert reading.cac == Money(210_000_000)
    assert reading.daily_budget == Money(500_000_000)
    assert reading.telemetry is not None
    assert reading.telemetry.today.spend == Money(250_000_000)  # 12 h of $500/day


def test_a_shock_applies_from_the_moment_it_is_made(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    clock.advance(3 * HOUR_S)
    sandbox.shock("acme", META, cvr_factor=0.5)
    clock.advance(3 * HOUR_S)
    window = sandbox.read("acme", META, window_s=6 * HOUR_S).telemetry
    assert window is not None
    # 3 h at $150 a conversion, then 3 h at $300: $125 buys 0.5 + 0.25 conversions
    assert window.window.conversions == pytest.approx(0.625)
    assert window.window.spend == Money(125_000_000)


def test_shocks_set_the_factors_in_effect_and_do_not_compound(sandbox: SandboxPlatform) -> None:
    assert sandbox.shock("acme", META, cpm_factor=1.4) == Factors(cpm=1.4)
    assert sandbox.shock("acme", META, cpm_factor=1.4) == Factors(cpm=1.4)
    assert sandbox.shock("acme", META, cvr_factor=0.7) == Factors(cpm=1.4, cvr=0.7)
    assert sandbox.shock("acme", META, cpm_factor=1.0, spend_factor=10) == Factors(
        cvr=0.7, spend=10
    )
    assert sandbox.show("acme", window_s=HOUR_S).accounts[0].factors == Factors(cvr=0.7, spend=10)


def test_a_runaway_spend_factor_overruns_the_daily_budget(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    sandbox.shock("acme", Platform.MICROSOFT, spend_factor=10)
    clock.advance(12 * HOUR_S)
    reading = sandbox.read("acme", Platform.MICROSOFT, window_s=12 * HOUR_S)
    assert reading.daily_budget == Money(250_000_000)
    assert reading.telemetry is not None
    assert reading.telemetry.today.spend == Money(1_250_000_000)  # half a day at 10x $250


def test_reset_returns_the_client_to_its_opening_state(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    opened = sandbox.show("acme", window_s=HOUR_S)
    sandbox.shock("acme", META, cpm_factor=3, spend_factor=10)
    sandbox.create_campaign("acme", META, name="extra", daily_budget=Money(9), bid=Bid())
    sandbox.set_daily_budget("acme", Platform.GOOGLE, Money(1))
    clock.advance(5 * HOUR_S)
    sandbox.reset("acme")
    view = sandbox.show("acme", window_s=HOUR_S)
    assert [a.factors for a in view.accounts] == [Factors()] * 6
    assert [c.state.campaign_id for c in view.campaigns] == [
        c.state.campaign_id for c in opened.campaigns
    ]
    assert [a.daily_budget for a in view.accounts] == [a.daily_budget for a in opened.accounts]
    assert all(a.today.spend == Money(0) for a in view.accounts)
    assert {c.state.created_at for c in view.campaigns} == {clock.now()}


def test_paused_campaigns_keep_their_reason_until_resumed(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    ref = sandbox.show("acme", window_s=HOUR_S).campaigns[0].state.ref
    sandbox.pause(ref, PauseReason.CVR_DROP)
    sandbox.pause(ref, PauseReason.MANUAL)  # already paused: changes nothing
    assert sandbox.show("acme", window_s=HOUR_S).campaigns[0].pause_reason is PauseReason.CVR_DROP
    clock.advance(2 * HOUR_S)
    assert sandbox.show("acme", window_s=HOUR_S).accounts[0].today.spend == Money(0)
    sandbox.resume(ref)
    clock.advance(HOUR_S)
    view = sandbox.show("acme", window_s=HOUR_S)
    assert view.campaigns[0].pause_reason is None
    assert view.accounts[0].today.spend == Money(250_000_000 - round(500_000_000 * 11 / 24))


def test_a_window_that_cuts_an_hour_gets_its_share_of_the_hour(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    clock.advance(3 * HOUR_S)  # 12:00
    half = sandbox.read("acme", META, window_s=HOUR_S / 2).telemetry
    assert half is not None
    assert half.window.spend == Money(10_416_667)  # half of the hour's 20_833_333, rounded up
    clock.advance(HOUR_S / 4)  # 12:15: today reads up to the watermark exactly
    quarter = sandbox.read("acme", META, window_s=HOUR_S / 4).telemetry
    assert quarter is not None
    assert quarter.window.spend == Money(5_208_333)
    assert quarter.today.spend == Money(round(500_000_000 * 12.25 / 24) - 187_500_000)


def test_readings_trail_now_by_the_reporting_delay(
    store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    delayed = SandboxPlatform(store, clock, reporting_delay_s=HOUR_S)
    delayed.open_client("acme", demo_accounts())
    clock.advance(3 * HOUR_S)
    telemetry = delayed.read("acme", META, window_s=6 * HOUR_S).telemetry
    assert telemetry is not None
    assert telemetry.read_at == clock.now()
    assert telemetry.as_of == clock.now() - timedelta(hours=1)
    assert telemetry.today.spend == Money(round(500_000_000 * 11 / 24) - 187_500_000)


def test_impressions_and_clicks_are_reported_as_whole_rounded_numbers(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    clock.advance(HOUR_S)
    today = sandbox.read("acme", META, window_s=HOUR_S).telemetry
    assert today is not None
    assert today.today.impressions == round(20_833_333 / 7_500)
    assert today.today.clicks == round(20_833_333 / 7_500 * 0.02)


def test_a_bid_below_the_clearing_price_wins_less_than_the_budget(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    ref = sandbox.show("acme", window_s=HOUR_S).campaigns[0].state.ref
    sandbox.set_bid(ref, Bid(BidStrategy.MAX_CPC, Money(375_000)))  # worth exactly the $7.50 CPM
    clock.advance(2 * HOUR_S)
    window = sandbox.read("acme", META, window_s=2 * HOUR_S).telemetry
    assert window is not None
    assert window.window.spend == Money(20_833_333)  # half of two hours' pace


def test_the_seed_and_noise_an_account_opened_with_govern_every_later_reader(
    store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    SandboxPlatform(store, clock, seed=5, noise=0.3).open_client("acme", demo_accounts())
    clock.advance(5 * HOUR_S)
    first = SandboxPlatform(store, clock, seed=5, noise=0.3).read("acme", META, window_s=5 * HOUR_S)
    later = SandboxPlatform(store, clock, seed=99).read("acme", META, window_s=5 * HOUR_S)
    assert first == later
    assert first.cac != Money(150_000_000)


def test_idle_time_older_than_the_retention_is_neither_accrued_nor_kept(
    store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    sandbox = SandboxPlatform(store, clock, retention_hours=48)
    sandbox.open_client("acme", demo_accounts())
    clock.advance(10 * 24 * HOUR_S)
    reading = sandbox.read("acme", META, window_s=24 * HOUR_S)
    assert reading.telemetry is not None
    assert reading.telemetry.window.spend == Money(500_000_000)
    ids = [c.state.campaign_id for c in sandbox.show("acme", window_s=HOUR_S).campaigns]
    with store.transaction("acme") as tx:
        kept = tx.stats(ids, first_hour=0, last_hour=hour_of(clock.now()))
    assert min(b.hour for buckets in kept.values() for b in buckets) >= hour_of(clock.now()) - 48


def test_sandbox_values_give_each_accounts_ltv_and_leave_cac_to_the_gateway(
    sandbox: SandboxPlatform, store: InMemorySandboxStore, clock: VirtualClock
) -> None:
    values = SandboxValues(store)
    now = clock.now()
    assert values.platform_ltv("acme", META, lookback_days=90, as_of=now) == Money(450_000_000)
    assert values.platform_ltv("nobody", META, lookback_days=90, as_of=now) is None
    assert values.platform_cac("acme", META, lookback_days=90, as_of=now) is None


def test_the_sandbox_implements_every_port_it_stands_for(
    sandbox: SandboxPlatform, store: InMemorySandboxStore
) -> None:
    # mypy checks these assignments against the Protocols; at run time they only must hold
    gateway: Gateway = sandbox
    controls: SandboxControls = sandbox
    faults: FaultInjector = sandbox
    values: ValueSource = SandboxValues(store)
    sandbox_store: SandboxStore = store
    assert {id(gateway), id(controls), id(faults)} == {id(sandbox)}
    assert values is not None
    assert sandbox_store is store


def test_a_campaign_without_budget_buys_nothing(
    sandbox: SandboxPlatform, clock: VirtualClock
) -> None:
    sandbox.set_daily_budget("acme", META, Money(0))
    clock.advance(3 * HOUR_S)
    reading = sandbox.read("acme", META, window_s=3 * HOUR_S)
    assert reading.telemetry is not None
    assert reading.telemetry.today.spend == Money(0)
    assert reading.cac is None


def test_removed_campaigns_carry_no_budget_and_an_account_of_only_those_takes_none(
    sandbox: SandboxPlatform, store: InMemorySandboxStore
) -> None:
    with store.transaction("acme") as tx:  # the platform's own UI removed them
        removed = [replace(c, status=CampaignStatus.REMOVED) for c in tx.state().campaigns_on(META)]
        tx.save(campaigns=removed)
    assert sandbox.read("acme", META, window_s=HOUR_S).daily_budget == Money(0)
    with pytest.raises(InvalidInputError, match="daily_budget"):
        sandbox.set_daily_budget("acme", META, Money(1))
