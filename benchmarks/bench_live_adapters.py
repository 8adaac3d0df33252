"""One optimiser pass through the real adapters: N clients, each with all six platforms
connected (Meta, Google Ads, Microsoft Advertising, TikTok, LinkedIn, Amazon Ads), against the
fakes with injected latency per API call, side by side with part 1's baseline (the same pass
with Meta, Google and Microsoft only) in one run.

Run: .venv/bin/python -m benchmarks.bench_live_adapters [--clients 100] [--latency-ms 100]

Each client's accounts run six hours of market first; half the clients have Meta's CPM
shocked, so their cycle also moves $100/day from Meta to Google (a write at each). The pass
runs the clients one after another, as the scheduler does. Reported: the time per pass and
per client, and the API calls per client per cycle, by platform (what the fakes served; the
OAuth refreshes are once per process and not counted).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from kiki.application.services import Services
from kiki.application.values import ClientValues
from kiki.bootstrap import build
from kiki.core.platform import Platform
from kiki.platforms.sandbox.values import SandboxValues
from kiki.settings import Settings
from kiki.testing.platforms.servers import ADAPTERS, API_PLATFORMS, LIVE, FakePlatforms


def run(clients: int, latency_ms: float, platforms: tuple[Platform, ...]) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakePlatforms(workdir=Path(tmp) / "fakes") as fakes:
        market = fakes.market
        settings = Settings(data_dir=Path(tmp), sandbox_url="memory", **fakes.settings())  # type: ignore[arg-type]
        built = build(settings, clock=market.clock, quiet=True)
        # the market knows each account's customer value (a deployment imports it instead)
        values = ClientValues(built.ports.values, SandboxValues(market.store))
        services = Services(replace(built.ports, optimizer_values=values), values)
        names = [f"client-{c:03d}" for c in range(clients)]
        for i, name in enumerate(names):
            for platform, account in fakes.open(name, platforms).items():
                services.connect(name, platform, adapter=ADAPTERS[platform], account=account)
            if i % 2 == 0:
                market.sandbox.shock(name, Platform.META, cpm_factor=1.4)
        market.clock.advance(6 * 3600)
        services.check_platforms(names[0])  # OAuth tokens fetched once, outside the timing
        market.scenario.latency_s = latency_ms / 1000
        before = Counter(market.scenario.calls)
        started = time.perf_counter()
        applied = 0
        for name in names:
            report = services.run_cycle(name)
            applied += sum(1 for o in report.outcomes if o.result.value == "APPLIED")
        elapsed = time.perf_counter() - started
        calls = Counter(market.scenario.calls)
        calls.subtract(before)
        services.close()
    per_platform = {p: sum(n for (q, _), n in calls.items() if q is p) / clients for p in platforms}
    shown = ", ".join(p.display_name for p in platforms)
    print(
        f"one pass, {clients} clients x ({shown}), {latency_ms:.0f} ms per call: "
        f"{elapsed:.1f} s ({elapsed / clients * 1000:.0f} ms per client), {applied} shifts applied"
    )
    detail = ", ".join(f"{p.display_name} {n:.1f}" for p, n in per_platform.items())
    print(f"API calls per client per cycle: {sum(per_platform.values()):.1f} ({detail})")
    for (platform, operation), n in sorted(calls.items(), key=lambda kv: (kv[0][0].rank, kv[0][1])):
        if n:
            print(f"  {platform.display_name:<9} {operation:<28} {n / clients:.2f} per client")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument(
        "--only", choices=["baseline", "six"], help="run one of the two passes, not both"
    )
    args = parser.parse_args()
    if args.only != "six":
        run(args.clients, args.latency_ms, LIVE)  # the baseline: part 1's three platforms
    if args.only != "baseline":
        run(args.clients, args.latency_ms, API_PLATFORMS)


if __name__ == "__main__":
    main()
