"""``kiki twin`` end to end in a subprocess: outputs, files written (or not) and exit codes."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kiki.testing import run_cli

DATA = Path(__file__).parents[1] / "unit" / "synctwin" / "data"
GOOD = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800}
LOSING = {"audience_size": 20_000, "cvr": 0.02, "daily_budget": 800}
Run = Callable[..., subprocess.CompletedProcess[str]]
BASELINE = {"avg_order_value": 85, "monthly_revenue": 60000, "monthly_ad_spend": 20000}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return functools.partial(run_cli, tmp_path)


def write(path: Path, body: object) -> str:
    path.write_text(json.dumps(body))
    return str(path)


def test_simulate_prints_the_seeds_result_as_json(run: Run, tmp_path: Path) -> None:
    s, b = write(tmp_path / "s.json", GOOD), write(tmp_path / "b.json", BASELINE)
    done = run("twin", "simulate", "--strategy", s, "--baseline", b, "--seed", "42", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["confidence_score"] == 0.988
    assert body["simulation_details"]["positive_outcomes"] == 9879
    assert (body["approved"], body["seed"], body["risk_profile"]) == (True, 42, "LOW")
    assert not (tmp_path / "data").exists()  # simulate writes nothing


def test_simulate_verdict_and_plot(run: Run, tmp_path: Path) -> None:
    s, b = write(tmp_path / "s.json", LOSING), write(tmp_path / "b.json", BASELINE)
    png = tmp_path / "uplift.png"
    done = run(
        "twin", "simulate", "--strategy", s, "--baseline", b, "--seed", "1", "--plot", str(png)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "REJECTED · ConfidenceScore 0.000 (approves above 0.85) · risk CRITICAL"
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        ({**GOOD, "cvr": 1.5}, "error: strategy.cvr: must be in (0, 1]"),
        (
            {**GOOD, "audience_size": -3},
            "error: strategy.audience_size: must be a positive integer",
        ),
        ({**GOOD, "daily_budget": "NaN"}, "error: strategy.daily_budget: must be finite"),
        ("not json {", "error: --strategy:"),
    ],
)
def test_bad_input_is_one_line_naming_the_field_with_exit_2(
    run: Run, tmp_path: Path, strategy: object, message: str
) -> None:
    s = tmp_path / "s.json"
    if isinstance(strategy, str):
        s.write_text(strategy)
    else:
        write(s, strategy)
    b = write(tmp_path / "b.json", BASELINE)
    done = run("twin", "simulate", "--strategy", str(s), "--baseline", b)
    assert done.returncode == 2
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_launch_needs_a_baseline_then_approves_and_rejects(run: Run, tmp_path: Path) -> None:
    good, losing = write(tmp_path / "g.json", GOOD), write(tmp_path / "l.json", LOSING)
    b = write(tmp_path / "b.json", BASELINE)
    assert run("sandbox", "open", "acme").returncode == 0

    none = run("twin", "launch", "--client", "acme", "--strategy", good)
    assert none.returncode == 3
    assert "no baseline known for client 'acme'" in none.stderr

    assert run("twin", "baseline", "--client", "acme", "--baseline", b).returncode == 0
    approved = run("twin", "launch", "--client", "acme", "--strategy", good, "--json")
    assert approved.returncode == 0, approved.stderr
    body = json.loads(approved.stdout)
    assert body["approved"] is True
    assert body["campaign_id"].startswith("sbx-")

    rejected = run("twin", "launch", "--client", "acme", "--strategy", losing)
    assert rejected.returncode == 1
    assert rejected.stderr.startswith(
        "error: SyncTwin simulation rejected this campaign. ConfidenceScore: 0.0, "
        "Projected Net Profit: $-"
    )

    trail = json.loads(run("audit", "list", "--json").stdout)
    assert [e["event_type"] for e in trail] == [
        "TWIN_BASELINE_RECORDED",
        "CAMPAIGN_APPROVED",
        "CAMPAIGN_REJECTED",
    ]
    assert trail[2]["reason"] == "SYNCTWIN_NEGATIVE_FORECAST"
    assert run("audit", "verify").returncode == 0
    sandbox = json.loads(run("sandbox", "show", "acme", "--json").stdout)
    launched = [c for c in sandbox["campaigns"] if not c["name"].endswith("always-on")]
    assert [c["campaign_id"] for c in launched] == [body["campaign_id"]]
    listed = json.loads(run("campaigns", "list", "--client", "acme", "--json").stdout)
    assert body["campaign_id"] in [c["campaign_id"] for c in listed]


def test_outcomes_feed_the_shadow_report(run: Run, tmp_path: Path) -> None:
    good, losing = write(tmp_path / "g.json", GOOD), write(tmp_path / "l.json", LOSING)
    run("sandbox", "open", "acme")
    run("twin", "baseline", "--client", "acme", "--baseline", write(tmp_path / "b.json", BASELINE))
    approved = json.loads(
        run("twin", "launch", "--client", "acme", "--strategy", good, "--json").stdout
    )
    rejected = json.loads(
        run("twin", "launch", "--client", "acme", "--strategy", losing, "--json").stdout
    )
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "decision_id,actual_net_profit\n"
        f"{approved['decision_id']},-150.00\n"
        f"{rejected['decision_id']},-28000\n"
    )
    done = run("twin", "outcomes", str(outcomes), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["imported"] == 2
    assert (report["false_positives"], report["true_negatives"]) == (1, 1)
    assert (report["false_positive_rate"], report["false_negative_rate"]) == (0.5, None)


def test_backtest_of_the_seeds_ten_campaigns_gets_all_of_them_right(
    run: Run, tmp_path: Path
) -> None:
    csv_file = shutil.copy(DATA / "historical_campaigns.csv", tmp_path / "history.csv")
    done = run("twin", "backtest", str(csv_file), "--seed", "2026")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:5] == [
        "10 campaigns · threshold > 0.85 · seed 2026",
        "                     profitable   lost money",
        "  approved                    5            0",
        "  rejected                    0            5",
        "false-negative rate 0.0% (target < 5%) · false-positive rate 0.0% (target < 10%) · "
        "targets met",
    ]
    assert lines[5] == "confidence threshold meeting both targets: > 0.850"


def test_backtest_names_the_line_and_column_of_a_bad_row(run: Run, tmp_path: Path) -> None:
    rows = (DATA / "historical_campaigns.csv").read_text().splitlines()
    rows[3] = rows[3].replace(",0.045,", ",4.5,")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(rows))
    done = run("twin", "backtest", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == "error: line 4: cvr: must be in (0, 1]"
