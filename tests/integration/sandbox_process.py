"""A sandbox client in its own OS process, for the multi-process durability tests.

Run as ``python -m tests.integration.sandbox_process COMMAND URL CLIENT ...`` from the
repository root. Each command opens ``SandboxPlatform`` on the SQL store at URL with a
virtual clock at the instant given, does its work and prints one line per acknowledged step
(flushed), so a parent can kill it at any point and know what it was told.

    shock URL CLIENT AT CPM_FACTOR            shock Meta's CPM
    budget URL CLIENT AT MICROS               set Meta's daily budget
    fail URL CLIENT AT OPERATION              inject a Meta outage until healed
    accrue URL CLIENT AT STEPS STEP_S         wait for a line on stdin, then read Meta STEPS
                                              times, the clock STEP_S further each time
    write-loop URL CLIENT AT PREFIX           create campaigns and set budgets until killed
"""

from __future__ import annotations

import sys
from datetime import datetime

from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.campaigns.domain import Bid
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.platform import SandboxPlatform


def ack(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    command, url, client, at, *rest = argv
    clock = VirtualClock(datetime.fromisoformat(at))
    engine = make_engine(url)
    sandbox = SandboxPlatform(SqlSandboxStore(engine), clock)
    meta = Platform.META
    if command == "shock":
        ack("factors", sandbox.shock(client, meta, cpm_factor=float(rest[0])))
    elif command == "budget":
        sandbox.set_daily_budget(client, meta, Money(int(rest[0])))
        ack("budget", rest[0])
    elif command == "fail":
        sandbox.fail(meta, rest[0])
        ack("failing", rest[0])
    elif command == "accrue":
        steps, step_s = int(rest[0]), float(rest[1])
        ack("ready")
        sys.stdin.readline()
        for _ in range(steps):
            clock.advance(step_s)
            sandbox.read(client, meta, window_s=3600.0)
        ack("done", clock.now().isoformat())
    elif command == "write-loop":
        prefix, i = rest[0], 0
        while True:
            clock.advance(1.0)
            sandbox.create_campaign(
                client, meta, name=f"{prefix}-{i}", daily_budget=Money(1), bid=Bid()
            )
            ack("created", i)
            sandbox.set_daily_budget(client, meta, Money(1_000_000 + i))
            ack("budget", i)
            i += 1
    else:
        sys.stderr.write(f"unknown command {command!r}\n")
        return 2
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
