"""The command line as a user runs it: a real process, a fresh data directory."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from kiki.testing import run_cli

SNAPSHOT = {
    "platforms": [
        {"platform": "PLATFORM_META", "ltv": 450.0, "cac": 180.0, "daily_budget": 500.0},
        {"platform": "google", "ltv": 480.0, "cac": 150.0, "daily_budget": 500.0},
        {"platform": "PLATFORM_TIKTOK", "ltv": 420.0, "cac": 105.0, "daily_budget": 500.0},
        {"platform": "amazon", "ltv": 420.0, "cac": 140.0, "daily_budget": 500.0},
    ],
    "config": {"efficiency_threshold": 0.15, "reallocation_percent": 0.20},
}


def kiki(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


def test_demo_tells_the_spike_the_shift_the_rollback_and_conservation(tmp_path: Path) -> None:
    result = kiki(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "APPLIED: Meta → TikTok $100/day" in out
    assert "ROLLED_BACK: Meta → TikTok $80/day" in out
    assert "Meta CPMs impacted. Shifted $100/day to TikTok (4.00x LTV/CAC vs" in out
    assert "total daily budget: $2,500 before, $2,500 after (conserved)" in out
    assert "audit trail intact" in out
    with sqlite3.connect(tmp_path / "data" / "demo.sqlite3") as db:
        kinds = [r[0] for r in db.execute("SELECT kind FROM ledger_transfers ORDER BY seq")]
    assert kinds == ["PENDING", "POSTED", "PENDING", "ROLLED_BACK"]


def test_what_if_prints_the_plan_as_json(tmp_path: Path) -> None:
    (tmp_path / "snap.json").write_text(json.dumps(SNAPSHOT))
    result = kiki(tmp_path, "optimize", "--input", "snap.json", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["best_platform"] == "PLATFORM_TIKTOK"
    assert plan["underperformers"] == ["PLATFORM_META"]
    assert plan["average_efficiency"] == pytest.approx((2.5 + 3.2 + 4.0 + 3.0) / 4)
    assert plan["threshold"] == pytest.approx(plan["average_efficiency"] * 0.85)
    assert plan["shifts"] == [
        {
            "from": "PLATFORM_META",
            "to": "PLATFORM_TIKTOK",
            "amount": 100.0,
            "amount_micros": 100_000_000,
            "reason": "Efficiency drop: 2.50x vs 3.17x avg",
        }
    ]
    assert plan["platforms"][1] == {
        "platform": "PLATFORM_GOOGLE",
        "ltv": 480.0,
        "cac": 150.0,
        "efficiency": 3.2,
        "daily_budget": 500.0,
    }
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda s: s["platforms"][0].update(cac="NaN"), "platforms[0].cac"),
        (lambda s: s["platforms"][1].update(daily_budget=-5), "platforms[1].daily_budget"),
        (lambda s: s["platforms"][2].update(platform="myspace"), "platforms[2].platform"),
        (lambda s: s["platforms"][3].update(ltv=1.0000001), "platforms[3].ltv"),
        (lambda s: s["config"].update(reallocation_percent=1.5), "config.reallocation_percent"),
        (lambda s: s["platforms"][0].pop("cac"), "platforms[0].cac"),
    ],
)
def test_bad_snapshot_input_is_one_line_naming_the_field_exit_2(
    tmp_path: Path, edit: object, field: str
) -> None:
    snapshot = json.loads(json.dumps(SNAPSHOT))
    edit(snapshot)  # type: ignore[operator]
    (tmp_path / "snap.json").write_text(json.dumps(snapshot))
    result = kiki(tmp_path, "optimize", "--input", "snap.json", "--dry-run", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {field}: ")
    assert not (tmp_path / "data").exists()


def test_a_snapshot_without_dry_run_is_refused(tmp_path: Path) -> None:
    (tmp_path / "snap.json").write_text(json.dumps(SNAPSHOT))
    result = kiki(tmp_path, "optimize", "--input", "snap.json")
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: --dry-run: a snapshot is a what-if: add --dry-run",
    )


def test_a_client_cycle_moves_budget_records_it_and_the_ledger_lists_it(tmp_path: Path) -> None:
    assert kiki(tmp_path, "sandbox", "open", "acme").returncode == 0
    assert kiki(tmp_path, "sandbox", "shock", "acme", "meta", "--cpm", "1.4").returncode == 0
    result = kiki(tmp_path, "optimize", "--client", "acme", "--json")
    assert result.returncode == 0, result.stderr
    cycle = json.loads(result.stdout)
    assert cycle["status"] == "COMPLETED"
    assert [(o["from"], o["to"], o["amount"], o["result"]) for o in cycle["outcomes"]] == [
        ("PLATFORM_META", "PLATFORM_TIKTOK", 100.0, "APPLIED")
    ]
    listed = json.loads(kiki(tmp_path, "ledger", "list", "--client", "acme", "--json").stdout)
    assert [(s["from"], s["to"], s["amount_micros"], s["status"]) for s in listed] == [
        ("PLATFORM_META", "PLATFORM_TIKTOK", 100_000_000, "APPLIED")
    ]
    again = json.loads(kiki(tmp_path, "optimize", "--client", "acme", "--json").stdout)
    assert again["outcomes"] == []  # cooling down: the sandbox file kept the new budgets
    assert again["holds"][0]["platform"] == "PLATFORM_META"


def test_an_unknown_client_exits_3_with_the_reason(tmp_path: Path) -> None:
    result = kiki(tmp_path, "optimize", "--client", "nobody")
    assert result.returncode == 3
    assert "no sandbox ad accounts for client 'nobody'" in result.stderr


def test_audit_verify_catches_an_edited_entry(tmp_path: Path) -> None:
    kiki(tmp_path, "sandbox", "open", "acme")
    kiki(tmp_path, "sandbox", "shock", "acme", "meta", "--cpm", "1.4")
    kiki(tmp_path, "optimize", "--client", "acme")
    ok = kiki(tmp_path, "audit", "verify", "--json")
    assert (ok.returncode, json.loads(ok.stdout)["ok"], json.loads(ok.stdout)["entries"]) == (
        0,
        True,
        1,
    )
    with sqlite3.connect(tmp_path / "data" / "kiki.sqlite3") as db:
        db.execute("UPDATE audit_entries SET reason = 'edited'")
    broken = kiki(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "entry 1 was edited" in broken.stdout
