"""``kiki demo``'s second act: the guardian story, told by a real process."""

from __future__ import annotations

from pathlib import Path

from kiki.testing import run_cli


def test_the_demo_tells_the_guardian_story(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    act = result.stdout.split("Act 2: MarginGuardian", 1)[1]
    assert "Meta CPM +50 % ($5.00 -> $7.50)" in act
    assert "paused (MARGIN_GUARDIAN): CPA" in act
    assert "paused (BUDGET_OVERRUN): spent 110.4% of the daily budget" in act
    assert "the seed's test campaign 4/4 passed" in act
    assert "Google, unshocked, runs on: ACTIVE" in act
    assert "audit trail intact" in act
