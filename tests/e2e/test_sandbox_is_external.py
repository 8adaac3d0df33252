"""The sandbox behaves like an external platform: its state is durable and shared.

A shock made by the CLI in another process reaches a running ``kiki serve``; after the server is
killed with SIGKILL mid-run, the sandbox's budgets and the ledger still agree for every client.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.accounts import demo_accounts
from tests.e2e.service import environment, kiki, running_service

CLIENTS = [f"shop-{i}" for i in range(5)]
FAST = {
    "KIKI_CHECK_INTERVAL_S": "1",
    "KIKI_CAC_WINDOW_S": "5",  # a shock shows in CAC within seconds
    "KIKI_SHIFT_COOLDOWN_S": "0",
}


def ledger(env: dict[str, str], tmp: Path) -> list[dict[str, object]]:
    return json.loads(kiki(env, tmp, "ledger", "list", "--json"))  # type: ignore[no-any-return]


def test_a_cli_shock_reaches_the_server_and_a_kill_loses_nothing(tmp_path: Path) -> None:
    env = environment(tmp_path / "data", **FAST)
    with running_service(tmp_path, {"acme": CLIENTS}, **FAST) as service:
        for client in CLIENTS:
            kiki(env, tmp_path, "sandbox", "shock", client, "meta", "--cpm", "5")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            shifted = {s["client_id"] for s in ledger(env, tmp_path) if s["status"] == "APPLIED"}
            if shifted == set(CLIENTS):
                break
            time.sleep(0.5)
        assert shifted == set(CLIENTS), "the server never saw the CLI's shock"
        for client in CLIENTS:
            kiki(env, tmp_path, "sandbox", "shock", client, "google", "--cvr", "0.2")
        time.sleep(2.5)  # mid-run: cycles every second, shifting Google's budget now
        service.process.kill()
        service.process.wait()

    opening = {p.value: spec.daily_budget.micros for p, spec in demo_accounts().items()}
    moved: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for shift in ledger(env, tmp_path):
        assert shift["status"] in {"APPLIED", "ROLLED_BACK"}, shift
        if shift["status"] == "APPLIED":
            amount = int(shift["amount_micros"])  # type: ignore[call-overload]
            moved[str(shift["client_id"])][str(shift["from"])] -= amount
            moved[str(shift["client_id"])][str(shift["to"])] += amount
    for client in CLIENTS:
        shown = json.loads(kiki(env, tmp_path, "sandbox", "show", client, "--json"))
        budgets = {a["platform"]: a["daily_budget_micros"] for a in shown["accounts"]}
        expected = {p: opening[p] + moved[client][p] for p in opening}
        assert budgets == expected, client
        assert sum(budgets.values()) == sum(opening.values())
        assert budgets[Platform.META.value] < opening[Platform.META.value]
    assert Money(sum(opening.values())) == Money(2_500_000_000)
