"""The SQL sandbox shared by real OS processes: changes cross over, concurrent accruals never
double-count, and a process killed with SIGKILL loses nothing it was told had been written."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.campaigns.domain import Bid
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms import PlatformUnavailableError
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.model import Figures, Market, accrue
from kiki.platforms.sandbox.opening import campaign_id_for
from kiki.platforms.sandbox.platform import SandboxPlatform
from kiki.platforms.sandbox.ports import Factors

ROOT = Path(__file__).resolve().parents[2]
OPENED = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
META = Platform.META
BOUND_S = 120.0  # a safety net against a hung child, not a measurement


@contextmanager
def child(url: str, command: str, at: datetime, *args: object) -> Iterator[subprocess.Popen[str]]:
    """A sandbox process; killed on the way out whatever happened, and never left hanging."""
    module = "tests.integration.sandbox_process"
    argv = [sys.executable, "-m", module, command, url, "acme", at.isoformat(), *map(str, args)]
    process = subprocess.Popen(  # noqa: S603  # our own interpreter and helper module
        argv,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(BOUND_S, process.kill)
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        process.kill()
        process.communicate()


def run(url: str, command: str, at: datetime, *args: object) -> str:
    with child(url, command, at, *args) as process:
        out, err = process.communicate()
        assert process.returncode == 0, err
    return out


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/sandbox.sqlite3"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(OPENED)


@pytest.fixture
def sandbox(url: str, clock: VirtualClock) -> Iterator[SandboxPlatform]:
    engine = make_engine(url)
    platform = SandboxPlatform(SqlSandboxStore(engine), clock, seed=7, noise=0.3)
    platform.open_client("acme", demo_accounts())
    yield platform
    engine.dispose()


def test_a_shock_a_budget_and_an_outage_from_another_process_reach_this_one(
    sandbox: SandboxPlatform, clock: VirtualClock, url: str
) -> None:
    later = clock.advance(3600)
    run(url, "shock", later, 1.4)
    run(url, "budget", later, 123_000_000)
    assert sandbox.show("acme", window_s=3600).accounts[0].factors == Factors(cpm=1.4)
    assert sandbox.read("acme", META, window_s=3600).daily_budget == Money(123_000_000)
    run(url, "fail", later, "read")
    with pytest.raises(PlatformUnavailableError):
        sandbox.read("acme", META, window_s=3600)


def test_processes_accruing_at_once_never_count_an_instant_twice(
    sandbox: SandboxPlatform, clock: VirtualClock, url: str
) -> None:
    # Two processes walk the same 20 hours with different steps, released together.
    with (
        child(url, "accrue", OPENED, 240, 300.0) as first,
        child(url, "accrue", OPENED, 200, 360.0) as second,
    ):
        for process in (first, second):
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in (first, second):
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate()[0] for process in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0]
    end = OPENED + timedelta(hours=20)
    assert all(out.split() == ["done", end.isoformat()] for out in outputs)

    clock.advance(20 * 3600)
    telemetry = sandbox.read("acme", META, window_s=20 * 3600).telemetry
    assert telemetry is not None
    market = Market(demo_accounts()[META], seed=7, noise=0.3)
    expected = Figures.total(
        b.figures
        for b in accrue(
            market,
            campaign_id_for("acme", META, 1),
            budget_micros=500_000_000,
            bid=Bid(),
            start=OPENED,
            end=end,
        )
    )
    assert telemetry.window.spend.micros == expected.spend_micros
    assert telemetry.window.revenue.micros == expected.revenue_micros
    assert telemetry.window.impressions == round(expected.impressions)


@pytest.mark.parametrize("rounds", [3])
def test_a_process_killed_mid_write_loses_nothing_it_acknowledged(
    sandbox: SandboxPlatform, url: str, rounds: int
) -> None:
    acknowledged: list[str] = []
    last_budget = -1
    for n in range(rounds):
        with child(url, "write-loop", OPENED + timedelta(days=n), f"r{n}") as process:
            assert process.stdout is not None
            while len(acknowledged) < 10 * (n + 1):
                line = process.stdout.readline().split()
                assert line, "the writer died before it was killed"
                if line[0] == "created":
                    acknowledged.append(f"r{n}-{line[1]}")
                else:
                    last_budget = 1_000_000 + int(line[1])
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert process.returncode == -signal.SIGKILL
        names = {c.state.name for c in sandbox.show("acme", window_s=3600).campaigns}
        assert set(acknowledged) <= names
        budget = sandbox.read("acme", META, window_s=3600).daily_budget.micros
        assert budget in (last_budget, last_budget + 1)  # the acknowledged one or the next
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()
