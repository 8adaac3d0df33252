"""``kiki import`` and ``kiki value`` as a user runs them: real processes on a SQLite file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kiki.testing import run_cli

ORDERS = """customer_id,ordered_at,amount,platform,order_id
c1,2024-03-05,30,meta,
c1,2024-03-05,30,meta,
c2,2024-03-06T10:00:00+02:00,12.5,google,G-1
c3,2024-02-10,8,meta,
"""
SPEND = "date,platform,spend,clicks\n2024-03-05,meta,100,7\n2024-03-06,google,40,\n"


def kiki(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "orders.csv").write_text(ORDERS)
    (tmp_path / "spend.csv").write_text(SPEND)
    (tmp_path / "bad.csv").write_text("customer_id,ordered_at,amount\nc9,2024-03-07,1\nc9,x,1\n")
    return tmp_path


def test_imports_files_and_reports_ltv_and_baseline_as_json(files: Path) -> None:
    first = kiki(files, "import", "orders", "orders.csv", "--client", "acme")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "orders.csv: 4 orders rows for acme: 4 new, 0 already present"
    again = kiki(files, "import", "orders", "orders.csv", "--client", "acme")
    assert "4 orders rows for acme: 0 new, 4 already present" in again.stdout
    assert kiki(files, "import", "spend", "spend.csv", "--client", "acme").returncode == 0

    ltv = kiki(
        files,
        *("value", "ltv", "--client", "acme", "--as-of", "2024-04-01", "--lookback-days", "30"),
        *("--platform", "meta", "--json"),
    )
    assert ltv.returncode == 0, ltv.stderr
    assert json.loads(ltv.stdout) == {
        "as_of": "2024-04-01T00:00:00+00:00",
        "lookback_days": 30,
        "source": "imported",
        "platforms": [
            {
                "platform": "PLATFORM_META",
                "ltv": 60.0,
                "cac": 100.0,
                "customers": 1,
                "revenue": 60.0,
                "spend": 100.0,
            }
        ],
    }
    baseline = kiki(
        files,
        *("value", "baseline", "--client", "acme", "--as-of", "2024-04-01"),
        *("--lookback-days", "30", "--json"),
    )
    assert json.loads(baseline.stdout) == {
        "as_of": "2024-04-01T00:00:00+00:00",
        "lookback_days": 30,
        "monthly_revenue": 72.5,
        "monthly_ad_spend": 140.0,
        "avg_order_value": 24.166667,
        "orders": 3,
        # c3 bought in [01-31, 03-02) and not since.
        "baseline_churn": 1.0,
    }


def test_all_six_platforms_are_listed_with_unknown_values_as_null(files: Path) -> None:
    kiki(files, "import", "spend", "spend.csv", "--client", "acme")  # spend, but no customers
    out = kiki(files, "value", "ltv", "--client", "acme", "--as-of", "2024-04-01", "--json")
    body = json.loads(out.stdout)
    assert [p["platform"] for p in body["platforms"]] == [
        "PLATFORM_META",
        "PLATFORM_GOOGLE",
        "PLATFORM_TIKTOK",
        "PLATFORM_LINKEDIN",
        "PLATFORM_AMAZON",
        "PLATFORM_MICROSOFT",
    ]
    assert all(p["ltv"] is None and p["cac"] is None for p in body["platforms"])


def test_a_bad_row_exits_2_naming_file_and_line_and_imports_nothing(files: Path) -> None:
    bad = kiki(files, "import", "orders", "bad.csv", "--client", "acme")
    assert bad.returncode == 2
    assert "bad.csv line 3: ordered_at: 'x' is not an ISO 8601 date or date-time" in bad.stderr
    baseline = kiki(
        files, "value", "baseline", "--client", "acme", "--as-of", "2024-04-01", "--json"
    )
    assert (baseline.returncode, baseline.stdout) == (3, "")  # nothing of acme's was kept
    assert baseline.stderr.startswith("error: no sandbox ad accounts for client 'acme'")


def test_an_unknown_client_exits_3_with_one_line(files: Path) -> None:
    for command in ("ltv", "baseline"):
        out = kiki(files, "value", command, "--client", "nobody", "--json")
        assert (out.returncode, out.stdout) == (3, "")
        assert out.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("value", "ltv", "--client", "a", "--platform", "myspace"), "--platform"),
        (("value", "ltv", "--client", "a", "--lookback-days", "0"), "lookback_days"),
        (("value", "baseline", "--client", "a", "--as-of", "soon"), "--as-of"),
    ],
)
def test_bad_options_exit_2_naming_the_field(
    files: Path, args: tuple[str, ...], message: str
) -> None:
    result = kiki(files, *args)
    assert result.returncode == 2
    assert message in result.stderr
