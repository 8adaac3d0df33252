"""Threads on separate connections to one SQL sandbox, on SQLite and PostgreSQL: a client's
transactions serialise, so accruals never double-count and a client opens once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.sandbox_store import SqlSandboxStore
from kiki.campaigns.domain import Bid
from kiki.core.clock import VirtualClock
from kiki.core.platform import Platform
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.model import Figures, Market, accrue
from kiki.platforms.sandbox.opening import campaign_id_for
from kiki.platforms.sandbox.platform import SandboxPlatform
from tests.conftest import postgres_schema

OPENED = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
META = Platform.META
T = TypeVar("T")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sandbox_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/sandbox.sqlite3")
        yield engine
        engine.dispose()
    else:
        with postgres_schema() as engine:
            yield engine


def all_at_once(tasks: list[Callable[[], T]]) -> list[T]:
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return [f.result() for f in [pool.submit(task) for task in tasks]]


def test_a_client_opened_by_many_at_once_opens_once(sandbox_engine: Engine) -> None:
    store = SqlSandboxStore(sandbox_engine)

    def open_it() -> bool:
        return SandboxPlatform(store, VirtualClock(OPENED)).open_client("acme", demo_accounts())

    assert sorted(all_at_once([open_it] * 6)) == [False] * 5 + [True]
    view = SandboxPlatform(store, VirtualClock(OPENED)).show("acme", window_s=3600)
    assert len(view.accounts) == 6
    assert len(view.campaigns) == 6


def test_readers_accruing_at_once_never_count_an_instant_twice(sandbox_engine: Engine) -> None:
    store = SqlSandboxStore(sandbox_engine)
    SandboxPlatform(store, VirtualClock(OPENED), seed=3, noise=0.2).open_client(
        "acme", demo_accounts()
    )

    def walk(step_s: float) -> Callable[[], datetime]:
        def reads() -> datetime:
            clock = VirtualClock(OPENED)
            sandbox = SandboxPlatform(store, clock)
            while clock.now() < OPENED + timedelta(hours=10):
                clock.advance(step_s)
                sandbox.read("acme", META, window_s=3600)
            return clock.now()

        return reads

    assert set(all_at_once([walk(300), walk(450), walk(600), walk(900)])) == {
        OPENED + timedelta(hours=10)
    }
    clock = VirtualClock(OPENED + timedelta(hours=10))
    telemetry = SandboxPlatform(store, clock).read("acme", META, window_s=10 * 3600).telemetry
    assert telemetry is not None
    expected = Figures.total(
        b.figures
        for b in accrue(
            Market(demo_accounts()[META], seed=3, noise=0.2),
            campaign_id_for("acme", META, 1),
            budget_micros=500_000_000,
            bid=Bid(),
            start=OPENED,
            end=clock.now(),
        )
    )
    assert telemetry.window.spend.micros == expected.spend_micros
    assert telemetry.window.revenue.micros == expected.revenue_micros
