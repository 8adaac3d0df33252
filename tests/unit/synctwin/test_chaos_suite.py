"""The chaos suite through Services: live state copied once, twins shocked four ways, the
result alerted, audited and counted; and the suite failing when a rule is switched off."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.ports import Gateway
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.synctwin.chaos.ports import ScenarioPlan, TwinWorlds
from kiki.testing import Harness
from kiki.views import campaigns as campaign_views
from kiki.views import guardian as guardian_views

CLIENT = "seed-shop"
TESTS = ["market_shock", "conversion_drop", "api_outage", "budget_overrun"]


def usd(units: str) -> Money:
    return Money.parse(Decimal(units))


def live(**settings: object) -> Harness:
    """A demo client (six always-on campaigns, automatic bids) and a client with the seed's
    economics, both with 14 days of market behind them."""
    h = Harness.build("unused", database_url="sqlite://", **settings)
    h.open_client("demo")
    spec = AccountSpec(usd("100"), usd("5.00"), 0.01, 0.10, usd("12"))
    h.sandbox.open_client(CLIENT, {Platform.META: spec})
    h.services.campaigns(CLIENT)  # KIKI has seen the client's campaigns
    h.clock.advance(14 * 86_400)
    h.services.change_guardian_thresholds(CLIENT, {"gross_margin": 0.5})
    h.services.change_guardian_thresholds("demo", {"gross_margin": 0.38})
    return h


def test_a_nightly_run_passes_on_the_seeds_campaign_and_every_live_copy() -> None:
    h = live()
    report = h.services.run_chaos()
    body = guardian_views.chaos(report)
    assert body["failed"] == 0
    assert body["total_tests"] == 4 + 4 * 7  # the seed's four, and four on each live campaign
    seed = [r for r in body["results"] if r["client_id"] is None]
    assert next((r["test"], r["campaign"]) for r in seed) == (
        "market_shock",
        "chaos_test_market_shock",
    )
    assert {"test", "passed", "details", "campaign", "expected", "observed"} <= set(seed[0])
    mine = {r["test"]: r for r in body["results"] if r["client_id"] == CLIENT}
    assert mine["market_shock"]["observed"] == "PAUSED:MARGIN_GUARDIAN"
    assert mine["conversion_drop"]["observed"] == "PAUSED:CVR_DROP"  # no earlier configuration
    assert mine["budget_overrun"]["observed"] == "PAUSED:BUDGET_OVERRUN"
    demo_meta = next(
        r
        for r in body["results"]
        if r["client_id"] == "demo" and r["test"] == "market_shock" and "meta" in r["campaign"]
    )
    assert demo_meta["observed"] == "PAUSED:MARGIN_GUARDIAN"  # $150 -> $225 past $171
    demo_tiktok = next(
        r
        for r in body["results"]
        if r["client_id"] == "demo" and r["test"] == "market_shock" and "tiktok" in r["campaign"]
    )
    assert demo_tiktok["observed"] == "NONE"  # $105 -> $157.50 within $159.60: keeps running
    [entry] = h.services.ports.audit.entries(event_type="CHAOS_TEST_COMPLETED")
    assert entry.event.metadata["total_tests"] == 32
    assert entry.event.metadata["failed"] == 0
    assert len(entry.event.metadata["results"]) == 32
    assert not [a for a in h.alerts.alerts if a.title == "Chaos Tests Failed"]
    metrics = h.services.ports.metrics
    passed = {"test": "market_shock", "result": "passed"}
    assert metrics.value("synctwin_chaos_tests_total", passed) == 8.0  # type: ignore[attr-defined]


@pytest.mark.parametrize("off", TESTS)
def test_switching_a_rule_off_fails_its_chaos_test_alerts_and_audits(off: str) -> None:
    rules = ",".join(t for t in TESTS if t != off).replace("market_shock", "margin")
    rules = rules.replace("conversion_drop", "cvr_drop")
    h = live(guardian_rules=rules)
    report = h.services.run_chaos(CLIENT)
    failed = {r.test.value for r in report.failures}
    assert failed == {off}
    assert [r.client_id for r in report.failures if r.client_id is None] == [None]  # the seed's
    [alert] = [a for a in h.alerts.alerts if a.title == "Chaos Tests Failed"]
    assert alert.severity.value == "CRITICAL"
    n = len(report.failures)
    assert alert.message == (
        f"{n}/{len(report.results)} chaos tests failed. MarginGuardian may not protect clients."
    )
    [entry] = h.services.ports.audit.entries(event_type="CHAOS_TEST_COMPLETED")
    assert entry.event.metadata["failed"] == n
    metrics = h.services.ports.metrics
    failed_series = {"test": off, "result": "failed"}
    assert metrics.value("synctwin_chaos_tests_total", failed_series) == n  # type: ignore[attr-defined]


class RecordingGateway:
    """The live gateway, recording every call and whether the twins had started by then."""

    def __init__(self, inner: Gateway) -> None:
        self._inner = inner
        self.calls: list[tuple[str, bool]] = []
        self.twins_started = False

    def __getattr__(self, name: str) -> object:
        target = getattr(self._inner, name)

        def call(*args: object, **kwargs: object) -> object:
            self.calls.append((name, self.twins_started))
            return target(*args, **kwargs)

        return call


class WatchedWorlds:
    """The twins' stores, telling the recorder when the first twin is built."""

    def __init__(self, inner: TwinWorlds, recorder: RecordingGateway) -> None:
        self._inner = inner
        self._recorder = recorder

    def __getattr__(self, name: str) -> object:
        self._recorder.twins_started = True
        return getattr(self._inner, name)


