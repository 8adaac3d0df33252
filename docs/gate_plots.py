"""Make the README's gate-learning figures: ``python docs/gate_plots.py``.

The history is the seed's ten backtest campaigns (``tests/unit/synctwin/data/
historical_campaigns.csv``, the gate's confidence from a seeded backtest, their real net profit
from the file) plus 2,000 synthetic decisions of an over-confident gate
(``kiki.synctwin.testing``, behaviour OPTIMISTIC, seed 2026: stated confidence c, true chance
of profit c³). Writes docs/img/gate-calibration.png and docs/img/gate-tuning.png and prints
the figures the README quotes; the same command makes the same files.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from kiki.synctwin.domain.calibration import calibrate
from kiki.synctwin.domain.outcomes import DecisionOutcome
from kiki.synctwin.domain.tuning import tune
from kiki.synctwin.plots import plot_reliability, plot_tuning
from kiki.synctwin.services.backtest import HistoricalCampaign, run_backtest
from kiki.synctwin.testing import GateBehaviour, synthetic_outcomes

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "tests" / "unit" / "synctwin" / "data" / "historical_campaigns.csv"
OUT = ROOT / "docs" / "img"
SEED = 2026
SYNTHETIC = 2_000


def seed_backtest() -> list[DecisionOutcome]:
    with HISTORY.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    campaigns = [HistoricalCampaign.from_row(row, line) for line, row in enumerate(rows, start=2)]
    report = run_backtest(campaigns, threshold=0.85, simulations=10_000, variance=0.15, seed=SEED)
    return [
        DecisionOutcome(r.confidence, c.actual_net_profit, "seed-backtest", c.campaign_id)
        for c, r in zip(campaigns, report.results, strict=True)
    ]


def main() -> None:
    history = seed_backtest() + synthetic_outcomes(
        SYNTHETIC, behaviour=GateBehaviour.OPTIMISTIC, seed=SEED, clients=("synthetic",)
    )
    calibration = calibrate(history)
    tuning = tune(history, current=0.85)
    OUT.mkdir(parents=True, exist_ok=True)
    plot_reliability(calibration, OUT / "gate-calibration.png")
    plot_tuning(tuning, OUT / "gate-tuning.png")
    c = tuning.current
    lines = [
        f"outcomes {calibration.outcomes} (profitable {calibration.profitable})",
        f"Brier {calibration.brier_score:.3f} log loss {calibration.log_loss:.3f} "
        f"ECE {calibration.expected_calibration_error:.3f} "
        f"miscalibrated {calibration.miscalibrated}",
        *(
            f"  bin [{b.low:.1f}, {b.high:.1f}) n={b.count} stated={b.mean_confidence:.3f} "
            f"share={b.profitable.describe()} off={b.off_diagonal}"
            for b in calibration.bins
            if b.mean_confidence is not None
        ),
        f"at 0.85: FN {c.false_negative_rate.describe()} FP {c.false_positive_rate.describe()} "
        f"net {c.net.format(cents=True)}",
        tuning.explain(calibration),
    ]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
