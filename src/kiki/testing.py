"""Test helpers shipped with the package: a whole app on SQLite, the sandbox and a virtual clock,
and the command line run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kiki.bootstrap import App, build
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox import SandboxMarket
from kiki.settings import Settings
from kiki.syncledger.ledger import IN_TRANSIT, ShiftRecord, balances, summarize_shifts


@dataclass
class Harness:
    app: App
    clock: VirtualClock
    market: SandboxMarket

    @classmethod
    def build(
        cls, data_dir: str, *, database_url: str | None = None, **settings: object
    ) -> Harness:
        """An app with quiet notifiers, no sandbox file, a virtual clock at Tue 2026-02-03 09:00."""
        clock = VirtualClock()
        market = SandboxMarket(clock)
        config = Settings(data_dir=Path(data_dir), database_url=database_url, **settings)  # type: ignore[arg-type]
        app = build(config, clock=clock, market=market, quiet=True, persist_sandbox=False)
        return cls(app=app, clock=clock, market=market)

    def open_client(self, client_id: str) -> None:
        self.app.open_sandbox_client(client_id)

    def budgets(self, client_id: str) -> dict[Platform, Money]:
        """Budgets as the market holds them, read around any injected outage."""
        accounts = self.market.snapshot()["accounts"]
        assert isinstance(accounts, list)  # noqa: S101  # snapshot's documented shape
        return {
            Platform(a["platform"]): Money(a["daily_budget_micros"])
            for a in accounts
            if a["client_id"] == client_id
        }

    def total(self, client_id: str) -> Money:
        return Money(sum(b.micros for b in self.budgets(client_id).values()))

    def in_transit(self, client_id: str) -> Money:
        return balances(self.app.ledger.transfers(client_id=client_id)).get(IN_TRANSIT, Money(0))

    def shifts(self, client_id: str) -> list[ShiftRecord]:
        return summarize_shifts(self.app.ledger.transfers(client_id=client_id))


def run_cli(workdir: Path, *args: str, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """``kiki ARGS`` in a fresh process: cwd ``workdir``, data in ``workdir/data``, no other
    ``KIKI_*`` settings from the caller's environment, a wide terminal and no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIKI_")}
    env |= {"KIKI_DATA_DIR": str(workdir / "data"), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(  # noqa: S603  # our own CLI; the arguments come from the caller
        [sys.executable, "-m", "kiki", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
