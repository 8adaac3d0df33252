"""A client with imported history: the optimiser and the gate run on SyncValue's numbers."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

from kiki.core.clock import SystemClock
from kiki.testing import run_cli


def kiki(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


def test_optimizer_and_gate_take_ltv_cac_and_baseline_from_imported_data(tmp_path: Path) -> None:
    day = (SystemClock().now() - timedelta(days=10)).date().isoformat()
    meta, tiktok = ["c1", "c2", "c3", "c4"], ["c5", "c6"]
    (tmp_path / "customers.csv").write_text(
        "customer_id,platform,acquired_at\n"
        + "".join(f"{c},meta,{day}\n" for c in meta)
        + "".join(f"{c},tiktok,{day}\n" for c in tiktok)
    )
    (tmp_path / "orders.csv").write_text(
        "customer_id,ordered_at,amount\n"
        + "".join(f"{c},{day},100\n" for c in meta)
        + "".join(f"{c},{day},300\n" for c in tiktok)
    )
    (tmp_path / "spend.csv").write_text(f"date,platform,spend\n{day},meta,200\n{day},tiktok,100\n")
    for kind in ("customers", "orders", "spend"):
        assert kiki(tmp_path, "import", kind, f"{kind}.csv", "--client", "acme").returncode == 0
    assert kiki(tmp_path, "sandbox", "open", "acme").returncode == 0

    plan = json.loads(kiki(tmp_path, "optimize", "--client", "acme", "--dry-run", "--json").stdout)
    # LTV = revenue / cohort, CAC = spend / cohort: Meta 400/4 and 200/4, TikTok 600/2 and 100/2.
    assert [(p["platform"], p["ltv"], p["cac"], p["efficiency"]) for p in plan["platforms"]] == [
        ("PLATFORM_META", 100.0, 50.0, 2.0),
        ("PLATFORM_TIKTOK", 300.0, 50.0, 6.0),
    ]
    assert plan["left_out"] == [
        "PLATFORM_GOOGLE",
        "PLATFORM_LINKEDIN",
        "PLATFORM_AMAZON",
        "PLATFORM_MICROSOFT",
    ]
    assert [(s["from"], s["to"], s["amount"]) for s in plan["shifts"]] == [
        ("PLATFORM_META", "PLATFORM_TIKTOK", 100.0)
    ]

    (tmp_path / "s.json").write_text('{"audience_size": 10000, "cvr": 0.02, "daily_budget": 50}')
    launch = kiki(tmp_path, "twin", "launch", "--client", "acme", "--strategy", "s.json")
    assert launch.returncode == 0, launch.stderr
    # 200 conversions x SyncValue's order value $1,000 / 6 orders = $33,333.33 a month.
    assert "projected 30-day revenue $33,333.33" in launch.stdout


def test_a_client_without_imported_data_keeps_the_sandbox_and_needs_a_recorded_baseline(
    tmp_path: Path,
) -> None:
    kiki(tmp_path, "sandbox", "open", "acme")
    plan = json.loads(kiki(tmp_path, "optimize", "--client", "acme", "--dry-run", "--json").stdout)
    assert [p["ltv"] for p in plan["platforms"]] == [450.0, 480.0, 420.0, 900.0, 420.0, 480.0]
    (tmp_path / "s.json").write_text('{"audience_size": 10000, "cvr": 0.02, "daily_budget": 50}')
    launch = kiki(tmp_path, "twin", "launch", "--client", "acme", "--strategy", "s.json")
    assert launch.returncode == 3
    assert "no baseline known for client 'acme'" in launch.stderr
