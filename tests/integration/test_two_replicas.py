"""Two ``kiki serve`` replicas racing on one PostgreSQL (and Redis) over the same 100 sandbox
clients: each client's cycle runs on one replica at a time (its lease), so no client is shifted
beyond the cap and no shift is applied twice.

The cap's window (KIKI_SHIFT_WINDOW_S) is an hour, longer than the race, so within the race a
platform may give at most ``reallocation_percent`` (20 %) of its opening budget, whichever
replica moves it; both replicas cycle every 0.3 s and pick the clients in the same order.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncledger.ledger import summarize_shifts, unresolved
from tests.integration.kill9 import (
    Serve,
    build,
    environment,
    fresh_schemas,
    kiki_cli,
    open_clients,
    sandbox_budgets,
    settings_from,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

CLIENTS = 100
RACE_S = 15.0
PERCENT = 0.2


@pytest.mark.usefixtures("postgres_engine", "redis_url")
def test_two_replicas_never_exceed_the_cap_nor_apply_a_shift_twice(tmp_path: Path) -> None:
    with fresh_schemas("kiki", "sandbox") as urls:
        env = environment(
            tmp_path / "data",
            urls,
            KIKI_SHIFT_WINDOW_S="3600",
            KIKI_REALLOCATION_PERCENT=str(PERCENT),
        )
        _, clients = open_clients(
            env, CLIENTS, {Platform.META: 1.4, Platform.AMAZON: 1.8, Platform.LINKEDIN: 1.5}
        )
        opening = sandbox_budgets(env, clients)
        replicas = [Serve(env, tmp_path), Serve(env, tmp_path)]
        assert all(r.ready.wait(120) for r in replicas), "a replica did not start"
        time.sleep(RACE_S)
        assert [r.stop() for r in replicas] == [0, 0]

        listed = kiki_cli(env, tmp_path, "ledger", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        shifts = json.loads(listed.stdout)
        services = build(settings_from(env), quiet=True)
        try:
            transfers = services.ports.ledger.transfers()
        finally:
            services.close()
        now = sandbox_budgets(env, clients)

    applied = [s for s in shifts if s["status"] == "APPLIED"]
    assert len(applied) >= CLIENTS  # every client had at least one shift to race for
    assert unresolved(transfers) == []
    assert len({r.shift_id for r in summarize_shifts(transfers)}) == len(shifts)
    gave: dict[tuple[str, str], int] = defaultdict(int)
    expected = {c: dict(b) for c, b in opening.items()}
    for s in applied:
        gave[(s["client_id"], s["from"])] += s["amount_micros"]
        expected[s["client_id"]][s["from"]] -= s["amount_micros"]
        expected[s["client_id"]][s["to"]] += s["amount_micros"]
    over = {
        (client, platform): micros
        for (client, platform), micros in gave.items()
        if micros > Money(opening[client][platform]).fraction(PERCENT).micros
    }
    assert over == {}  # no platform gave more than the cap, whichever replica moved it
    assert now == expected  # nothing applied twice at a platform: opening + posted, to the micro
