"""The Ledger port: append-only transfers, read back in order."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kiki.syncledger.fencing import Lease
from kiki.syncledger.ledger import Transfer


class Ledger(Protocol):
    def record(self, transfer: Transfer, *, fence: Lease | None = None) -> bool:
        """Append ``transfer``; False if the same transfer is already there (a retry).

        With ``fence``, the write happens only while that lease is the client's current one
        (FencedOutError otherwise), checked in the same transaction. Raises
        TransferConflictError if its id is taken by a different transfer.
        """
        ...

    def transfers(
        self,
        *,
        client_id: str | None = None,
        since: datetime | None = None,
        shift_id: str | None = None,
        reconciling: bool = False,
    ) -> list[Transfer]:
        """Transfers in recording order; optionally one client's, at or after ``since``, of
        one shift; with ``reconciling`` only what ``reconciling_view`` keeps of them (what
        the reconciler needs: a handful, however long the history)."""
        ...
