"""MarginGuardian's rules as pure functions: figures in, verdicts out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from kiki.campaigns.domain import (
    Bid,
    BidStrategy,
    CampaignChange,
    CampaignConfig,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    ChangeKind,
    PauseReason,
)
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.guardian.bids import next_bid, target_bid_micros
from kiki.syncflow.domain.guardian.cvr import CvrWatch, watch_cvr
from kiki.syncflow.domain.guardian.decide import ActionKind, Economics, Observation, guard
from kiki.syncflow.domain.guardian.economics import Counts, allowed_cpa_micros
from kiki.syncflow.domain.guardian.margin import MarginStatus, check_margin
from kiki.syncflow.domain.guardian.memory import GuardMemory
from kiki.syncflow.domain.guardian.rollback import rollback_target
from kiki.syncflow.domain.guardian.rules import ALL_RULES, GuardRule, parse_rules
from kiki.syncflow.domain.guardian.spend import SpendStatus, check_spend
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds

M = 1_000_000
T0 = datetime(2026, 2, 4, 12, 0, tzinfo=UTC)
SEED = GuardianThresholds(gross_margin=0.5)
# 14 days of the seed's campaign: $100 a day at CPM $5, CTR 1 %, CVR 10 %: 280 conversions
FUNNEL = Counts(1400 * M, 280_000, 2_800, 280.0)


def price(cpm_units: float, impressions: int = 46) -> Counts:
    return Counts(round(cpm_units * M * impressions / 1000), impressions)


def test_the_allowed_cpa_is_ltv_times_gross_margin_less_the_floor() -> None:
    assert allowed_cpa_micros(Money(12 * M), gross_margin=0.5, margin_floor=0.0) == 6 * M
    assert allowed_cpa_micros(Money(12 * M), gross_margin=0.5, margin_floor=0.1) == 4.8 * M
    assert allowed_cpa_micros(None, gross_margin=0.5, margin_floor=0.0) == 0


def test_the_seeds_cpm_shock_crosses_break_even_beyond_the_evidence_bound() -> None:
    before = check_margin(
        price=price(5.0), funnel=FUNNEL, allowed_cpa_micros=6 * M, thresholds=SEED
    )
    after = check_margin(price=price(7.5), funnel=FUNNEL, allowed_cpa_micros=6 * M, thresholds=SEED)
    assert before.status is MarginStatus.WITHIN
    assert after.status is MarginStatus.BREACH
    assert after.cpa_micros == pytest.approx(7.5 * M, rel=1e-3)
    assert 6 * M < after.cpa_bound_micros < 7 * M  # type: ignore[operator]


def test_a_shock_that_leaves_the_campaign_profitable_is_within() -> None:
    rich = GuardianThresholds(gross_margin=0.9)  # $10.80 allowed
    check = check_margin(
        price=price(7.5), funnel=FUNNEL, allowed_cpa_micros=10.8 * M, thresholds=rich
    )
    assert check.status is MarginStatus.WITHIN


def test_too_few_conversions_are_not_evidence_of_a_breach() -> None:
    thin = Counts(190 * M, 38_000, 380, 19.0)
    check = check_margin(price=price(50.0), funnel=thin, allowed_cpa_micros=6 * M, thresholds=SEED)
    assert check.status is MarginStatus.UNKNOWN
    assert "19.0 conversions" in check.detail


def test_a_thin_price_window_falls_back_to_the_funnels_price() -> None:
    check = check_margin(
        price=price(50.0, impressions=5), funnel=FUNNEL, allowed_cpa_micros=6 * M, thresholds=SEED
    )
    assert check.price_span == "funnel window"
    assert check.status is MarginStatus.WITHIN


def test_a_breach_just_past_the_line_waits_for_more_evidence() -> None:
    # 8 % over break-even on 30 conversions is within the noise of 30 conversions
    funnel = Counts(int(6.48 * M * 30), 30_000, 300, 30.0)
    check = check_margin(
        price=Counts(0, 0), funnel=funnel, allowed_cpa_micros=6 * M, thresholds=SEED
    )
    assert check.cpa_micros == pytest.approx(6.48 * M)
    assert check.status is MarginStatus.WITHIN


def test_the_cusum_rarely_sounds_under_noise_and_soon_after_a_real_drop() -> None:
    rng = np.random.default_rng(7)
    th = GuardianThresholds()
    p0, clicks_a_tick = 0.05, 200
    funnel = Counts(0, 400_000, 40_000, 2_000.0)
    watch, alarms = CvrWatch(), 0
    for _ in range(2_000):  # 400,000 clicks, ~20,000 conversions at the true rate
        step = watch_cvr(
            watch,
            new_clicks=clicks_a_tick,
            new_conversions=float(rng.binomial(clicks_a_tick, p0)),
            funnel=funnel,
            thresholds=th,
        )
        watch, alarms = step.watch, alarms + step.alarm
    assert alarms <= 5  # ~20,000 conversions at the true rate: a false alarm per 4,000 at most
    watch, ticks = CvrWatch(), 0
    while True:
        ticks += 1
        step = watch_cvr(
            watch,
            new_clicks=clicks_a_tick,
            new_conversions=float(rng.binomial(clicks_a_tick, p0 * 0.7)),
            funnel=funnel,
            thresholds=th,
        )
        watch = step.watch
        if step.alarm:
            break
    assert ticks * clicks_a_tick * p0 * 0.7 < 150  # found within ~150 dropped conversions


def test_the_cusums_reference_is_frozen_while_a_drop_is_suspected() -> None:
    th = GuardianThresholds()
    funnel = Counts(0, 100_000, 10_000, 1_000.0)  # p0 = 10 %
    step = watch_cvr(CvrWatch(), new_clicks=500, new_conversions=35, funnel=funnel, thresholds=th)
    assert step.watch.statistic > 0
    lower = Counts(0, 100_000, 10_000, 800.0)  # the funnel now includes the drop
    step = watch_cvr(step.watch, new_clicks=500, new_conversions=35, funnel=lower, thresholds=th)
    assert step.watch.p0 == pytest.approx(0.10)


@pytest.mark.parametrize(
    ("spend", "problem", "earlier", "status"),
    [
        (50 * M, None, None, SpendStatus.FINE),
        (110 * M, None, None, SpendStatus.OVERRUN),
        (None, None, None, SpendStatus.UNREADABLE),
        (None, "spend: nan is not finite", None, SpendStatus.UNREADABLE),
        (-1, None, None, SpendStatus.UNREADABLE),
        (40 * M, None, 60 * M, SpendStatus.UNREADABLE),  # spend today went back
        (10**20, None, None, SpendStatus.UNREADABLE),
    ],
)
def test_spend_that_cannot_be_read_is_never_fine(
    spend: int | None, problem: str | None, earlier: int | None, status: SpendStatus
) -> None:
    check = check_spend(
        spend_micros=spend,
        problem=problem,
        budget_micros=100 * M,
        earlier_same_day_micros=earlier,
        overrun_ratio=1.10,
    )
    assert check.status is status


def test_the_bid_controller_moves_at_most_ten_percent_a_tick_and_stops_on_target() -> None:
    bid = Bid(BidStrategy.TARGET_CPA, Money(4_200_000))
    target = target_bid_micros(bid, allowed_cpa_micros=6 * M, cvr=0.1)
    assert target == 6 * M
    path = [bid]
    while (moved := next_bid(path[-1], 6 * M, step=0.10)) is not None:
        path.append(moved)
    assert [b.micros for b in path] == [4_200_000, 4_620_000, 5_082_000, 5_590_200, 6_000_000]
    cpc = Bid(BidStrategy.MAX_CPC, Money(M))
    assert target_bid_micros(cpc, allowed_cpa_micros=6 * M, cvr=0.1) == 600_000
    assert target_bid_micros(Bid.automatic(), allowed_cpa_micros=6 * M, cvr=0.1) is None


REF = CampaignRef("acme", Platform.META, "c1")


def config(budget: int, bid: Bid | None = None) -> CampaignConfig:
    return CampaignConfig(CampaignStatus.ACTIVE, Money(budget * M), bid or Bid.automatic())


def change(
    kind: ChangeKind, actor: str, before: CampaignConfig | None, after: CampaignConfig
) -> CampaignChange:
    return CampaignChange(REF, T0, kind, actor, before, after)


def test_the_last_known_good_configuration_is_before_the_most_recent_change() -> None:
    created = change(ChangeKind.CREATED, "twin launch", None, config(80))
    raised = change(ChangeKind.BUDGET, "MANUAL", config(80), config(100))
    nudge = change(ChangeKind.BID, "api_outage", config(100), config(100))
    assert rollback_target([created]) is None  # nothing earlier: pause
    assert rollback_target([created, raised]) == config(80)
    assert rollback_target([created, raised, nudge]) == config(80)  # the controller's nudges
    back = change(ChangeKind.ROLLED_BACK, "cvr_drop", config(100), config(80))
    assert rollback_target([created, raised, back]) is None  # a second drop pauses


def test_rules_are_named_as_the_settings_name_them() -> None:
    assert parse_rules("margin,cvr_drop,api_outage,budget_overrun") == ALL_RULES
    assert parse_rules(" margin ") == {GuardRule.MARGIN}
    assert parse_rules("") == frozenset()
    with pytest.raises(InvalidInputError, match="unknown rule 'margins'"):
        parse_rules("margins")


def test_thresholds_refuse_a_floor_at_or_above_the_gross_margin() -> None:
    with pytest.raises(InvalidInputError, match="margin_floor"):
        GuardianThresholds(gross_margin=0.4, margin_floor=0.4)
    with pytest.raises(InvalidInputError, match="cvr_drop"):
        GuardianThresholds(cvr_drop=1.0)


def state(status: CampaignStatus = CampaignStatus.ACTIVE) -> CampaignState:
    return CampaignState(
        REF, "c1", status, Money(100 * M), Bid.automatic(), T0 - timedelta(days=20)
    )


def test_one_action_a_tick_in_order_of_urgency() -> None:
    economics = Economics(Money(12 * M), SEED, ALL_RULES)
    over = Counts(115 * M, 15_000, 150, 15.0)
    memory = GuardMemory(margin_streak=5)  # the margin is breached too
    verdict = guard(Observation(state(), T0, over, FUNNEL), memory, economics, now=T0)
    assert verdict.action is not None
    assert verdict.action.reason is PauseReason.BUDGET_OVERRUN


def test_unreadable_spend_is_flagged_then_paused_on_the_third_tick() -> None:
    economics = Economics(Money(12 * M), SEED, ALL_RULES)
    memory = GuardMemory()
    kinds = []
    for tick in range(3):
        observation = Observation(state(), T0, None, None, "spend: nan is not finite")
        verdict = guard(observation, memory, economics, now=T0 + timedelta(minutes=tick))
        memory = verdict.memory
        assert verdict.action is not None
        kinds.append(verdict.action.kind)
    assert kinds == [ActionKind.FLAG, ActionKind.FLAG, ActionKind.PAUSE]


def test_paused_campaigns_are_not_guarded() -> None:
    economics = Economics(Money(12 * M), SEED, ALL_RULES)
    over = Counts(500 * M, 15_000, 150, 15.0)
    verdict = guard(
        Observation(state(CampaignStatus.PAUSED), T0, over, FUNNEL),
        GuardMemory(),
        economics,
        now=T0,
    )
    assert verdict.action is None
