"""``kiki twin calibration | tune | review`` in real processes: JSON shapes, the PNGs, an
applied threshold audited and used by the next launch, refusals, bad input and exit codes.

The history is seeded in the data directory's own database, as launches and
``kiki twin outcomes`` would have left it, ending just before the wall clock's now (the CLI
runs on the system clock).
"""

from __future__ import annotations

import functools
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiki.core.clock import SystemClock
from kiki.synctwin.testing import GateBehaviour
from kiki.testing import Harness, run_cli
from tests.unit.api.gate_history import seed_history

Run = Callable[..., subprocess.CompletedProcess[str]]
PNG = b"\x89PNG\r\n\x1a\n"
STRATEGY = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 60000, "monthly_ad_spend": 20000}


def seeded(tmp: Path, clients: dict[str, int], *, seed: int = 3) -> Run:
    """Sandbox accounts for each client and ``n`` synthetic decisions with outcomes."""
    run = functools.partial(run_cli, tmp)
    for client in clients:
        assert run("sandbox", "open", client).returncode == 0
    data = tmp / "data"
    h = Harness.build(data, sandbox_url=f"sqlite:///{data / 'sandbox.sqlite3'}")
    try:
        for i, (client, n) in enumerate(clients.items()):
            seed_history(
                h.services,
                client,
                n=n,
                behaviour=GateBehaviour.OPTIMISTIC,
                seed=seed + i,
                until=SystemClock().now(),
            )
    finally:
        h.close()
    return run


