"""The real ``kill -9`` test: ``kiki serve`` on PostgreSQL and Redis, SIGKILLed 50 times at
random moments while its cycles shift money for 20 sandbox clients (see kill9.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.kill9 import run

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.mark.usefixtures("postgres_engine", "redis_url")  # both servers up, or fail under CI
def test_money_survives_fifty_kill_9(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counts = run(tmp_path, kills=50, clients=20, seed=9)
    with capsys.disabled():
        print(f"\nkill9: {counts.line()}\nkill9: statuses {counts.statuses}")  # noqa: T201
    assert counts.problems == []
    assert counts.kills == 50
    assert counts.shifts > counts.kills  # the kills fell among cycles that moved money
    assert counts.pending == counts.stuck == counts.keys_stuck == counts.mismatches == 0
    assert counts.audit_ok
    assert set(counts.statuses) <= {"APPLIED", "VOIDED", "ROLLED_BACK"}
