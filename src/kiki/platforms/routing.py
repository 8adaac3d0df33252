"""RoutingGateway: each (client, platform) goes to its connection's adapter, or the default.

Adapters are built on first use (``adapter(name)``), so a process that never touches Google
never imports its SDK. The same routing serves the optimiser's fallback LTV
(``RoutingValues``): a platform's LTV comes from the adapter that serves it, so a live
platform never borrows the sandbox's model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from kiki.campaigns.domain import Bid, CampaignRef, CampaignState, PauseReason
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.connections import ConnectionLookup
from kiki.platforms.errors import UnknownClientError
from kiki.platforms.pending import PendingChange, PendingChanges
from kiki.platforms.ports import CampaignReading, Gateway, PlatformReading


class LtvSource(Protocol):
    """SyncFlow's ValueSource, as the adapters offer it (platforms may not import SyncFlow)."""

    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None: ...

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None: ...


class RoutingGateway:
    """Implements Gateway over the adapters ``adapter(name)`` builds."""

    def __init__(
        self, connections: ConnectionLookup, adapter: Callable[[str], Gateway], *, default: str
    ) -> None:
        self._connections = connections
        self._adapter = adapter
        self._default = default

    def route(self, client_id: str, platform: Platform) -> Gateway:
        connection = self._connections.get(client_id, platform)
        return self._adapter(connection.adapter if connection else self._default)

    def platforms(self, client_id: str) -> list[Platform]:
        """The connected platforms and the default adapter's, in the seed's order."""
        found = {c.platform for c in self._connections.of(client_id)}
        try:
            found |= set(self._adapter(self._default).platforms(client_id))
        except UnknownClientError:
            if not found:
                raise
        return sorted(found, key=lambda p: p.rank)

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> PlatformReading:
        return self.route(client_id, platform).read(client_id, platform, window_s=window_s)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Money) -> None:
        self.route(client_id, platform).set_daily_budget(client_id, platform, budget)

    def read_campaigns(
        self, client_id: str, platform: Platform, *, window_s: float
    ) -> list[CampaignReading]:
        gateway = self.route(client_id, platform)
        return gateway.read_campaigns(client_id, platform, window_s=window_s)

    def create_campaign(
        self, client_id: str, platform: Platform, *, name: str, daily_budget: Money, bid: Bid
    ) -> CampaignState:
        return self.route(client_id, platform).create_campaign(
            client_id, platform, name=name, daily_budget=daily_budget, bid=bid
        )

    def set_campaign_budget(self, ref: CampaignRef, budget: Money) -> CampaignState:
        return self._of(ref).set_campaign_budget(ref, budget)

    def set_bid(self, ref: CampaignRef, bid: Bid) -> CampaignState:
        return self._of(ref).set_bid(ref, bid)

    def pause(self, ref: CampaignRef, reason: PauseReason) -> CampaignState:
        return self._of(ref).pause(ref, reason)

    def resume(self, ref: CampaignRef) -> CampaignState:
        return self._of(ref).resume(ref)

    def pending_changes(self, client_id: str, platform: Platform) -> tuple[PendingChange, ...]:
        """Implements PendingChanges: the routed adapter's, or none when it applies its
        changes itself."""
        gateway = self.route(client_id, platform)
        if not isinstance(gateway, PendingChanges):
            return ()
        return gateway.pending_changes(client_id, platform)

    def _of(self, ref: CampaignRef) -> Gateway:
        return self.route(ref.client_id, ref.platform)


class RoutingValues:
    """Implements SyncFlow's ValueSource: each platform's fallback LTV from its adapter's."""

    def __init__(
        self, connections: ConnectionLookup, values: Callable[[str], LtvSource], *, default: str
    ) -> None:
        self._connections = connections
        self._values = values
        self._default = default

    def _of(self, client_id: str, platform: Platform) -> LtvSource:
        connection = self._connections.get(client_id, platform)
        return self._values(connection.adapter if connection else self._default)

    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        return self._of(client_id, platform).platform_ltv(
            client_id, platform, lookback_days=lookback_days, as_of=as_of
        )

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        return self._of(client_id, platform).platform_cac(
            client_id, platform, lookback_days=lookback_days, as_of=as_of
        )


class NoValues:
    """The fallback of a live adapter: a real platform reports no LTV of its own (import the
    client's customers and orders into SyncValue instead)."""

    def platform_ltv(
        self,
        client_id: str,  # noqa: ARG002  # a live platform has no LTV model
        platform: Platform,  # noqa: ARG002
        *,
        lookback_days: int,  # noqa: ARG002
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return None

    def platform_cac(
        self,
        client_id: str,  # noqa: ARG002  # the gateway's reading carries the live CAC
        platform: Platform,  # noqa: ARG002
        *,
        lookback_days: int,  # noqa: ARG002
        as_of: datetime,  # noqa: ARG002
    ) -> Money | None:
        return None
