"""The gate's learning on large histories: the pure arithmetic, and the use cases on SQLite.

Run: ``.venv/bin/python -m benchmarks.bench_gate_learning [--decisions N]`` (default 5,000;
seeding SQLite takes most of the time). Prints medians.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

from tests.unit.api.gate_history import seed_history

from kiki.synctwin.domain.calibration import calibrate
from kiki.synctwin.domain.tuning import tune
from kiki.synctwin.testing import GateBehaviour, synthetic_outcomes
from kiki.testing import Harness


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat)) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=5_000)
    n = parser.parse_args().decisions
    print(f"python {platform.python_version()} · {n:,} decisions")

    for size in (10_000, 100_000):
        outcomes = synthetic_outcomes(size, behaviour=GateBehaviour.OPTIMISTIC, seed=1)
        calibrate_ms = median_ms(lambda o=outcomes: calibrate(o), 5)
        tune_ms = median_ms(lambda o=outcomes: tune(o, current=0.85), 5)
        print(f"{size:>7,} outcomes · calibrate {calibrate_ms:8.1f} ms · tune {tune_ms:8.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        h = Harness.build(Path(tmp))
        try:
            h.open_client("acme")
            seed_history(h.services, "acme", n=n)
            s = h.services
            for name, call in (
                ("gate_calibration (SQLite)", lambda: s.gate_calibration("acme")),
                ("tune_gate (SQLite)", lambda: s.tune_gate("acme")),
                ("gate_review 7d (SQLite)", lambda: s.gate_review("acme")),
                ("run_gate_reviews (client + fleet)", s.run_gate_reviews),
            ):
                print(f"{name:<36} median {median_ms(call, 5):8.1f} ms")
        finally:
            h.close()


if __name__ == "__main__":
    main()
