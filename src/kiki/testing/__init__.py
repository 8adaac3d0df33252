"""Test helpers shipped with the package: a whole app on SQLite, the sandbox and a virtual
clock, and the command line run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiki.application.services import Services
from kiki.bootstrap import build
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.ports import FaultInjector, SandboxControls
from kiki.platforms.sandbox.store import SandboxStore
from kiki.settings import Settings
from kiki.syncledger.ledger import ShiftRecord, summarize_shifts, unresolved
from kiki.syncnotify.recording import RecordingNotifier


@dataclass
class Harness:
    services: Services
    clock: VirtualClock
    alerts: RecordingNotifier
    database_url: str

    @classmethod
    def build(
        cls,
        data_dir: str | Path,
        *,
        database_url: str | None = None,
        clock: VirtualClock | None = None,
        sandbox_store: SandboxStore | None = None,
        **settings: object,
    ) -> Harness:
        """An app with quiet, recorded alerts, a virtual clock at Tue 2026-02-03 09:00, and the
        sandbox in this process unless ``sandbox_url`` says otherwise."""
        settings.setdefault("sandbox_url", "memory")
        clock = clock or VirtualClock()
        config = Settings(data_dir=Path(data_dir), database_url=database_url, **settings)  # type: ignore[arg-type]
        alerts = RecordingNotifier()
        services = build(
            config, clock=clock, quiet=True, notifiers=[alerts], sandbox_store=sandbox_store
        )
        return cls(services, clock, alerts, config.resolved_database_url())

    @property
    def sandbox(self) -> SandboxControls:
        return self.services.sandbox()

    @property
    def faults(self) -> FaultInjector:
        return self.services.faults()

    def open_client(self, client_id: str) -> None:
        self.services.attach_client(client_id, tenant_id=None, sandbox=True)

    def budgets(self, client_id: str) -> dict[Platform, Money]:
        """Budgets as the sandbox holds them (its controls read around injected outages)."""
        view = self.sandbox.show(client_id, window_s=self.services.ports.settings.cac_window_s)
        return {a.platform: a.daily_budget for a in view.accounts}

    def total(self, client_id: str) -> Money:
        return Money(sum(b.micros for b in self.budgets(client_id).values()))

    def pending(self, client_id: str) -> Money:
        """What the client's unresolved pending transfers would move."""
        transfers = self.services.ports.ledger.transfers(client_id=client_id)
        return Money(sum(t.amount.micros for t in unresolved(transfers)))

    def shifts(self, client_id: str) -> list[ShiftRecord]:
        return summarize_shifts(self.services.ports.ledger.transfers(client_id=client_id))

    def close(self) -> None:
        self.services.close()


def run_cli(
    workdir: Path,
    *args: str,
    timeout_s: float = 120,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``kiki ARGS`` in a fresh process: cwd ``workdir``, data in ``workdir/data``, no other
    ``KIKI_*`` settings from the caller's environment (but those in ``env``), a wide terminal
    and no colour."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KIKI_")}
    environment |= {"KIKI_DATA_DIR": str(workdir / "data"), "COLUMNS": "200", "NO_COLOR": "1"}
    environment |= dict(env or {})
    return subprocess.run(  # noqa: S603  # our own CLI; the arguments come from the caller
        [sys.executable, "-m", "kiki", *args],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
