"""Calibration: the reliability table, scores, and the verdict on calibrated and biased gates."""

from __future__ import annotations

import math

import pytest

from kiki.core.money import Money
from kiki.synctwin.domain.calibration import LOG_LOSS_EPS, calibrate, calibrate_by_client
from kiki.synctwin.domain.outcomes import DecisionOutcome
from kiki.synctwin.testing import GateBehaviour, synthetic_outcomes

WIN, LOSS = Money(1_000_000), Money(-1_000_000)


def outcome(confidence: float, won: bool, client: str = "acme") -> DecisionOutcome:
    return DecisionOutcome(confidence, WIN if won else LOSS, client)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_calibrated_gate_is_not_flagged(seed: int) -> None:
    report = calibrate(synthetic_outcomes(2_000, behaviour=GateBehaviour.CALIBRATED, seed=seed))
    assert not report.miscalibrated
    assert report.expected_calibration_error is not None
    assert report.expected_calibration_error < 0.03


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_optimistic_gate_is_caught_over_confident_around_the_bar(seed: int) -> None:
    report = calibrate(synthetic_outcomes(2_000, behaviour=GateBehaviour.OPTIMISTIC, seed=seed))
    assert report.miscalibrated
    assert report.expected_calibration_error is not None
    assert report.expected_calibration_error > 0.04
    around_the_bar = report.bins[8]  # [0.8, 0.9): the seed's 0.85 sits in it
    assert around_the_bar.mean_confidence is not None
    assert around_the_bar.off_diagonal
    assert around_the_bar.gap is not None
    assert around_the_bar.gap > 0.15  # stated much more than it achieved
    assert around_the_bar.profitable.excludes(around_the_bar.mean_confidence)


def test_an_over_confident_gate_is_caught_at_both_ends() -> None:
    report = calibrate(synthetic_outcomes(2_000, behaviour=GateBehaviour.OVERCONFIDENT, seed=1))
    low, high = report.bins[0], report.bins[-1]
    assert low.off_diagonal
    assert high.off_diagonal
    assert low.gap is not None
    assert low.gap < 0  # said 'sure loser' of campaigns that often won
    assert high.gap is not None
    assert high.gap > 0


def test_brier_score_and_log_loss_by_hand() -> None:
    outcomes = [outcome(0.9, True), outcome(0.9, False), outcome(0.2, False), outcome(0.6, True)]
    report = calibrate(outcomes)
    assert report.brier_score == pytest.approx((0.01 + 0.81 + 0.04 + 0.16) / 4)
    assert report.log_loss == pytest.approx(
        -(math.log(0.9) + math.log(0.1) + math.log(0.8) + math.log(0.6)) / 4
    )
    assert report.clipped == 0
    assert report.base_rate == 0.5


def test_log_loss_clips_certainty_to_half_a_scenario_and_counts_it() -> None:
    report = calibrate([outcome(1.0, False), outcome(0.0, False)])
    assert LOG_LOSS_EPS == 5e-5
    assert report.log_loss == pytest.approx(
        (-math.log(LOG_LOSS_EPS) - math.log1p(-LOG_LOSS_EPS)) / 2
    )
    assert report.clipped == 2
    assert report.brier_score == 0.5


def test_ten_fixed_bins_with_empty_ones_reported_as_empty() -> None:
    report = calibrate([outcome(0.95, True), outcome(0.97, False), outcome(1.0, True)])
    assert [(b.low, b.high) for b in report.bins][:2] == [(0.0, 0.1), (0.1, 0.2)]
    assert report.bins[-1].high == 1.0
    empty = report.bins[:9]
    assert all(b.empty and b.count == 0 for b in empty)
    assert all(b.mean_confidence is None and b.profitable.value is None for b in empty)
    assert all(b.p_value is None and not b.off_diagonal for b in empty)
    top = report.bins[9]
    assert (top.count, top.profitable.count) == (3, 2)
    assert top.mean_confidence == pytest.approx(2.92 / 3)
    assert report.expected_calibration_error == pytest.approx(2.92 / 3 - 2 / 3)


def test_bin_edges_belong_to_the_bin_above_and_one_to_the_last() -> None:
    report = calibrate(
        [
            outcome(0.1, True),
            outcome(math.nextafter(0.7, 0.0), True),
            outcome(0.7, True),
            outcome(1.0, True),
        ]
    )
    assert [b.count for b in report.bins] == [0, 1, 0, 0, 0, 0, 1, 1, 0, 1]


def test_no_outcomes_gives_no_scores_and_no_verdict() -> None:
    report = calibrate([])
    assert (report.outcomes, report.brier_score, report.log_loss) == (0, None, None)
    assert report.expected_calibration_error is None
    assert report.base_rate is None
    assert not report.miscalibrated
    assert all(b.empty for b in report.bins)


def test_per_client_and_overall() -> None:
    outcomes = synthetic_outcomes(
        1_000, behaviour=GateBehaviour.CALIBRATED, seed=8, clients=("zeta", "acme")
    )
    report = calibrate_by_client(outcomes)
    assert [c.client_id for c in report.clients] == ["acme", "zeta"]
    assert report.overall.client_id is None
    assert report.overall.outcomes == 1_000 == sum(c.outcomes for c in report.clients)
    acme = [o for o in outcomes if o.client_id == "acme"]
    assert report.clients[0] == calibrate(acme, client_id="acme")
    assert report == calibrate_by_client(
        synthetic_outcomes(
            1_000, behaviour=GateBehaviour.CALIBRATED, seed=8, clients=("zeta", "acme")
        )
    )
    body = report.to_dict()
    assert body["overall"]["outcomes"] == 1_000  # type: ignore[index]


def test_bins_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match="bins"):
        calibrate([], bins=0)
    [only] = calibrate([outcome(0.3, True)], bins=1).bins
    assert (only.low, only.high, only.count) == (0.0, 1.0, 1)
