"""The nightly chaos run at scale: 1,000 clients x 5 live campaigns, in one process or on Ray.

Run: .venv/bin/python -m benchmarks.bench_chaos [--clients N] [--ray]

Set-up (not timed): KIKI's database on a throwaway SQLite file, the sandbox in the process,
N clients with five ad accounts each (one always-on campaign per account) whose markets
(CPM $2 to $30, CTR 0.5 to 4 %, CVR 2 to 15 %, LTV putting the CPA at 40 to 140 % of what a
50 % gross margin allows, $50 to $1,000 a day) have run 14 days on the virtual clock, and one
read of every account so that the market is accrued before the clock starts. Timed: the whole
``run_chaos()``: copying every live campaign (one batched read per account, the history of each
campaign, the LTV per platform), the seed's four tests, the four scenarios on each of the
5 x N copies, the counts, the audit entry.
"""

from __future__ import annotations

import argparse
import collections
import os
import tempfile
import time

import numpy as np

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import AccountSpec
from kiki.testing import Harness

PLATFORMS = list(Platform)[:5]


def build(clients: int, workdir: str, *, ray: bool) -> Harness:
    settings: dict[str, object] = {}
    if ray:
        settings["ray_address"] = "local"
    h = Harness.build(workdir, database_url=f"sqlite:///{workdir}/kiki.sqlite3", **settings)
    rng = np.random.default_rng(20260203)
    for c in range(clients):
        client = f"shop-{c:04d}"
        specs = {}
        for platform in PLATFORMS:
            cpm, ctr, cvr = rng.uniform(2, 30), rng.uniform(0.005, 0.04), rng.uniform(0.02, 0.15)
            cpa = cpm / (1000 * ctr * cvr)
            ltv = cpa / rng.uniform(0.4, 1.4) / 0.5
            specs[platform] = AccountSpec(
                Money(int(rng.uniform(50, 1000) * 1e6)),
                Money(int(cpm * 1e6)),
                float(ctr),
                float(cvr),
                Money(int(ltv * 1e6)),
            )
        h.sandbox.open_client(client, specs)
    h.clock.advance(14 * 86_400)
    for c in range(clients):
        client = f"shop-{c:04d}"
        h.services.campaigns(client)  # accrues the market and lets KIKI know the campaigns
        h.services.ports.guardian_settings.put(
            client,
            h.services.guardian_thresholds(client).__class__(gross_margin=0.5),
            now=h.clock.now(),
        )
    return h


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--ray", action="store_true", help="fan out over a local Ray")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        h = build(args.clients, workdir, ray=args.ray)
        print(
            f"set-up: {args.clients} clients x 5 campaigns in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        report = h.services.run_chaos()
        elapsed = time.perf_counter() - started
        tally = collections.Counter(r.observed.code for r in report.results if r.client_id)
        print(
            f"chaos run: {len(report.results)} tests ({report.passed} passed, "
            f"{len(report.failures)} failed) over {args.clients * 5} live copies in "
            f"{elapsed:.1f} s -> {args.clients / elapsed:.1f} clients/s "
            f"({'Ray' if args.ray else 'one process'}, {os.cpu_count()} CPUs)"
        )
        print("observed reactions:", dict(sorted(tally.items())))
        h.close()


if __name__ == "__main__":
    main()
