"""Run every benchmark, keep their figures, and regenerate the README's performance table.

Run: .venv/bin/python -m benchmarks [--quick] [--only NAME ...] [--no-readme]

Each benchmark runs in turn (``--quick``: scaled down to a few minutes in all). The figures go
to ``benchmarks/results/latest.json`` with the commit and the machine they were measured on;
then the table between the ``benchmarks:begin`` and ``benchmarks:end`` markers in README.md is
rewritten from that file (and, for the cycle's cost, ``results/before_cycle_cost.json``, the
same benchmark run on the code before issue 15), so a figure there is always the output of the
code at its commit. Benchmarks that print rather than return figures run as a subprocess and
their printed lines are the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
LATEST = RESULTS / "latest.json"
BEFORE = RESULTS / "before_cycle_cost.json"
README = ROOT / "README.md"
BEGIN = (
    "<!-- benchmarks:begin (written by `python -m benchmarks` from "
    "benchmarks/results/latest.json) -->"
)
END = "<!-- benchmarks:end -->"


@dataclass(frozen=True)
class Bench:
    name: str
    quick: tuple[str, ...]  # arguments of the quick run (subprocess benchmarks)
    full: tuple[str, ...] = ()
    run: Callable[[bool], dict[str, Any]] | None = None  # in process, returns its figures


def _cycle_cost(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_cycle_cost  # noqa: PLC0415

    return bench_cycle_cost.run(quick=quick)


def _synctwin(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_synctwin  # noqa: PLC0415

    return bench_synctwin.run(quick=quick)


def _full_pass(quick: bool) -> dict[str, Any]:
    from benchmarks import bench_full_pass  # noqa: PLC0415

    return bench_full_pass.run(quick=quick)


BENCHMARKS = (
    Bench("bench_cycle_cost", (), run=_cycle_cost),
    Bench("bench_full_pass", (), run=_full_pass),
    Bench("bench_synctwin", (), run=_synctwin),
    Bench("bench_syncflow", ("--clients", "100")),
    Bench("bench_syncvalue", ("--repeats", "3")),
    Bench("bench_service", ("--seconds", "3", "--requests", "300")),
    Bench("bench_startup", ("--runs", "5")),
    Bench("bench_chaos", ("--clients", "50")),
    Bench("bench_gate_learning", ("--decisions", "500")),
    Bench(
        "bench_live_adapters",
        ("--clients", "10", "--latency-ms", "20"),
        ("--clients", "30"),  # 100 ms a call; 100 clients take about eight minutes here
    ),
    Bench(
        "bench_cycle_concurrency",
        ("--clients", "200", "--serial", "20"),
        # all 10,000 at 16 and 64 take about twenty minutes here: 2,000, scaled to 10,000
        ("--clients", "2000", "--serial", "100"),
    ),
    Bench("bench_mirror", ("--campaigns", "200", "--batches", "20")),
    Bench("mirror_false_alarms", ("--campaigns", "100")),
)


def run_one(bench: Bench, *, quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    if bench.run is not None:
        try:
            figures: dict[str, Any] = {"figures": bench.run(quick)}
        except Exception as exc:  # noqa: BLE001  # one benchmark's failure is reported, not fatal
            figures = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        args = bench.quick if quick else bench.full
        done = subprocess.run(  # noqa: S603  # our own modules, fixed arguments
            [sys.executable, "-m", f"benchmarks.{bench.name}", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line.rstrip() for line in done.stdout.splitlines() if line.strip()]
        figures = {"arguments": list(args), "lines": lines}
        if done.returncode != 0:
            figures["error"] = (done.stderr.strip().splitlines() or ["failed"])[-1]
    figures["quick"] = quick
    figures["commit"] = commit()
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{bench.name}: {figures['seconds']} s{' (error)' if 'error' in figures else ''}")
    return figures


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average_1m_at_start": round(load[0], 2),
    }


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607  # git from PATH, as a developer runs it
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    # the README is rewritten by this very command: only the code makes a run "dirty"
    changed = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "src",
        "benchmarks",
        ":(exclude)benchmarks/results",  # the figures themselves are not code
    )
    return f"{head}{'+dirty' if changed else ''}"


# -- the README's table ----------------------------------------------------------------------


def _cycle_rows(figures: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    old = {
        (c["database"], c["history"]): c
        for c in ((before or {}).get("bench_cycle_cost", {}).get("cycles", []))
    }
    rows = [
        "| database | transfers in the client's history | steady cycles/s (before) | "
        "shifting cycles/s (before) | statements steady / shifting (before) | "
        "transactions steady, of which read / shifting (before) |",
        "|---|---|---|---|---|---|",
    ]
    for c in figures.get("cycles", []):
        b = old.get((c["database"], c["history"]))

        def was(*keys: str, b: dict[str, Any] | None = b) -> str:
            if not b or any(k not in b for k in keys):
                return ""
            return " (" + " / ".join(f"{b[k]:,.0f}" for k in keys) + ")"

        reads = c.get("steady_read_transactions", "?")
        rows.append(
            f"| {c['database']} | {c['history']:,} "
            f"| **{c['steady_per_s']:,.0f}**{was('steady_per_s')} "
            f"| **{c['shifting_per_s']:,.0f}**{was('shifting_per_s')} "
            f"| **{c['steady_statements']}** / {c['shifting_statements']}"
            f"{was('steady_statements', 'shifting_statements')} "
            f"| **{c['steady_transactions']}, {reads}** / {c['shifting_transactions']}"
            f"{was('steady_transactions', 'shifting_transactions')} |"
        )
    return rows


def render(latest: dict[str, Any], before: dict[str, Any] | None) -> str:
    m = latest["machine"]
    lines = [
        BEGIN,
        "",
        f"Figures of commit `{_commits(latest)}`, `python -m benchmarks` "
        f"({latest['measured_at']}; {_runs(latest)}), on the {m['cores']}-core build "
        f"machine ({m['machine']}, Python {m['python']}, load {m['load_average_1m_at_start']} at "
        "the start), under load of parallel work: compare figures of one run with each other.",
        "",
    ]
    results = latest["benchmarks"]
    cycle = results.get("bench_cycle_cost", {}).get("figures")
    if cycle:
        lines += [
            "**A cycle's cost** (`bench_cycle_cost`, one process, clients per row by history "
            f"{_sizes(cycle['clients'])}; in brackets the same benchmark on the code before "
            "issue 15, "
            f"`{(before or {}).get('commit', '?')}`, {(before or {}).get('command', '')}):",
            "",
            *_cycle_rows(cycle, before),
            "",
        ]
    full = results.get("bench_full_pass", {}).get("figures")
    if full:
        lines += [
            f"**One scheduler pass** (`bench_full_pass`, PostgreSQL, KIKI_CYCLE_CONCURRENCY="
            f"{full['concurrency']}): {full['cycles']:,} clients in **{full['pass_s']:,} s** → "
            f"{full['clients_per_s']:,} clients/s ({full['shifts_posted']:,} shifts posted); "
            f"100,000 clients at this rate: {full['projected_100k_s']:,} s.",
            "",
        ]
    twin = results.get("bench_synctwin", {}).get("figures")
    if twin:
        was = (before or {}).get("bench_synctwin", {}).get("simulate_ms")
        lines += [
            "**The gate, 10,000 simulations** (`bench_synctwin`, one core): the seed's loop "
            f"{twin['seed_loop_ms']:.2f} ms · plain numpy {twin['plain_numpy_ms']:.3f} ms · "
            f"`simulate` **{twin['simulate_ms']:.3f} ms**"
            + (f" (before selecting ranks: {was:.3f} ms)" if was else "")
            + ".",
            "",
        ]
    rest = [
        (name, r)
        for name, r in results.items()
        if "lines" in r or ("error" in r and "figures" not in r)
    ]
    if rest:
        lines += ["| benchmark (arguments) | what it printed |", "|---|---|"]
        for name, r in rest:
            printed = "<br>".join(_cell(x) for x in r.get("lines", [])) or "—"
            if "error" in r:
                printed += f"<br>**failed**: {_cell(r['error'])}"
            lines.append(f"| `{name}` {' '.join(r.get('arguments', []))} | {printed} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def _sizes(sizes: Any) -> str:  # a count, or counts by history
    if isinstance(sizes, dict):
        return ", ".join(f"{int(k):,}: {v}" for k, v in sizes.items())
    return str(sizes)


def _commits(latest: dict[str, Any]) -> str:
    found = sorted({r.get("commit", latest["commit"]) for r in latest["benchmarks"].values()})
    return "`, `".join(found)


def _runs(latest: dict[str, Any]) -> str:
    results = latest["benchmarks"]
    full = sorted(n for n, r in results.items() if not r.get("quick", latest.get("quick")))
    if not full:
        return "every benchmark in its quick mode"
    if len(full) == len(results):
        return "every benchmark in full"
    return f"in full: {', '.join(full)}; the others in their quick mode"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def write_readme(latest: dict[str, Any]) -> None:
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() else None
    text = README.read_text()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        raise SystemExit(f"README.md has no {BEGIN!r} … {END!r} markers")
    README.write_text(text[:start] + render(latest, before) + text[end + len(END) :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="scaled down: a few minutes")
    parser.add_argument("--only", nargs="*", help="run these benchmarks, keep the others' figures")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--readme-only", action="store_true", help="rewrite the README only")
    args = parser.parse_args()
    if not args.readme_only:
        latest: dict[str, Any] = json.loads(LATEST.read_text()) if LATEST.exists() else {}
        kept = latest.get("benchmarks", {}) if args.only else {}
        latest = {
            "commit": commit(),
            "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "quick": args.quick,
            "machine": machine(),
            "benchmarks": kept,
        }
        for bench in BENCHMARKS:
            if args.only and bench.name not in args.only:
                continue
            latest["benchmarks"][bench.name] = run_one(bench, quick=args.quick)
        RESULTS.mkdir(parents=True, exist_ok=True)
        LATEST.write_text(json.dumps(latest, indent=2) + "\n")
    if not args.no_readme:
        write_readme(json.loads(LATEST.read_text()))


if __name__ == "__main__":
    main()
