"""SandboxValues: the optimiser's ValueSource read from the sandbox's account specs."""

from __future__ import annotations

from datetime import datetime

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox.store import SandboxStore


class SandboxValues:
    """Implements SyncFlow's ValueSource: the LTV of a sandbox account's customers does not age,
    and its CAC comes through the gateway's readings instead."""

    def __init__(self, store: SandboxStore) -> None:
        self._store = store

    def platform_ltv(
        self,
        client_id: str,
        platform: Platform,
        *,
        lookback_days: int,  # noqa: ARG002  # the sandbox's LTV does not age
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        """The account spec's LTV; None when the client has no account on ``platform``."""
        with self._store.transaction(client_id) as tx:
            account = tx.state().account(platform)
        return None if account is None else account.spec.ltv

    def platform_cac(
        self,
        client_id: str,  # noqa: ARG002  # the sandbox reports CAC through its gateway
        platform: Platform,  # noqa: ARG002
        *,
        lookback_days: int,  # noqa: ARG002
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return None
