"""The sandbox's LTV source: the average customer value each simulated platform acquires."""

from __future__ import annotations

from datetime import datetime

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.sandbox import SandboxMarket


class SandboxValueSource:
    """Implements SyncFlow's ValueSource from the sandbox market's account models."""

    def __init__(self, market: SandboxMarket) -> None:
        self._market = market

    def platform_ltv(
        self,
        client_id: str,
        platform: Platform,
        *,
        lookback_days: int,  # noqa: ARG002  # the sandbox's LTV does not age
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return self._market.ltv(client_id, platform)

    def platform_cac(
        self,
        client_id: str,  # noqa: ARG002  # the sandbox reports CAC through its gateway instead
        platform: Platform,  # noqa: ARG002
        *,
        lookback_days: int,  # noqa: ARG002
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return None
