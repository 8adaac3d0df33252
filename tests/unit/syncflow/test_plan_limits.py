"""The safety limits around step 5: window cap, cool-down, floors, ceilings, allow/deny."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import BudgetLimits, OptimizerConfig
from kiki.syncflow.domain.efficiency import PlatformInput, efficiency, measurable
from kiki.syncflow.domain.plan import WindowUsage, plan_cycle

NOW = datetime(2026, 2, 3, 12, 0, tzinfo=UTC)
M = 1_000_000


def scenario(meta_budget: int = 500, tiktok_budget: int = 500) -> list[PlatformInput]:
    return [
        PlatformInput(Platform.META, Money(450 * M), Money(180 * M), Money(meta_budget * M)),
        PlatformInput(Platform.GOOGLE, Money(480 * M), Money(150 * M), Money(500 * M)),
        PlatformInput(Platform.TIKTOK, Money(420 * M), Money(105 * M), Money(tiktok_budget * M)),
        PlatformInput(Platform.AMAZON, Money(420 * M), Money(140 * M), Money(500 * M)),
    ]


def test_zero_or_missing_cac_and_missing_ltv_leave_the_platform_out_never_infinite() -> None:
    rows = [
        PlatformInput(Platform.META, Money(450 * M), Money(0), Money(M)),
        PlatformInput(Platform.GOOGLE, Money(450 * M), None, Money(M)),
        PlatformInput(Platform.TIKTOK, None, Money(M), Money(M)),
        PlatformInput(Platform.AMAZON, Money(2 * M), Money(M), Money(M)),
    ]
    kept, left_out = measurable(rows)
    assert [p.platform for p in kept] == [Platform.AMAZON]
    assert left_out == [Platform.META, Platform.GOOGLE, Platform.TIKTOK]
    assert efficiency(Money(1), Money(0)) is None


def test_one_measurable_platform_plans_no_shift() -> None:
    plan = plan_cycle(scenario()[:1], OptimizerConfig(), usage={}, now=NOW)
    assert (plan.shifts, plan.underperformers) == ((), ())


def test_nothing_to_plan_when_no_platform_is_measurable() -> None:
    rows = [PlatformInput(Platform.META, None, None, Money(M))]
    plan = plan_cycle(rows, OptimizerConfig(), usage={}, now=NOW)
    assert (plan.best, plan.shifts, plan.average_efficiency) == (None, (), 0.0)


def test_window_cap_counts_what_already_left_against_the_budget_at_window_start() -> None:
    # Meta had 500, gave 60 earlier in the window: the cap is 20 % of 500 = 100, 40 remain.
    usage = {Platform.META: WindowUsage(Money(60 * M), Money(-60 * M), NOW - timedelta(hours=5))}
    plan = plan_cycle(scenario(meta_budget=440), OptimizerConfig(), usage=usage, now=NOW)
    assert [(s.source, s.amount) for s in plan.shifts] == [(Platform.META, Money(40 * M))]


def test_a_platform_that_gave_its_share_in_the_window_is_held() -> None:
    usage = {Platform.META: WindowUsage(Money(100 * M), Money(-100 * M), NOW - timedelta(hours=5))}
    plan = plan_cycle(scenario(meta_budget=400), OptimizerConfig(), usage=usage, now=NOW)
    assert plan.shifts == ()
    assert [(h.platform, h.reason) for h in plan.holds] == [
        (Platform.META, "20% already shifted out in the last window")
    ]


def test_cool_down_holds_a_platform_that_just_gave() -> None:
    usage = {Platform.META: WindowUsage(Money(M), Money(-M), NOW - timedelta(minutes=10))}
    plan = plan_cycle(scenario(), OptimizerConfig(cooldown_s=3600), usage=usage, now=NOW)
    assert plan.shifts == ()
    assert plan.holds[0].reason == "cooling down until 2026-02-03T12:50:00+00:00"


def test_floor_limits_the_shift_and_ceiling_limits_what_the_best_may_take() -> None:
    config = OptimizerConfig(
        limits={
            Platform.META: BudgetLimits(floor=Money(450 * M)),
            Platform.TIKTOK: BudgetLimits(ceiling=Money(520 * M)),
        }
    )
    plan = plan_cycle(scenario(), config, usage={}, now=NOW)
    assert [(s.source, s.amount) for s in plan.shifts] == [(Platform.META, Money(20 * M))]
    at_floor = OptimizerConfig(limits={Platform.META: BudgetLimits(floor=Money(500 * M))})
    held = plan_cycle(scenario(), at_floor, usage={}, now=NOW)
    assert [(h.platform, h.reason) for h in held.holds] == [(Platform.META, "at its budget floor")]


def test_ceiling_is_shared_by_every_underperformer_giving_to_the_best() -> None:
    meta = PlatformInput(Platform.META, Money(450 * M), Money(200 * M), Money(500 * M))  # 2.25x
    linkedin = PlatformInput(Platform.LINKEDIN, Money(100 * M), Money(50 * M), Money(500 * M))
    rows = [meta, *scenario()[1:], linkedin]
    config = OptimizerConfig(limits={Platform.TIKTOK: BudgetLimits(ceiling=Money(550 * M))})
    plan = plan_cycle(rows, config, usage={}, now=NOW)
    assert [(s.source, s.amount) for s in plan.shifts] == [
        (Platform.META, Money(50 * M)),
    ]
    assert [(h.platform, h.reason) for h in plan.holds] == [
        (Platform.LINKEDIN, "TikTok is at its ceiling")
    ]


def test_allow_and_deny_lists_pick_the_enabled_platforms() -> None:
    config = OptimizerConfig(
        allow=frozenset({Platform.META, Platform.GOOGLE}), deny=frozenset({Platform.GOOGLE})
    )
    assert [p for p in Platform if config.enabled(p)] == [Platform.META]
    assert [p for p in Platform if OptimizerConfig().enabled(p)] == list(Platform)


def test_a_shift_is_a_whole_number_of_both_platforms_budget_units() -> None:
    cents, yen = 10_000, 1_000_000
    rows = [
        PlatformInput(Platform.META, Money(450 * M), Money(180 * M), Money(123_460_000), cents),
        PlatformInput(Platform.GOOGLE, Money(480 * M), Money(150 * M), Money(500 * M), cents),
        PlatformInput(Platform.TIKTOK, Money(420 * M), Money(105 * M), Money(500 * M), yen),
    ]
    [shift] = plan_cycle(rows, OptimizerConfig(), usage={}, now=NOW).shifts
    assert shift.amount == Money(24_000_000)  # 20 % is $24.692; TikTok takes whole units
    rows[2] = PlatformInput(Platform.TIKTOK, Money(420 * M), Money(105 * M), Money(500 * M), cents)
    [shift] = plan_cycle(rows, OptimizerConfig(), usage={}, now=NOW).shifts
    assert shift.amount == Money(24_690_000)


def test_less_than_one_unit_to_move_holds_the_platform() -> None:
    rows = [
        PlatformInput(Platform.META, Money(450 * M), Money(180 * M), Money(40_000), 10_000),
        PlatformInput(Platform.TIKTOK, Money(420 * M), Money(105 * M), Money(500 * M), 10_000),
    ]
    plan = plan_cycle(rows, OptimizerConfig(), usage={}, now=NOW)
    assert plan.shifts == ()
    assert [(h.platform, h.reason) for h in plan.holds] == [
        (Platform.META, "less than one unit of the platforms' budgets")
    ]
