"""The command line tells the truth (issue #14): each answer checked in a real ``kiki``
process for its exit code, its message, and that nothing changed when it refused."""

from __future__ import annotations

import functools
import json
import subprocess
from collections.abc import Callable
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
