"""``kiki guardian`` and ``kiki chaos`` as a user runs them: real processes, one data dir."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kiki.testing import run_cli


def kiki(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


def test_a_chaos_run_passes_four_of_four_on_the_seeds_campaign_and_is_audited(
    tmp_path: Path,
) -> None:
    done = kiki(tmp_path, "chaos", "run", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert (body["total_tests"], body["passed"], body["failed"]) == (4, 4, 0)
    assert [r["test"] for r in body["results"]] == [
        "market_shock",
        "conversion_drop",
        "api_outage",
        "budget_overrun",
    ]
    assert body["results"][0]["campaign"] == "chaos_test_market_shock"
    audit = json.loads(kiki(tmp_path, "audit", "list", "--json").stdout)
    assert [e["event_type"] for e in audit] == ["CHAOS_TEST_COMPLETED"]


def test_with_the_margin_rule_off_the_run_exits_1_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "kiki.toml").write_text('guardian_rules = "cvr_drop,api_outage,budget_overrun"\n')
    done = kiki(tmp_path, "chaos", "run")
    assert done.returncode == 1
    assert "FAIL market_shock" in done.stdout
    assert "3/4 chaos tests passed" in done.stdout
    assert "1/4 chaos tests failed. MarginGuardian may not protect clients." in done.stderr


def test_a_chaos_run_leaves_the_sandbox_and_the_campaigns_byte_for_byte_unchanged(
    tmp_path: Path,
) -> None:
    # figures complete an hour behind now: a market opened now reads the same in a minute
    (tmp_path / "kiki.toml").write_text("sandbox_reporting_delay_s = 3600\n")
    assert kiki(tmp_path, "sandbox", "open", "acme").returncode == 0

    def snapshot() -> tuple[str, str]:
        shown = kiki(tmp_path, "sandbox", "show", "acme", "--json")
        listed = kiki(tmp_path, "campaigns", "list", "--json")
        assert shown.returncode == listed.returncode == 0
        return shown.stdout, listed.stdout

    before = snapshot()
    done = kiki(tmp_path, "chaos", "run", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["skipped"]) == 6  # nothing to model an hour behind
    assert snapshot() == before


def test_guardian_run_and_settings_on_a_sandbox_client(tmp_path: Path) -> None:
    assert kiki(tmp_path, "sandbox", "open", "acme").returncode == 0
    done = kiki(tmp_path, "guardian", "settings", "acme", "--set", "gross_margin=0.4", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["gross_margin"] == 0.4
    bad = kiki(tmp_path, "guardian", "settings", "acme", "--set", "margin_floor=0.5")
    assert bad.returncode == 2
    assert "margin_floor: must be below gross_margin" in bad.stderr
    done = kiki(tmp_path, "guardian", "run", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    [client] = body["clients"]
    assert client["client_id"] == "acme"
    assert {c["outcome"] for c in client["campaigns"]} == {"watched"}
    assert kiki(tmp_path, "guardian", "run", "--client", "nobody").returncode == 3
