"""False alarms on the sandbox's noisy market: with the default warm-up, campaigns that follow
their projection are not rolled back, and a 20 % shortfall is caught within days; without a
warm-up the same campaigns would be (the warm-up is what prevents it)."""

from __future__ import annotations

from kiki.settings import Settings
from kiki.synctwin.domain.mirror import MirrorRules
from kiki.synctwin.mirror_trials import run_trials

DAY_S = 86_400.0
NOISE = 0.2  # KIKI_SANDBOX_NOISE: the coefficient of variation of each hourly multiplier


def default_rules() -> MirrorRules:
    s = Settings()
    return MirrorRules(
        threshold=s.deviation_threshold,
        warmup_s=s.mirror_warmup_s,
        min_spend_micros=s.mirror_min_spend,
        min_conversions=s.mirror_min_conversions,
    )


def test_campaigns_that_follow_their_projection_are_not_rolled_back() -> None:
    report = run_trials(default_rules(), campaigns=100, noise=NOISE)
    assert report.rolled_back == 0
    assert report.alerted == 0


def test_a_twenty_percent_shortfall_is_rolled_back_within_four_days() -> None:
    report = run_trials(default_rules(), campaigns=50, noise=NOISE, shortfall=0.2)
    assert report.rolled_back == 50
    assert max(report.delays_s) <= 4 * DAY_S
    assert min(report.delays_s) >= default_rules().warmup_s


def test_without_the_warm_up_the_noise_alone_rolls_campaigns_back() -> None:
    report = run_trials(MirrorRules(), campaigns=100, noise=NOISE)
    assert report.rolled_back > 10
