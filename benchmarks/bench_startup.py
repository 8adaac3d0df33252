"""How long ``kiki --help`` takes as a whole process, beside ``python -c pass``.

Run: .venv/bin/python -m benchmarks.bench_startup [--runs N]

The two commands run in turn (A B A B …) after one warm-up each, so both see the same machine;
the medians and the median of the per-pair differences are printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

KIKI = [str(Path(sys.executable).with_name("kiki")), "--help"]
PYTHON = [sys.executable, "-c", "pass"]


def wall_s(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603  # our own commands
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    wall_s(KIKI)
    wall_s(PYTHON)
    kiki, python = [], []
    for _ in range(args.runs):
        kiki.append(wall_s(KIKI))
        python.append(wall_s(PYTHON))
    extra = statistics.median(k - p for k, p in zip(kiki, python, strict=True))
    print(
        f"kiki --help       median {statistics.median(kiki) * 1000:6.0f} ms"
        f"  (min {min(kiki) * 1000:.0f}, max {max(kiki) * 1000:.0f}; {args.runs} runs)"
    )
    print(f"python -c pass    median {statistics.median(python) * 1000:6.0f} ms")
    print(f"kiki's own start-up: {extra * 1000:.0f} ms (median of the pair differences)")


if __name__ == "__main__":
    main()
