"""The command line tells the truth (issue #14): each answer checked in a real ``kiki``
process for its exit code, its message, and that nothing changed when it refused."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from kiki.testing import run_cli

Run = Callable[..., subprocess.CompletedProcess[str]]
GOOD = {"audience_size": 50_000, "cvr": 0.02, "daily_budget": 800}
BASELINE = {"avg_order_value": 85, "monthly_revenue": 60000, "monthly_ad_spend": 20000}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return functools.partial(run_cli, tmp_path)


def write(path: Path, body: object) -> str:
    path.write_text(json.dumps(body))
    return str(path)


def one_line(text: str) -> str:
    assert text.count("\n") == 1, text
    return text.strip()


@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("KIKI_EFFICIENCY_THRESHOLD", "abc", ("ledger", "list")),
        ("KIKI_DATABASE_URL", "garbage", ("ledger", "list")),
        ("KIKI_DATA_DIR", "/proc/nope", ("ledger", "list")),
        ("KIKI_EFFICIENCY_THRESHOLD", "abc", ("demo", "--hours", "0.5")),
        ("KIKI_DATA_DIR", "/proc/nope", ("demo", "--hours", "0.5")),  # its own databases
        ("KIKI_DATABASE_URL", "garbage", ("serve", "--http-port", "0", "--grpc-port", "0")),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_with_exit_4(
    run: Run, tmp_path: Path, variable: str, value: str, command: tuple[str, ...]
) -> None:
    done = run(*command, env={variable: value})
    assert done.returncode == 4, done.stderr
    assert one_line(done.stderr).startswith(f"error: {variable}: ")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "data").exists()  # nothing was created


@pytest.mark.parametrize(
    "command",
    [
        ("ledger", "list", "--client", "nosuch"),
        ("audit", "list", "--client", "nosuch"),
        ("value", "ltv", "--client", "nosuch"),
        ("value", "baseline", "--client", "nosuch"),
        ("settings", "show", "nosuch"),
        ("twin", "decisions", "--client", "nosuch"),
        ("optimize", "--client", "nosuch", "--dry-run"),
        ("platforms", "list", "--client", "nosuch"),
        ("platforms", "check", "nosuch"),
        ("campaigns", "list", "--client", "nosuch"),
    ],
)
def test_a_read_for_an_unknown_client_exits_3_with_one_line(
    run: Run, command: tuple[str, ...]
) -> None:
    done = run(*command)
    assert done.returncode == 3, done.stderr
    line = one_line(done.stderr)
    assert line.startswith("error: ")
    assert line.endswith("client 'nosuch' (kiki clients list shows the known clients)")
    assert done.stdout == ""


DEMO_AFTER_SPIKE = [  # the demo's figures once Meta's CPMs rose 40 %: Meta 2.667x, cut-off 2.673x
    {"platform": "meta", "ltv": 450, "cac": 168.75, "daily_budget": 500},
    {"platform": "google", "ltv": 480, "cac": 150, "daily_budget": 600},
    {"platform": "tiktok", "ltv": 420, "cac": 105, "daily_budget": 400},
    {"platform": "linkedin", "ltv": 900, "cac": 300, "daily_budget": 300},
    {"platform": "amazon", "ltv": 420, "cac": 140, "daily_budget": 450},
    {"platform": "microsoft", "ltv": 480, "cac": 160, "daily_budget": 250},
]


def test_a_what_if_shows_what_would_move_and_why_with_digits_that_keep_it_true(
    run: Run, tmp_path: Path
) -> None:
    snapshot = write(tmp_path / "s.json", {"platforms": DEMO_AFTER_SPIKE})
    done = run("optimize", "--input", snapshot, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "cut-off 2.673x" in done.stdout  # at 2 decimals both read 2.67x
    assert "Meta ▼" in done.stdout
    assert "2.667x" in done.stdout
    assert "would move: Meta → TikTok $100/day (Efficiency drop:" in done.stdout
    assert not (tmp_path / "data").exists()  # a what-if writes nothing


def test_left_out_platforms_keep_their_figures_and_say_why(run: Run, tmp_path: Path) -> None:
    platforms = [
        {"platform": "meta", "ltv": 450, "cac": 0, "daily_budget": 500},
        {"platform": "google", "ltv": None, "cac": 150, "daily_budget": 600},
        {"platform": "tiktok", "ltv": 420, "cac": None, "daily_budget": 400},
        *DEMO_AFTER_SPIKE[3:],
    ]
    snapshot = write(tmp_path / "s.json", {"platforms": platforms})
    text = run("optimize", "--input", snapshot, "--dry-run")
    assert text.returncode == 0, text.stderr
    meta = next(line for line in text.stdout.splitlines() if line.startswith("│ Meta"))
    assert "│ $450 │   $0 │" in meta
    assert "left out: cac_zero" in meta
    assert "$500" in meta
    assert "left out: Google (ltv_unknown: no LTV measured for it)" in text.stdout
    assert "left out: TikTok (cac_unknown: no CAC measured for it)" in text.stdout
    body = json.loads(run("optimize", "--input", snapshot, "--dry-run", "--json").stdout)
    assert body["left_out"] == ["PLATFORM_META", "PLATFORM_GOOGLE", "PLATFORM_TIKTOK"]
    assert body["left_out_reasons"] == {
        "PLATFORM_META": "cac_zero",
        "PLATFORM_GOOGLE": "ltv_unknown",
        "PLATFORM_TIKTOK": "cac_unknown",
    }


OLD_ORDERS = (
    "customer_id,ordered_at,amount,platform\nc1,2003-06-30,30,meta\nc2,2003-05-01,20,google\n"
)


def test_with_only_old_imported_data_the_cycle_says_why_every_platform_is_left_out(
    run: Run, tmp_path: Path
) -> None:
    assert run("sandbox", "open", "acme").returncode == 0
    (tmp_path / "orders.csv").write_text(OLD_ORDERS)
    assert run("import", "orders", "orders.csv", "--client", "acme").returncode == 0
    body = json.loads(run("optimize", "--client", "acme", "--dry-run", "--json").stdout)
    assert set(body["left_out_reasons"].values()) == {"ltv_unknown"}
    assert len(body["left_out_reasons"]) == 6
    assert "no customer was acquired in the 90 days to" in body["left_out_note"]
    assert "the latest imported order is from 2003-06-30" in body["left_out_note"]
    text = run("optimize", "--client", "acme", "--dry-run")
    assert text.returncode == 0, text.stderr
    assert "why: no customer was acquired in the 90 days to" in text.stdout
    assert "the latest imported order is from 2003-06-30" in text.stdout
    assert json.loads(run("ledger", "list", "--json").stdout) == []  # a dry run moved nothing


def launched(run: Run, tmp_path: Path) -> dict[str, object]:
    assert run("sandbox", "open", "acme").returncode == 0
    b = write(tmp_path / "b.json", BASELINE)
    assert run("twin", "baseline", "--client", "acme", "--baseline", b).returncode == 0
    done = run("twin", "launch", "--client", "acme", "--strategy", write(tmp_path / "g.json", GOOD))
    assert done.returncode == 0, done.stderr
    return {"stdout": done.stdout}


def campaigns(run: Run) -> list[str]:
    listed = json.loads(run("campaigns", "list", "--client", "acme", "--json").stdout)
    return sorted(c["campaign_id"] for c in listed)


def test_launch_shows_its_decision_and_refuses_the_same_strategy_twice(
    run: Run, tmp_path: Path
) -> None:
    first = launched(run, tmp_path)
    [decision] = json.loads(run("twin", "decisions", "--client", "acme", "--json").stdout)
    assert f"(decision {decision['decision_id']})" in str(first["stdout"])
    before = campaigns(run)

    again = run("twin", "launch", "--client", "acme", "--strategy", str(tmp_path / "g.json"))
    assert again.returncode == 2
    assert one_line(again.stderr).startswith(
        f"error: --strategy: already launched for acme as campaign {decision['campaign_id']} "
    )
    assert "add --allow-duplicate" in again.stderr
    assert campaigns(run) == before  # nothing created
    assert len(json.loads(run("twin", "decisions", "--json").stdout)) == 1

    forced = run(
        "twin",
        "launch",
        "--client",
        "acme",
        "--strategy",
        str(tmp_path / "g.json"),
        "--allow-duplicate",
    )
    assert forced.returncode == 0, forced.stderr
    assert len(campaigns(run)) == len(before) + 1
    table = run("twin", "decisions")
    assert table.returncode == 0, table.stderr
    assert "gate decisions (2)" in table.stdout
    assert table.stdout.count("APPROVED") == 2


def test_outcomes_print_a_table_name_the_file_and_tell_new_from_known(
    run: Run, tmp_path: Path
) -> None:
    launched(run, tmp_path)
    [decision] = json.loads(run("twin", "decisions", "--json").stdout)
    good = tmp_path / "outcomes.csv"
    good.write_text(f"decision_id,actual_net_profit\n{decision['decision_id']},1200\n")
    first = run("twin", "outcomes", str(good))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == (
        "outcomes.csv: 1 outcomes read · 1 new · 0 already known · 0 replaced"
    )
    assert "approved" in first.stdout
    assert "false-negative rate" in first.stdout
    again = run("twin", "outcomes", str(good))
    assert again.stdout.splitlines()[0] == (
        "outcomes.csv: 1 outcomes read · 0 new · 1 already known · 0 replaced"
    )

    bad = tmp_path / "typo.csv"
    bad.write_text(f"decision_id,actual_net_profit\n{decision['decision_id']},900\nnope,5\n")
    refused = run("twin", "outcomes", str(bad))
    assert refused.returncode == 2
    assert one_line(refused.stderr) == (
        "error: typo.csv line 3: decision_id: no gate decision 'nope' (see kiki twin decisions)"
    )
    [kept] = json.loads(run("twin", "decisions", "--json").stdout)
    assert kept["actual_net_profit"] == 1200.0  # nothing of the refused file was recorded


HEAVY = ("sqlalchemy", "numpy", "fastapi", "grpc", "pydantic", "rich", "kiki.bootstrap")


def test_help_loads_nothing_heavy_and_every_command_has_an_example(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from typer.main import get_command\n"
        "from typer.testing import CliRunner\n"
        "from kiki.cli.app import app\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
        "or m == 'kiki.bootstrap')\n"
        "print('HEAVY', heavy)\n"
        "def walk(c, path):\n"
        "    if hasattr(c, 'commands'):\n"
        "        for name, sub in c.commands.items():\n"
        "            walk(sub, [*path, name])\n"
        "        return\n"
        "    out = CliRunner().invoke(app, [*path, '--help'], terminal_width=200).output\n"
        "    if 'Example: kiki ' not in out or '<bool>' in out or \"seed's\" in out:\n"
        "        print('BAD', ' '.join(path))\n"
        "walk(get_command(app), [])\n"
    )
    done = subprocess.run(  # noqa: S603  # our own interpreter and a fixed script
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
    assert "BAD" not in done.stdout, done.stdout


def test_version_prints_the_installed_version(run: Run) -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout == f"kiki {version('kiki')}\n"


def test_serve_runs_a_cycle_at_start_not_an_interval_later(tmp_path: Path) -> None:
    from tests.e2e.service import running_service  # this test only

    with running_service(tmp_path, {"acme": ["acme-shop"]}, KIKI_CHECK_INTERVAL_S="3600") as s:
        deadline = threading.Event()
        for _ in range(600):  # an hour's interval: only a pass at start can log this
            if any("cycle for acme-shop:" in line for line in s.stderr_lines):
                break
            deadline.wait(0.1)
        assert s.stop() == 0
    assert any("cycle for acme-shop: COMPLETED" in line for line in s.stderr_lines), "".join(
        s.stderr_lines
    )


def test_backtest_without_a_column_names_the_header(run: Run, tmp_path: Path) -> None:
    (tmp_path / "history.csv").write_text(
        "audience_size,cvr,daily_budget,avg_order_value,monthly_revenue,actual_net_profit\n"
        "50000,0.02,800,85,60000,100\n"
    )
    done = run("twin", "backtest", "history.csv")
    assert done.returncode == 2
    assert one_line(done.stderr).startswith(
        "error: history.csv header (line 1): no column monthly_ad_spend (the columns needed: "
    )
    assert done.stdout == ""


def test_the_plot_and_the_json_give_one_median_with_one_definition(
    run: Run, tmp_path: Path
) -> None:
    s, b = write(tmp_path / "s.json", GOOD), write(tmp_path / "b.json", BASELINE)
    args = ("twin", "simulate", "--strategy", s, "--baseline", b, "--seed", "42")
    body = json.loads(run(*args, "--json").stdout)
    median = body["simulation_details"]["median_uplift"]
    assert median == body["projected_net_profit_uplift"]
    text = run(*args).stdout
    assert f"projected net profit uplift ${median:,.2f} (median of the positive scenarios)" in text


def test_sandbox_texts_keep_cents_titles_whole_and_shocks_say_what_is_stored(
    run: Run, tmp_path: Path
) -> None:
    assert run("sandbox", "open", "acme").returncode == 0
    first = run("sandbox", "shock", "acme", "meta", "--cpm", "1.4")
    second = run("sandbox", "shock", "acme", "meta", "--cpm", "1.4")
    assert first.stdout == second.stdout  # a shock is relative to the base, not compounded
    assert "now at CPM x1.4," in second.stdout
    shown = run("sandbox", "show", "acme", "--json")
    [meta] = [a for a in json.loads(shown.stdout)["accounts"] if a["platform"] == "PLATFORM_META"]
    assert meta["cpm_factor"] == 1.4
    table = run("sandbox", "show", "acme").stdout
    assert not re.search(r"\$[\d,]+\.\d{3}", table)  # money to the cent at most
    (tmp_path / "orders.csv").write_text(OLD_ORDERS)
    assert run("import", "orders", "orders.csv", "--client", "acme").returncode == 0
    baseline = run(
        "value", "baseline", "--client", "acme", "--as-of", "2003-07-01", env={"COLUMNS": "40"}
    )
    assert baseline.returncode == 0, baseline.stderr
    assert "acme: baseline over the 90 days to 2003-07-01 00:00 UTC" in baseline.stdout


def test_a_snapshot_platform_with_an_unknown_key_is_refused_like_a_config_key(
    run: Run, tmp_path: Path
) -> None:
    platforms = [{**DEMO_AFTER_SPIKE[0], "budget": 3}, *DEMO_AFTER_SPIKE[1:]]
    done = run(
        "optimize", "--input", write(tmp_path / "s.json", {"platforms": platforms}), "--dry-run"
    )
    assert done.returncode == 2
    assert one_line(done.stderr) == "error: platforms[0].budget: is not a known field"
    config = {"platforms": DEMO_AFTER_SPIKE, "config": {"threshold": 0.2}}
    refused = run("optimize", "--input", write(tmp_path / "c.json", config), "--dry-run")
    assert refused.returncode == 2
    assert one_line(refused.stderr).startswith("error: config.threshold: is not a known")


def test_a_long_demo_runs_keeps_weekdays_and_piped_lines_whole(run: Run) -> None:
    done = run("demo", "--hours", "27", env={"COLUMNS": ""}, timeout_s=600)  # piped, no width
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.endswith("Meta CPMs spike +40 % (sandbox shock)") for line in lines)
    assert "Wed 12:00 after 324 cycles (every 5 min): " in done.stdout  # 27 h after Tue 09:00
    ledger = [line for line in lines if "· APPLIED ·" in line]
    assert ledger
    assert all(line.split()[0] in ("Tue", "Wed") for line in ledger)
    assert "24 h after the first shift its cap allows another" not in done.stdout  # long past
    assert max(len(line) for line in lines) > 80  # long lines stay whole when piped


def test_a_short_demo_claims_no_window_and_no_shift(run: Run) -> None:
    done = run("demo", "--hours", "0.5")
    assert done.returncode == 0, done.stderr
    assert "no shift was due in this run; try a longer one, e.g. --hours 3" in done.stdout
    assert "24 h" not in done.stdout
    assert "budget shifts applied: 0" in done.stdout


def test_settings_show_and_set_each_change_audited_and_bad_input_changes_nothing(
    run: Run,
) -> None:
    assert run("sandbox", "open", "acme").returncode == 0
    before = json.loads(run("settings", "show", "acme", "--json").stdout)
    assert before["efficiency_threshold"] == 0.15
    changed = run("settings", "set", "acme", "efficiency_threshold=0.25", "deny=linkedin,amazon")
    assert changed.returncode == 0, changed.stderr
    assert "efficiency_threshold: 0.25" in changed.stdout
    after = json.loads(run("settings", "show", "acme", "--json").stdout)
    assert (after["efficiency_threshold"], after["deny"]) == (
        0.25,
        ["PLATFORM_AMAZON", "PLATFORM_LINKEDIN"],
    )
    trail = json.loads(run("audit", "list", "--client", "acme", "--json").stdout)
    assert [e["event_type"] for e in trail] == ["CLIENT_SETTINGS_CHANGED"]

    refused = run("settings", "set", "acme", "threshold=0.3")
    assert refused.returncode == 2
    assert one_line(refused.stderr).startswith("error: threshold: is not a known setting (")
    also = run("settings", "set", "acme", "efficiency_threshold=2")
    assert also.returncode == 2
    assert json.loads(run("settings", "show", "acme", "--json").stdout) == after
    assert len(json.loads(run("audit", "list", "--json").stdout)) == 1


def test_settings_over_http_and_grpc_use_one_set_of_names_and_are_audited(
    tmp_path: Path,
) -> None:
    import grpc  # this test only
    import httpx

    from kiki.wire.gen import budget_optimizer_pb2 as bo
    from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
    from tests.e2e.service import environment, running_service

    clients = {"acme": ["acme-shop"], "globex": ["globex-shop"]}
    with running_service(tmp_path, clients, KIKI_CHECK_INTERVAL_S="3600") as s:
        auth = {"Authorization": f"Bearer {s.keys['acme']}"}
        with httpx.Client(base_url=s.http_url, timeout=30) as http:
            # the README's example body
            patched = http.patch(
                "/v1/clients/acme-shop/settings",
                json={"efficiency_threshold": 0.2, "deny": ["linkedin"]},
                headers={**auth, "Idempotency-Key": "readme-1"},
            )
            assert patched.status_code == 200, patched.text
        meta = (("authorization", f"Bearer {s.keys['acme']}"),)
        with grpc.insecure_channel(s.grpc_target) as channel:
            stub = bo_grpc.BudgetOptimizerServiceStub(channel)
            shown = stub.GetClientSettings(
                bo.ClientSettingsRequest(client_id="acme-shop"), metadata=meta
            )
            assert json.loads(shown.settings_json)["efficiency_threshold"] == 0.2
            changed = stub.ChangeClientSettings(
                bo.ChangeClientSettingsRequest(
                    client_id="acme-shop",
                    changes_json=json.dumps({"reallocation_percent": 0.1}),
                    idempotency_key="grpc-1",
                ),
                metadata=meta,
            )
            body = json.loads(changed.settings_json)
            assert (body["efficiency_threshold"], body["reallocation_percent"]) == (0.2, 0.1)
            with pytest.raises(grpc.RpcError) as refused:
                stub.ChangeClientSettings(
                    bo.ChangeClientSettingsRequest(
                        client_id="acme-shop",
                        changes_json=json.dumps({"threshold": 0.3}),
                        idempotency_key="grpc-2",
                    ),
                    metadata=meta,
                )
            assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
            assert "threshold" in (refused.value.details() or "")
            with pytest.raises(grpc.RpcError) as other:
                stub.GetClientSettings(
                    bo.ClientSettingsRequest(client_id="globex-shop"), metadata=meta
                )
            assert other.value.code() is grpc.StatusCode.NOT_FOUND
        assert s.stop() == 0
    env = environment(tmp_path / "data")
    trail = subprocess.run(  # our own CLI
        [sys.executable, "-m", "kiki", "audit", "list", "--client", "acme-shop", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    events = [e["event_type"] for e in json.loads(trail.stdout)]
    assert events.count("CLIENT_SETTINGS_CHANGED") == 2  # HTTP once, gRPC once, not the refusal
