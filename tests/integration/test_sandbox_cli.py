"""``kiki sandbox`` and ``kiki campaigns`` as a user runs them: real processes, one data dir."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kiki.testing import run_cli


def kiki(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


def show(tmp_path: Path, client: str = "acme") -> dict[str, object]:
    done = kiki(tmp_path, "sandbox", "show", client, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def settled(body: dict[str, object]) -> dict[str, object]:
    """``show`` without what the market's clock moves on its own (today's spend)."""
    accounts = body["accounts"]
    assert isinstance(accounts, list)
    keep = ("platform", "daily_budget_micros", "cpm_factor", "cvr_factor", "spend_factor")
    return {**body, "accounts": [{k: a[k] for k in keep} for a in accounts]}


@pytest.fixture
def opened(tmp_path: Path) -> Path:
    done = kiki(tmp_path, "sandbox", "open", "acme")
    assert (done.returncode, done.stdout.strip()) == (0, "opened six sandbox ad accounts for acme")
    return tmp_path


def test_show_has_the_documented_shape(opened: Path) -> None:
    body = show(opened)
    assert set(body) == {"client", "accounts", "campaigns"}
    assert body["client"] == "acme"
    accounts = body["accounts"]
    assert isinstance(accounts, list)
    assert [a["platform"] for a in accounts][:2] == ["PLATFORM_META", "PLATFORM_GOOGLE"]
    meta = accounts[0]
    assert {"daily_budget", "daily_budget_micros", "cac", "cpm_factor", "cvr_factor"} <= set(meta)
    assert (meta["daily_budget"], meta["daily_budget_micros"]) == (500.0, 500_000_000)
    assert (meta["cpm_factor"], meta["cvr_factor"]) == (1.0, 1.0)
    campaigns = body["campaigns"]
    assert isinstance(campaigns, list)
    assert len(campaigns) == 6
    assert {c["status"] for c in campaigns} == {"ACTIVE"}


def test_a_shock_sets_the_factor_in_effect_and_twice_is_the_same(opened: Path) -> None:
    for _ in range(2):
        done = kiki(opened, "sandbox", "shock", "acme", "meta", "--cpm", "1.4")
        assert done.returncode == 0, done.stderr
        assert "CPM x1.4" in done.stdout
    accounts = show(opened)["accounts"]
    assert isinstance(accounts, list)
    assert accounts[0]["cpm_factor"] == 1.4  # in effect, not 1.96


@pytest.mark.parametrize("value", ["nan", "inf", "0", "1e308", "-2"])
def test_a_bad_shock_is_one_clear_line_and_changes_nothing(opened: Path, value: str) -> None:
    before = settled(show(opened))
    done = kiki(opened, "sandbox", "shock", "acme", "meta", "--cpm", value)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: cpm_factor: must be a finite number in [0.01, 100]")
    assert done.stderr.count("\n") == 1
    assert settled(show(opened)) == before


def test_opening_again_keeps_the_accounts_and_reset_restores_them(opened: Path) -> None:
    kiki(opened, "sandbox", "shock", "acme", "meta", "--cpm", "2")
    again = kiki(opened, "sandbox", "open", "acme")
    assert again.stdout.strip() == "acme already has sandbox ad accounts: nothing changed"
    accounts = show(opened)["accounts"]
    assert isinstance(accounts, list)
    assert accounts[0]["cpm_factor"] == 2.0
    assert kiki(opened, "sandbox", "reset", "acme").returncode == 0
    accounts = show(opened)["accounts"]
    assert isinstance(accounts, list)
    assert accounts[0]["cpm_factor"] == 1.0


def test_an_outage_from_one_process_is_felt_by_the_next_until_healed(opened: Path) -> None:
    assert kiki(opened, "sandbox", "outage", "google", "--operation", "read").returncode == 0
    dry = kiki(opened, "optimize", "--client", "acme", "--dry-run", "--json")
    assert "PLATFORM_GOOGLE" in json.loads(dry.stdout)["errors"]
    assert kiki(opened, "sandbox", "heal").returncode == 0
    dry = kiki(opened, "optimize", "--client", "acme", "--dry-run", "--json")
    assert json.loads(dry.stdout)["errors"] == {}


def test_campaigns_are_listed_paused_and_resumed_by_hand(opened: Path) -> None:
    listed = json.loads(kiki(opened, "campaigns", "list", "--client", "acme", "--json").stdout)
    assert len(listed) == 6
    first = listed[0]
    assert set(first) == {
        "campaign_id",
        "client_id",
        "platform",
        "name",
        "status",
        "pause_reason",
        "daily_budget",
        "daily_budget_micros",
        "bid_strategy",
        "bid_micros",
        "created_at",
        "projection",
    }
    assert first["projection"] is None  # opened with the sandbox, not launched through the gate
    paused = kiki(opened, "campaigns", "pause", first["campaign_id"], "--reason", "review")
    assert paused.returncode == 0, paused.stderr
    again = json.loads(kiki(opened, "campaigns", "list", "--client", "acme", "--json").stdout)
    assert (again[0]["status"], again[0]["pause_reason"]) == ("PAUSED", "MANUAL")
    assert kiki(opened, "campaigns", "resume", first["campaign_id"]).returncode == 0
    trail = json.loads(kiki(opened, "audit", "list", "--client", "acme", "--json").stdout)
    assert [e["event_type"] for e in trail] == ["CAMPAIGN_PAUSED", "CAMPAIGN_RESUMED"]


def test_an_unknown_campaign_or_client_exits_3(opened: Path) -> None:
    done = kiki(opened, "campaigns", "pause", "no-such-campaign")
    assert (done.returncode, done.stderr) == (3, "error: no campaign 'no-such-campaign'\n")
    done = kiki(opened, "sandbox", "show", "nobody")
    assert done.returncode == 3


def test_an_unknown_platform_adapter_is_a_configuration_error(tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603  # our own CLI
        [*_python_kiki(), "ledger", "list"],
        cwd=tmp_path,
        env={**_env(tmp_path), "KIKI_PLATFORMS": "myspace"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 4
    assert done.stderr.startswith("error: platforms (KIKI_PLATFORMS): unknown adapter 'myspace'")


def _python_kiki() -> list[str]:
    import sys

    return [sys.executable, "-m", "kiki"]


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("KIKI_")},
        "KIKI_DATA_DIR": str(tmp_path / "data"),
    }
