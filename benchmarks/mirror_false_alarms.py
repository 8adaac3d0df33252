"""The mirror's false alarms and detection delay on the sandbox's noisy market (not timed).

Run: .venv/bin/python -m benchmarks.mirror_false_alarms [--campaigns N]

For each noise level (``KIKI_SANDBOX_NOISE``, the coefficient of variation of the hourly CPM,
CTR and CVR multipliers) N campaigns of the seed's market follow their projection (the market's
mean path) for 30 days and N more fall 20 % short of it; the mirror's rules judge every hour's
cumulative figures under each warm-up. A false alarm is an on-track campaign rolled back at
any hour of the 30 days; the delay is from launch to the shortfall's rollback.
"""

from __future__ import annotations

import argparse

from kiki.synctwin.domain.mirror import MirrorRules
from kiki.synctwin.mirror_trials import run_trial_grid

WARMUPS = ((6, 0), (24, 0), (24, 30), (48, 0), (48, 30))  # hours, conversions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--noise", type=float, nargs="*", default=[0.1, 0.2, 0.3])
    args = parser.parse_args()
    rules = [MirrorRules(warmup_s=h * 3600.0, min_conversions=c) for h, c in WARMUPS]
    print(
        "| noise | warm-up | min conversions | false alarms | upside alerts | 20 % shortfall "
        "caught | delay median | delay p95 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for noise in args.noise:
        on_track = run_trial_grid(rules, campaigns=args.campaigns, noise=noise)
        short = run_trial_grid(rules, campaigns=args.campaigns, noise=noise, shortfall=0.2)
        for (hours, conversions), ok, bad in zip(WARMUPS, on_track, short, strict=True):
            median, p95 = bad.delay_quantile(0.5), bad.delay_quantile(0.95)
            print(
                f"| {noise} | {hours} h | {conversions} | {ok.rate:.1%} ({ok.rolled_back}) "
                f"| {ok.alerted / ok.campaigns:.1%} | {bad.rate:.1%} "
                f"| {'-' if median is None else f'{median / 3600:.0f} h'} "
                f"| {'-' if p95 is None else f'{p95 / 3600:.0f} h'} |"
            )


if __name__ == "__main__":
    main()
