"""The mirror's pure rules: time-aligned projection, deviation, warm-up, modes; the batch
version agrees with the one-event version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from kiki.campaigns.projection import Projection
from kiki.synctwin.domain.mirror import (
    DeviationMode,
    MirrorAction,
    MirrorRules,
    deviation,
    judge,
    judge_many,
    projected_many,
)

M = 1_000_000
START = datetime(2026, 2, 3, 9, tzinfo=UTC)
PROJECTION = Projection(START, 30, 30_000 * M, 15_000 * M, 600.0)
RULES = MirrorRules(warmup_s=86_400, min_spend_micros=100 * M, min_conversions=10)


def test_the_projection_is_time_aligned_with_even_pacing() -> None:
    day3 = PROJECTION.at(START + timedelta(days=3))
    assert (day3.revenue_micros, day3.spend_micros) == (3_000 * M, 1_500 * M)
    assert day3.conversions == pytest.approx(60.0)
    assert PROJECTION.at(START - timedelta(hours=1)).revenue_micros == 0
    assert PROJECTION.at(START + timedelta(days=45)).revenue_micros == 30_000 * M


def test_comparing_day_one_with_the_month_would_roll_everything_back() -> None:
    on_track = 1_000 * M  # day 1 of 30
    at_day1 = PROJECTION.at(START + timedelta(days=1)).revenue_micros
    assert deviation(on_track, at_day1) == pytest.approx(0.0)
    assert deviation(on_track, PROJECTION.revenue_micros) < -0.9


def _judge(
    revenue: int, *, rules: MirrorRules = RULES, elapsed_s: float = 3 * 86_400
) -> MirrorAction:
    projected = round(PROJECTION.revenue_micros * PROJECTION.share_at(elapsed_s))
    action, _ = judge(
        rules,
        elapsed_s=elapsed_s,
        spend_micros=1_500 * M,
        conversions=60,
        revenue_micros=revenue,
        projected_revenue_micros=projected,
    )
    return action


def test_within_five_percent_is_no_action_and_twenty_under_rolls_back() -> None:
    assert _judge(2_850 * M) is MirrorAction.NONE
    assert _judge(3_150 * M) is MirrorAction.NONE
    assert _judge(2_400 * M) is MirrorAction.ROLLED_BACK


def test_the_threshold_is_strictly_above_fifteen_percent() -> None:
    assert _judge(2_550 * M) is MirrorAction.NONE  # exactly -15 %
    assert _judge(2_549 * M) is MirrorAction.ROLLED_BACK


def test_no_judgement_before_each_minimum_of_the_warm_up() -> None:
    assert _judge(0, elapsed_s=86_399) is MirrorAction.WARMING_UP
    for spend, conversions in ((99 * M, 60.0), (1_500 * M, 9.0)):
        action, _ = judge(
            RULES,
            elapsed_s=3 * 86_400,
            spend_micros=spend,
            conversions=conversions,
            revenue_micros=0,
            projected_revenue_micros=3_000 * M,
        )
        assert action is MirrorAction.WARMING_UP


def test_the_upside_alerts_by_default_and_pauses_in_two_sided_mode() -> None:
    assert _judge(3_600 * M) is MirrorAction.ALERTED
    two_sided = MirrorRules(mode=DeviationMode.TWO_SIDED, warmup_s=86_400)
    assert _judge(3_600 * M, rules=two_sided) is MirrorAction.ROLLED_BACK
    assert _judge(2_400 * M, rules=two_sided) is MirrorAction.ROLLED_BACK


def test_the_batch_rules_agree_with_the_one_event_rules() -> None:
    rng = np.random.default_rng(7)
    n = 2_000
    elapsed = rng.uniform(0, 5 * 86_400, n)
    spend = rng.integers(0, 3_000 * M, n).astype(np.float64)
    conversions = rng.uniform(0, 100, n)
    projected = projected_many(
        np.full(n, float(PROJECTION.revenue_micros)),
        np.zeros(n),
        np.full(n, PROJECTION.horizon_s),
        elapsed,
    )
    revenue = np.rint(projected * rng.uniform(0.6, 1.4, n))
    for rules in (RULES, MirrorRules(mode=DeviationMode.TWO_SIDED, warmup_s=3600)):
        actions, devs = judge_many(
            rules,
            elapsed_s=elapsed,
            spend_micros=spend,
            conversions=conversions,
            revenue_micros=revenue,
            projected_revenue_micros=projected,
        )
        for i in range(n):
            one, dev = judge(
                rules,
                elapsed_s=float(elapsed[i]),
                spend_micros=int(spend[i]),
                conversions=float(conversions[i]),
                revenue_micros=int(revenue[i]),
                projected_revenue_micros=int(projected[i]),
            )
            assert (int(actions[i]), float(devs[i])) == (int(one), pytest.approx(dev))
        assert len(set(actions.tolist())) >= 3


def test_the_batch_projection_rounds_as_the_projection_does() -> None:
    moments = [START + timedelta(seconds=s) for s in (0, 1, 3_601, 86_400 * 7 + 13, 86_400 * 31)]
    at = np.array([m.timestamp() for m in moments])
    batch = projected_many(
        np.full(len(at), float(PROJECTION.revenue_micros)),
        np.full(len(at), START.timestamp()),
        np.full(len(at), PROJECTION.horizon_s),
        at,
    )
    assert batch.astype(np.int64).tolist() == [PROJECTION.at(m).revenue_micros for m in moments]
