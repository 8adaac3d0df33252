"""The csv adapter from the command line: a change is requested, said so, exit 1, and done
only once the platform's next export shows it."""

from __future__ import annotations

from pathlib import Path

from kiki.core.clock import SystemClock
from kiki.core.platform import Platform
from kiki.testing import run_cli
from kiki.testing.platforms.csv_desk import CsvDesk
from kiki.testing.platforms.market import FakeMarket


def test_a_pause_through_csv_is_requested_then_confirmed_by_the_next_export(
    tmp_path: Path,
) -> None:
    market = FakeMarket(SystemClock())
    market.open("acme", {Platform.TIKTOK: "acme-tiktok"})
    desk = CsvDesk(market, exports_dir=tmp_path / "exports", changes_dir=tmp_path / "changes")
    desk.export("acme", Platform.TIKTOK, "acme-tiktok")
    env = {f"KIKI_{k.upper()}": str(v) for k, v in desk.settings().items()}
    connect = ("platforms", "connect", "acme", "tiktok", "--adapter", "csv")
    done = run_cli(tmp_path, *connect, "--account", "acme-tiktok", env=env)
    assert done.returncode == 0, done.stderr
    listed = run_cli(tmp_path, "campaigns", "list", "--client", "acme", env=env)
    assert listed.returncode == 0, listed.stderr
    [campaign_id] = [w for w in listed.stdout.split() if w.isdigit() and len(w) > 10]

    asked = run_cli(tmp_path, "campaigns", "pause", campaign_id, env=env)
    assert asked.returncode == 1
    assert "change requested, not yet confirmed" in asked.stderr
    assert "status ACTIVE → PAUSED" in asked.stderr
    changes = (tmp_path / "changes" / "tiktok" / "acme-tiktok.csv").read_text()
    assert ",status,ACTIVE,PAUSED,MANUAL," in changes

    desk.upload("acme", Platform.TIKTOK, "acme-tiktok")  # a person uploads; a new export
    confirmed = run_cli(tmp_path, "campaigns", "pause", campaign_id, env=env)
    assert confirmed.returncode == 0, confirmed.stderr
    assert f"paused {campaign_id}" in confirmed.stdout