def body(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """Two clients' histories, read but never changed by the tests that share it."""
    tmp = tmp_path_factory.mktemp("fleet")
    return seeded(tmp, {"acme": 300, "globex": 120}), tmp


def test_calibration_as_json_and_as_a_reliability_diagram(fleet: tuple[Run, Path]) -> None:
    run, tmp = fleet
    png = tmp / "calibration.png"
    report = body(run("twin", "calibration", "--json", "--plot", str(png)))
    assert set(report) == {"overall", "clients"}
    assert [c["client_id"] for c in report["clients"]] == ["acme", "globex"]
    overall = report["overall"]
    assert overall["client_id"] is None
    assert overall["outcomes"] == sum(c["outcomes"] for c in report["clients"])
    assert len(overall["bins"]) == 10
    assert overall["miscalibrated"] is True  # the optimistic gate: stated 0.7, true 0.34
    assert {"brier_score", "log_loss", "expected_calibration_error"} <= set(overall)
    assert png.read_bytes()[:8] == PNG

    text = run("twin", "calibration", "--client", "acme")
    assert text.returncode == 0, text.stderr
    assert "reliability of the gate's confidence · acme" in text.stdout
    assert "MISCALIBRATED" in text.stdout
    only = body(run("twin", "calibration", "--client", "acme", "--json"))
    assert only["overall"]["outcomes"] == report["clients"][0]["outcomes"]


def test_tuning_as_json_and_as_a_sweep_plot_changes_nothing(fleet: tuple[Run, Path]) -> None:
    run, tmp = fleet
    png = tmp / "tune.png"
    tuning = body(run("twin", "tune", "--client", "acme", "--json", "--plot", str(png)))
    assert tuning["scope"] == "acme"
    assert tuning["status"] == "PROPOSED"
    assert tuning["previous_threshold"] == 0.85
    assert tuning["threshold"] == tuning["recommended"]["threshold"]
    assert tuning["minimum"] == {"profitable": 73, "losing": 35}
    candidates = tuning["candidates"]
    assert [c["threshold"] for c in candidates] == sorted(c["threshold"] for c in candidates)
    best = max((c for c in candidates if c["meets_targets"]), key=lambda c: c["net_micros"])
    assert best["threshold"] == tuning["threshold"]
    assert png.read_bytes()[:8] == PNG

    text = run("twin", "tune", "--client", "acme")
    assert "PROPOSED: apply it with `kiki twin tune --client acme --apply`" in text.stdout
    assert body(run("audit", "list", "--json")) == []

    fleetwide = body(run("twin", "tune", "--json"))
    assert fleetwide["scope"] == "*"
    assert fleetwide["outcomes"] > tuning["outcomes"]


def test_the_review_lists_the_periods_rejections_with_their_shadow_outcomes(
    fleet: tuple[Run, Path],
) -> None:
    run, _ = fleet
    review = body(run("twin", "review", "--since", "3d", "--client", "acme", "--json"))
    assert review["client_id"] == "acme"
    assert review["rejected"], "the last three days hold rejections"
    assert {r["shadow_verdict"] for r in review["rejected"]} <= {
        "FALSE_NEGATIVE",
        "TRUE_NEGATIVE",
        "AWAITING_OUTCOME",
    }
    first = review["rejected"][0]
    assert set(first) >= {"confidence", "risk_profile", "projected_net_profit_uplift"}
    assert review["summary"]["rejected"] == len(review["rejected"])
    assert review["trailing"]["targets"] == {
        "false_negative_rate": 0.05,
        "false_positive_rate": 0.1,
    }
    assert review["alert"] is bool(review["alert_reasons"])

    text = run("twin", "review", "--client", "acme", "--since", "3d")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("weekly review of acme · rejected ")
    assert "trailing 28 days: false-negative rate" in text.stdout


def test_apply_audits_the_change_and_the_next_launch_uses_the_stored_threshold(
    tmp_path: Path,
) -> None:
    run = seeded(tmp_path, {"acme": 300})
    applied = body(run("twin", "tune", "--client", "acme", "--apply", "--json"))
    assert applied["status"] == "APPLIED"
    assert "candidates" not in applied
    threshold = applied["threshold"]
    assert threshold != 0.85

    [event] = body(run("audit", "list", "--client", "acme", "--json"))
    assert event["event_type"] == "GATE_THRESHOLD_CHANGED"
    assert event["reason"] == f"0.85 -> {threshold}"
    assert event["metadata"]["threshold"] == threshold
    assert event["metadata"]["outcomes"] == applied["outcomes"]
    assert run("audit", "verify").returncode == 0

    (tmp_path / "b.json").write_text(json.dumps(BASELINE))
    (tmp_path / "s.json").write_text(json.dumps(STRATEGY))
    assert run("twin", "baseline", "--client", "acme", "--baseline", "b.json").returncode == 0
    launch = ("twin", "launch", "--client", "acme", "--strategy", "s.json", "--json")
    launched = body(run(*launch, "--allow-duplicate"))  # the history holds this strategy
    assert launched["threshold"] == threshold

    again = body(run("twin", "tune", "--client", "acme", "--apply", "--json"))
    assert (again["status"], again["previous_threshold"]) == ("UNCHANGED", threshold)


def test_apply_refuses_on_too_few_outcomes_with_exit_1_and_changes_nothing(
    tmp_path: Path,
) -> None:
    run = seeded(tmp_path, {"acme": 60})
    done = run("twin", "tune", "--client", "acme", "--apply")
    assert done.returncode == 1
    assert done.stderr.startswith("error: not applied: no recommendation: ")
    assert "73 needed" in done.stderr
    assert done.stderr.count("\n") == 1
    assert "REFUSED: the threshold in force stays" in done.stdout
    assert body(run("audit", "list", "--json")) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("review", "--since", "7x"), 2, "error: --since: must be a duration such as 7d"),
        (("review", "--since", "2999-01-01"), 2, "error: --since: must be before now"),
        (("calibration", "--plot", "calibration.svg"), 2, "error: --plot: must name a .png"),
        (("tune", "--plot", "nowhere/tune.png"), 2, "error: --plot: no such folder"),
        (("tune", "--client", "Not A Client!"), 2, "error: --client:"),
        (("review", "--client", "nobody"), 3, "error: no sandbox ad accounts for client"),
    ],
)
def test_bad_input_is_one_line_with_its_exit_code(
    fleet: tuple[Run, Path], args: tuple[str, ...], code: int, message: str
) -> None:
    run, _ = fleet
    done = run("twin", *args)
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""