def test_the_live_gateway_is_read_only_during_the_copy_and_never_written() -> None:
    h = live()
    p = h.services.ports
    recorder = RecordingGateway(p.gateway)
    object.__setattr__(p, "gateway", recorder)
    object.__setattr__(p, "twins", WatchedWorlds(p.twins, recorder))
    from kiki.synctwin.chaos.fanout import LocalFanout

    object.__setattr__(p, "chaos_fanout", LocalFanout(p.twins))
    report = h.services.run_chaos()
    assert report.results
    names = {name for name, _ in recorder.calls}
    assert names == {"platforms", "read_campaigns"}  # reads only: the copy
    assert [call for call in recorder.calls if call[1]] == []  # nothing after the copy


def test_a_chaos_run_leaves_the_live_sandbox_and_campaigns_byte_for_byte_as_they_were() -> None:
    h = live()

    def snapshot() -> str:
        views = [
            campaign_views.sandbox(h.sandbox.show(c, window_s=21_600)) for c in ("demo", CLIENT)
        ]
        listed = [campaign_views.campaign(c) for c in h.services.campaigns().campaigns]
        return json.dumps([views, listed], indent=2)

    before = snapshot()
    memory_before = h.services.ports.guardian_memory.load(CLIENT)
    history_before = [
        h.services.ports.campaigns.history(c.campaign_id)
        for c in h.services.campaigns(CLIENT).campaigns
    ]
    h.services.run_chaos()
    assert snapshot() == before
    assert h.services.ports.guardian_memory.load(CLIENT) == memory_before
    assert [
        h.services.ports.campaigns.history(c.campaign_id)
        for c in h.services.campaigns(CLIENT).campaigns
    ] == history_before


def test_random_campaign_states_all_pass() -> None:
    h = Harness.build("unused", database_url="sqlite://")
    report = h.services.run_chaos_random(60, seed=4)
    assert len(report.results) == 4 + 4 * 60
    assert report.pass_rate == 1.0
    observed = {r.observed.code for r in report.results if r.client_id}
    assert {"PAUSED:MARGIN_GUARDIAN", "NONE", "ROLLED_BACK", "PAUSED:BUDGET_OVERRUN"} <= observed


def test_the_plan_follows_the_live_guardians_settings() -> None:
    h = Harness.build(
        "unused", database_url="sqlite://", guardian_interval_s=30, guardian_rules="margin"
    )
    plan = h.services.chaos_plan()
    assert isinstance(plan, ScenarioPlan)
    assert plan.interval_s == 30
    assert {r.value for r in plan.rules} == {"margin"}
