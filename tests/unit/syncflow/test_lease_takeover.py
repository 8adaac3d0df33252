"""A replica that stalls mid-shift past its lease, while another replica takes the client over.

Two applications share one ledger database and the same platforms (two ``kiki serve`` on one
PostgreSQL, as far as the money path goes). Replica A stalls right after one of its platform
calls; its lease runs out, its grace passes, and replica B runs the client's cycle: B first
reconciles A's pending shift from the platforms' budgets. When A wakes up it must neither call
a platform nor write the ledger again (fencing), and the money must be where the ledger says.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.application.services import Services
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.ports import PlatformGateway
from kiki.syncflow.domain.client_state import ClientState
from kiki.syncledger.errors import FencedOutError
from kiki.syncledger.ledger import balances, budget_account
from kiki.testing import Harness

LEASE_S = 60.0
GRACE_S = 5.0
CLIENT = "acme"


class Stalls:
    """A's gateway: after its ``stall_after``-th budget change, A stalls while B takes over
    (the clock passes A's lease and grace, then B's cycle runs); later calls are counted."""

    def __init__(self, inner: PlatformGateway, stall_after: int, takeover: object) -> None:
        self._inner = inner
        self._stall_after = stall_after
        self._takeover = takeover
        self.sets = 0

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        self.sets += 1
        self._inner.set_daily_budget(client_id, platform, budget)
        if self.sets == self._stall_after:
            self._takeover()  # type: ignore[operator]

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def replica(tmp_path: Path, clock: VirtualClock, store: InMemorySandboxStore) -> Harness:
    return Harness.build(
        tmp_path,
        database_url=f"sqlite:///{tmp_path}/kiki.sqlite3",
        clock=clock,
        sandbox_store=store,
        cycle_lock_ttl_s=LEASE_S,
        lease_grace_s=GRACE_S,
    )


@pytest.mark.parametrize(
    ("stall_after", "b_finds"),
    [(1, "ROLLED_BACK"), (2, "APPLIED")],
    ids=["after-the-source-was-lowered", "after-the-destination-was-raised"],
)
def test_a_replica_whose_lease_was_taken_over_mid_shift_writes_nothing_more(
    tmp_path: Path, stall_after: int, b_finds: str
) -> None:
    clock, store = VirtualClock(), InMemorySandboxStore()
    a, b = replica(tmp_path, clock, store), replica(tmp_path, clock, store)
    a.open_client(CLIENT)
    opening = a.budgets(CLIENT)
    a.sandbox.shock(CLIENT, Platform.META, cpm_factor=1.4)
    clock.advance(6 * 3600)
    b_reports = []

    def takeover() -> None:
        clock.advance(LEASE_S + GRACE_S + 1)
        b_reports.append(b.services.run_cycle(CLIENT, wait=False))

    p = a.services.ports
    stalling = Stalls(p.gateway, stall_after, takeover)
    doomed = Services(replace(p, gateway=stalling), a.services.values)  # type: ignore[arg-type]

    with pytest.raises(FencedOutError):
        doomed.run_cycle(CLIENT, wait=False)

    assert stalling.sets == stall_after  # A called no platform after it lost the lease
    first = a.shifts(CLIENT)[0]
    assert first.status.value == b_finds  # B explained A's shift from the platforms
    assert [t.shift_id for t in p.ledger.transfers()].count(first.shift_id) == 2  # once resolved
    assert b_reports[0].status.value == "COMPLETED"
    assert b.services.ports.states.get(CLIENT).state is ClientState.ACTIVE
    posted = balances(p.ledger.transfers(client_id=CLIENT))
    expected = {x: opening[x] + posted.get(budget_account(x), Money(0)) for x in opening}
    assert a.budgets(CLIENT) == expected  # to the micro: nothing moved that is not posted
    assert a.pending(CLIENT) == Money(0)
