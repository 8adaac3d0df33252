"""SyncTwin's speed, on one core: the seed's loop, a plain numpy version and ``simulate`` side
by side, then big runs.

Run: ``.venv/bin/python -m benchmarks.bench_synctwin [--quick]`` (about a minute). Prints medians.
"""

from __future__ import annotations

import os

# Pin BLAS/OpenMP to one thread before numpy loads, and the process to one core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import asyncio  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.seed_gatekeeper import SeedSimulationGatekeeper  # noqa: E402
from kiki.synctwin.domain.inputs import Baseline, Strategy  # noqa: E402
from kiki.synctwin.domain.simulation import (  # noqa: E402
    linear_coefficients,
    simulate,
    simulate_batch,
)

STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 60_000, "monthly_ad_spend": 20_000}


def median_s(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def plain_numpy(strategy: Strategy, baseline: Baseline, seed: int) -> dict[str, float]:
    """The seed's statistics written the obvious numpy way: draw, median, percentiles."""
    factors = np.random.default_rng(seed).normal(1.0, 0.15, 10_000)
    a, b = linear_coefficients(strategy, baseline)
    uplift = a * factors + b
    positive = uplift[uplift > 0]
    return {
        "confidence": positive.size / uplift.size,
        "projected": float(np.median(positive if positive.size else uplift)),
        "p10": float(np.percentile(uplift, 10)),
        "p90": float(np.percentile(uplift, 90)),
    }


def run(*, quick: bool = False) -> dict[str, float]:
    """The figures, in milliseconds (medians); ``quick`` repeats less and skips the big runs.
    Pinned to one core while it runs (the process's cores are given back after)."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores is not None:
        os.sched_setaffinity(0, {min(cores)})
    try:
        return _run(quick=quick)
    finally:
        if cores is not None:
            os.sched_setaffinity(0, cores)


def _run(*, quick: bool) -> dict[str, float]:
    strategy, baseline = Strategy.from_dict(STRATEGY), Baseline.from_dict(BASELINE)
    seed_gate = SeedSimulationGatekeeper(BASELINE)
    loop = asyncio.new_event_loop()
    try:
        seed_s = median_s(
            lambda: loop.run_until_complete(seed_gate.simulate_strategy(STRATEGY, "acme")),
            5 if quick else 15,
        )
    finally:
        loop.close()
    repeat = 301 if quick else 2001
    numpy_s = median_s(lambda: plain_numpy(strategy, baseline, 7), repeat)
    ours_s = median_s(lambda: simulate(strategy, baseline, seed=7), repeat)
    figures = {
        "seed_loop_ms": round(seed_s * 1e3, 3),
        "plain_numpy_ms": round(numpy_s * 1e3, 4),
        "simulate_ms": round(ours_s * 1e3, 4),
    }
    print(
        f"10 000 simulations · seed loop {figures['seed_loop_ms']:.2f} ms · plain numpy "
        f"{figures['plain_numpy_ms']:.3f} ms · simulate {figures['simulate_ms']:.3f} ms "
        f"({seed_s / ours_s:,.0f}x the seed loop, {numpy_s / ours_s:.2f}x plain numpy)"
    )
    return figures


def main() -> None:
    if "--quick" in sys.argv:
        run(quick=True)
        return
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
    numpy_s = median_s(lambda: plain_numpy(strategy, baseline, 7), 2001)
    print(f"10 000 simulations · plain numpy         median {numpy_s * 1e3:9.3f} ms")
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
