"""A cycle's fence: before each platform call and ledger write, is the lease still ours?"""

from __future__ import annotations

from dataclasses import dataclass

from kiki.core.clock import Clock
from kiki.syncflow.ports import CycleLeases
from kiki.syncledger.errors import FencedOutError
from kiki.syncledger.fencing import Lease


@dataclass(frozen=True, slots=True)
class Fence:
    """Checks ``lease`` against ``leases``; without a lease (a test driving one shift by hand)
    it lets everything through."""

    lease: Lease | None = None
    leases: CycleLeases | None = None
    clock: Clock | None = None

    def check(self) -> None:
        """FencedOutError once the lease expired or moved to another holder: a process that
        stalled past its lease must not call a platform any more."""
        if self.lease is None or self.leases is None or self.clock is None:
            return
        if not self.leases.holds(self.lease, now=self.clock.now()):
            raise FencedOutError(
                f"the cycle lease of {self.lease.client_id!r} was lost; stopping before acting"
            )
