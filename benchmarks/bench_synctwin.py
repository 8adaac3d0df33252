"""SyncTwin's speed, on one core: the seed's algorithm against ``simulate``, then big runs.

Run: ``.venv/bin/python -m benchmarks.bench_synctwin`` (about a minute). Prints medians.
"""

from __future__ import annotations

import os

# Pin BLAS/OpenMP to one thread before numpy loads, and the process to one core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import asyncio  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import timeit  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.seed_gatekeeper import SeedSimulationGatekeeper  # noqa: E402
from kiki.synctwin.domain.inputs import Baseline, Strategy  # noqa: E402
from kiki.synctwin.domain.simulation import simulate, simulate_batch  # noqa: E402

STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 60_000, "monthly_ad_spend": 20_000}


def median_s(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(
        f"python {platform.python_version()} · numpy {np.__version__} · "
        f"{os.cpu_count()} cores, pinned to 1 · {platform.machine()}"
    )
    strategy, baseline = Strategy.from_dict(STRATEGY), Baseline.from_dict(BASELINE)

    seed_gate = SeedSimulationGatekeeper(BASELINE)
    loop = asyncio.new_event_loop()
    seed_s = median_s(
        lambda: loop.run_until_complete(seed_gate.simulate_strategy(STRATEGY, "acme")), 15
    )
    ours_s = median_s(lambda: simulate(strategy, baseline, seed=7), 2001)
    print(f"10 000 simulations · seed algorithm      median {seed_s * 1e3:9.2f} ms")
    print(f"10 000 simulations · simulate            median {ours_s * 1e3:9.3f} ms")
    print(f"                     ratio                      {seed_s / ours_s:9.0f} x")

    million_s = median_s(lambda: simulate(strategy, baseline, seed=7, simulations=1_000_000), 15)
    print(f"1 000 000 simulations · simulate         median {million_s * 1e3:9.2f} ms")

    strategies = [
        Strategy.from_dict({**STRATEGY, "audience_size": 20_000 + 50 * i}) for i in range(1000)
    ]
    baselines = [baseline] * 1000
    batch_s = median_s(lambda: simulate_batch(strategies, baselines, seed=7), 15)
    print(f"1 000 strategies x 10 000 · simulate_batch median {batch_s * 1e3:7.2f} ms")
    loop_s = median_s(lambda: [simulate(s, baseline, seed=7) for s in strategies], 5)
    print(f"1 000 strategies x 10 000 · loop of simulate  median {loop_s * 1e3:7.2f} ms")
    richer = Strategy.from_dict({**STRATEGY, "uncertainty": {"cvr": 0.2, "cost": 0.1, "aov": 0.15}})
    richer_s = median_s(lambda: simulate(richer, baseline, seed=7), 501)
    print(f"10 000 simulations · richer model        median {richer_s * 1e3:9.3f} ms")
    loop.close()


if __name__ == "__main__":
    main()
