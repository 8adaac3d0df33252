"""MarginGuardian on the sandbox, on virtual time: each rule, the seed's numbers, edge cases."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from kiki.campaigns.domain import Bid, BidStrategy, CampaignChange, CampaignConfig, ChangeKind
from kiki.campaigns.services import change_bid
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import UnreadableFiguresError
from kiki.platforms.ports import CampaignReading, Gateway
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.platforms.telemetry import take_totals
from kiki.syncflow.domain.guardian.report import GuardReport, Outcome
from kiki.syncflow.domain.guardian.rules import ALL_RULES
from kiki.syncflow.services.guard_campaigns import guard_client
from kiki.testing import Harness

M = 1_000_000
CLIENT = "seed-shop"


def usd(units: str) -> Money:
    return Money.parse(Decimal(units))


def seed_harness(
    *, warm_up_days: float = 14, gross_margin: float = 0.5, **settings: object
) -> Harness:
    """The seed's campaign: CPM $5.00, $100 a day, CTR 1 %, CVR 10 % ($5 a conversion), an LTV
    of $12 at ``gross_margin`` ($6.00 allowed at 50 %), its market run ``warm_up_days``."""
    h = Harness.build("unused", database_url="sqlite://", **settings)
    spec = AccountSpec(usd("100"), usd("5.00"), 0.01, 0.10, usd("12"))
    h.sandbox.open_client(CLIENT, {Platform.META: spec})
    h.clock.advance(warm_up_days * 86_400)
    h.services.change_guardian_thresholds(CLIENT, {"gross_margin": gross_margin})
    return h


def tick(h: Harness, seconds: float = 60) -> GuardReport:
    h.clock.advance(seconds)
    [report] = h.services.run_guardian(CLIENT)
    return report


def the_campaign(h: Harness) -> str:
    return h.services.campaigns(CLIENT).campaigns[0].campaign_id


def run_shock(h: Harness, *, cpm: float, minutes: int = 10) -> list[GuardReport]:
    for _ in range(5):
        tick(h)
    h.sandbox.shock(CLIENT, Platform.META, cpm_factor=cpm)
    return [tick(h) for _ in range(minutes)]


def test_the_seeds_cpm_shock_is_paused_with_margin_guardian_within_ten_minutes() -> None:
    h = seed_harness()
    reports = run_shock(h, cpm=1.5)
    paused = [i for i, r in enumerate(reports, 1) if r.outcomes[0].outcome is Outcome.PAUSED]
    assert paused
    assert paused[0] <= 10
    [campaign] = h.services.campaigns(CLIENT).campaigns
    assert campaign.state.status.value == "PAUSED"
    assert campaign.pause_reason is not None
    assert campaign.pause_reason.value == "MARGIN_GUARDIAN"
    last = h.services.ports.campaigns.history(campaign.campaign_id)[-1]
    assert (last.kind, last.actor) == (ChangeKind.PAUSED, "margin")
    assert last.figures["allowed_cpa_micros"] == 6 * M
    assert last.figures["cpa_bound_micros"] > 6 * M
    [entry] = h.services.ports.audit.entries(event_type="CAMPAIGN_PAUSED")
    assert entry.event.reason == "MARGIN_GUARDIAN"
    assert [a.title for a in h.alerts.alerts] == ["MarginGuardian: campaign paused"]
    metrics = h.services.ports.metrics
    assert metrics.value("syncflow_guardian_actions_total", {"rule": "margin"}) == 1.0  # type: ignore[attr-defined]


def test_a_shock_that_leaves_the_campaign_profitable_does_not_pause_it() -> None:
    h = seed_harness(gross_margin=0.9)  # $10.80 allowed: $7.50 is still a profit
    reports = run_shock(h, cpm=1.5, minutes=30)
    assert {r.outcomes[0].outcome for r in reports} == {Outcome.WATCHED}


def test_a_breach_on_too_little_evidence_does_not_pause() -> None:
    h = seed_harness(warm_up_days=0.5)  # ten conversions so far
    reports = run_shock(h, cpm=3.0)
    assert {r.outcomes[0].outcome for r in reports} == {Outcome.WATCHED}
    assert "conversions in the funnel window (needs 20)" in reports[-1].outcomes[0].detail


def test_with_the_margin_rule_switched_off_the_shock_is_not_paused() -> None:
    h = seed_harness(guardian_rules="cvr_drop,api_outage,budget_overrun")
    reports = run_shock(h, cpm=1.5)
    assert {r.outcomes[0].outcome for r in reports} == {Outcome.WATCHED}


def test_a_runaway_spend_is_paused_at_the_first_tick_past_110_percent() -> None:
    h = seed_harness()
    h.sandbox.shock(CLIENT, Platform.META, spend_factor=10)
    spent: list[int] = []
    while True:
        report = tick(h)
        outcome = report.outcomes[0]
        spent.append(int(outcome.figures.get("spend_today_micros", 0)))
        if outcome.outcome is Outcome.PAUSED:
            break
    assert outcome.reason is not None
    assert outcome.reason.value == "BUDGET_OVERRUN"
    assert spent[-1] >= 110 * M > spent[-2]  # paused at the tick that first read 110 %
    assert h.alerts.alerts[-1].severity.value == "CRITICAL"


class GarbageGateway:
    """The sandbox's gateway, but the platform answers NaN for every campaign's spend."""

    def __init__(self, inner: Gateway) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        readings = self._inner.read_campaigns(client_id, platform, window_s=window_s)
        out = []
        for reading in readings:
            try:
                take_totals(spend_micros=float("nan"), impressions=10, clicks=1, conversions=0)
            except UnreadableFiguresError as exc:
                out.append(CampaignReading(reading.state, None, str(exc)))
        return out


def test_nan_spend_is_flagged_alerted_and_paused_when_it_stays_unreadable() -> None:
    h = seed_harness()
    p = h.services.ports
    garbage = GarbageGateway(p.gateway)
    outcomes = []
    for _ in range(3):
        h.clock.advance(60)
        report = guard_client(
            CLIENT,
            gateway=garbage,  # type: ignore[arg-type]
            values=h.services.values,
            thresholds=p.guardian_settings.get(CLIENT),
            rules=ALL_RULES,
            memory=p.guardian_memory,
            book=p.campaigns,
            audit=p.audit,
            notifier=p.notifier,
            metrics=p.metrics,
            clock=p.clock,
        )
        outcomes.append(report.outcomes[0])
    assert [o.outcome for o in outcomes] == [Outcome.FLAGGED, Outcome.FLAGGED, Outcome.PAUSED]
    assert "spend: nan is not finite" in outcomes[0].detail
    assert outcomes[2].reason is not None
    assert outcomes[2].reason.value == "BUDGET_OVERRUN"
    assert [a.severity.value for a in h.alerts.alerts] == ["WARNING", "WARNING", "CRITICAL"]
    assert len(p.audit.entries(event_type="GUARDIAN_SPEND_UNREADABLE")) == 2


def test_an_outage_holds_the_cached_bid_changes_nothing_and_control_resumes_the_tick_after() -> (
    None
):
    h = seed_harness()
    p = h.services.ports
    tick(h)
    change_bid(
        the_campaign(h),
        Bid(BidStrategy.TARGET_CPA, Money(4_200_000)),
        actor="MANUAL",
        gateway=p.gateway,
        book=p.campaigns,
        audit=p.audit,
        clock=p.clock,
    )
    assert tick(h).outcomes[0].outcome is Outcome.BID_CHANGED  # 4.20 -> 4.62
    h.faults.fail(Platform.META, "*")
    held = [tick(h) for _ in range(5)]
    h.faults.heal(Platform.META)
    assert {r.outcomes[0].outcome for r in held} == {Outcome.HELD}
    assert {r.outcomes[0].config.bid.micros for r in held} == {4_620_000}  # type: ignore[union-attr]
    assert h.sandbox.show(CLIENT, window_s=3600).campaigns[0].state.bid.micros == 4_620_000
    titles = [a.title for a in h.alerts.alerts]
    assert titles.count("Platform API unavailable: bids held") == 1
    after = tick(h).outcomes[0]
    assert after.outcome is Outcome.BID_CHANGED
    assert after.config is not None
    assert after.config.bid.micros == 5_082_000
    assert "Platform API answering again: control resumed" in [a.title for a in h.alerts.alerts]


def test_a_conversion_drop_rolls_back_to_the_budget_before_the_last_change() -> None:
    h = seed_harness()
    p = h.services.ports
    tick(h)
    [campaign] = p.campaigns.known(client_id=CLIENT)
    now = CampaignConfig.of(campaign.state)
    earlier = replace(now, daily_budget=Money(80 * M))
    p.campaigns.record_change(
        CampaignChange(campaign.state.ref, p.clock.now(), ChangeKind.BUDGET, "MANUAL", earlier, now)
    )
    h.sandbox.shock(CLIENT, Platform.META, cvr_factor=0.7)
    hours = 0
    while hours < 8 * 24:
        hours += 1
        outcome = tick(h, 3600).outcomes[0]
        if outcome.outcome is not Outcome.WATCHED:
            break
    assert outcome.outcome is Outcome.ROLLED_BACK
    assert 3 * 24 < hours < 6 * 24  # ~70 conversions at 14 a day
    assert h.sandbox.show(CLIENT, window_s=3600).campaigns[0].state.daily_budget == Money(80 * M)
    [entry] = p.audit.entries(event_type="CAMPAIGN_ROLLED_BACK")
    assert entry.event.reason == "CVR_DROP"
    assert p.campaigns.history(campaign.campaign_id)[-1].kind is ChangeKind.ROLLED_BACK


@pytest.mark.parametrize("rules", ["", "margin,cvr_drop,budget_overrun"])
def test_without_the_api_outage_rule_no_bid_is_controlled(rules: str) -> None:
    h = seed_harness(guardian_rules=rules)
    p = h.services.ports
    tick(h)
    change_bid(
        the_campaign(h),
        Bid(BidStrategy.TARGET_CPA, Money(4_200_000)),
        actor="MANUAL",
        gateway=p.gateway,
        book=p.campaigns,
        audit=p.audit,
        clock=p.clock,
    )
    assert tick(h).outcomes[0].outcome is Outcome.WATCHED
