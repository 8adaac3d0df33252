"""``kiki platforms`` as a user runs it, against the three fakes on loopback: connect, list,
check (what each account holds, or one line saying why not), disconnect. No token used ever
shows in the output. Google is reached through the SDK's own channel, trusting the fake's CA
by GRPC_DEFAULT_SSL_ROOTS_FILE_PATH as a deployment behind a private CA would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiki.core.clock import SystemClock
from kiki.core.platform import Platform
from kiki.testing import run_cli
from kiki.testing.platforms.market import FakeMarket
from kiki.testing.platforms.servers import FakePlatforms


@pytest.fixture
def fakes(tmp_path: Path) -> Iterator[FakePlatforms]:
    with FakePlatforms(FakeMarket(SystemClock()), workdir=tmp_path / "fakes") as started:
        yield started


def environment(fakes: FakePlatforms) -> dict[str, str]:
    env = fakes.environment()
    del env["KIKI_GOOGLE_ADS_ROOT_CERTS"]  # the SDK's own channel, trusting the process roots
    return env | {"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH": str(fakes.ca_path)}


def test_connect_list_check_and_disconnect_a_clients_live_accounts(
    fakes: FakePlatforms, tmp_path: Path
) -> None:
    env = environment(fakes)
    accounts = fakes.open("acme")
    outputs = []
    for platform, name in [(Platform.META, "meta"), (Platform.GOOGLE, "google")]:
        done = run_cli(
            tmp_path, "platforms", "connect", "acme", name, "--account", accounts[platform], env=env
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done)
    ms = accounts[Platform.MICROSOFT]
    done = run_cli(tmp_path, "platforms", "connect", "acme", "microsoft", "--account", ms, env=env)
    assert "connected acme Microsoft to account" in done.stdout

    listed = run_cli(tmp_path, "platforms", "list", "--json", env=env)
    rows = json.loads(listed.stdout)
    assert [(r["platform"], r["adapter"]) for r in rows] == [
        ("PLATFORM_META", "meta"),
        ("PLATFORM_GOOGLE", "google"),
        ("PLATFORM_MICROSOFT", "microsoft"),
    ]

    checked = run_cli(tmp_path, "platforms", "check", "acme", "--json", env=env)
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    budgets = {a["platform"]: a["daily_budget_micros"] for a in report["accounts"]}
    assert budgets == {
        "PLATFORM_META": 500_000_000,
        "PLATFORM_GOOGLE": 600_000_000,
        "PLATFORM_MICROSOFT": 250_000_000,
    }
    assert all(a["campaigns"] == 1 and a["active_campaigns"] == 1 for a in report["accounts"])

    fakes.market.scenario.expire_tokens(Platform.META)
    fakes.market.sandbox.fail(Platform.MICROSOFT, "read")
    failing = run_cli(
        tmp_path, "platforms", "check", "acme", env=env | {"KIKI_PLATFORM_RETRY_ATTEMPTS": "2"}
    )
    lines = failing.stdout.splitlines()
    assert failing.returncode == 1
    assert lines[0].startswith(f"Meta (meta, account {accounts[Platform.META]}): bad token:")
    assert "renew the access token" in lines[0]
    assert lines[1].startswith("Google (google, account")
    assert "budget $600/day" in lines[1]
    assert lines[2].startswith("Microsoft (microsoft, account")
    assert "unreachable:" in lines[2]

    gone = run_cli(tmp_path, "platforms", "disconnect", "acme", "meta", env=env)
    assert gone.stdout.strip() == "disconnected acme Meta (meta)"
    again = run_cli(tmp_path, "platforms", "disconnect", "acme", "meta", env=env)
    assert again.returncode == 3

    everything = "".join(
        o.stdout + o.stderr for o in [*outputs, listed, checked, failing, gone, again]
    )
    for token in fakes.tokens():
        assert token not in everything


def test_a_bad_account_or_adapter_is_refused_naming_the_field(tmp_path: Path) -> None:
    wrong_platform = run_cli(
        tmp_path, "platforms", "connect", "acme", "google", "--adapter", "meta", "--account", "1"
    )
    assert wrong_platform.returncode == 2
    assert "platform: the meta adapter serves PLATFORM_META only" in wrong_platform.stderr
    bad_account = run_cli(tmp_path, "platforms", "connect", "acme", "google", "--account", "12-34")
    assert bad_account.returncode == 2
    assert "account: must be 10 digits" in bad_account.stderr
    unknown = run_cli(
        tmp_path, "platforms", "connect", "acme", "meta", "--adapter", "nope", "--account", "1"
    )
    assert unknown.returncode == 2
    assert "adapter: unknown adapter 'nope'" in unknown.stderr
    assert json.loads(run_cli(tmp_path, "platforms", "list", "--json").stdout) == []
