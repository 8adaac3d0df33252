"""The routing gateway: each (client, platform) goes to its connection's adapter, the rest to
the default; a client's platforms are its connected ones and the default adapter's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiki.adapters.memory.connections import InMemoryConnectionBook
from kiki.adapters.memory.sandbox_store import InMemorySandboxStore
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection
from kiki.platforms.errors import UnknownClientError
from kiki.platforms.ports import Gateway
from kiki.platforms.routing import RoutingGateway
from kiki.platforms.sandbox.accounts import demo_accounts
from kiki.platforms.sandbox.platform import SandboxPlatform

AT = datetime(2026, 2, 3, tzinfo=UTC)


def world() -> tuple[RoutingGateway, SandboxPlatform, SandboxPlatform, InMemoryConnectionBook]:
    clock = VirtualClock()
    default, live = (SandboxPlatform(InMemorySandboxStore(), clock) for _ in range(2))
    default.open_client("acme", demo_accounts())
    live.open_client("acme", {Platform.META: demo_accounts()[Platform.META]})
    live.open_client("solo", {Platform.META: demo_accounts()[Platform.META]})
    book = InMemoryConnectionBook()
    adapters: dict[str, Gateway] = {"sandbox": default, "meta": live}
    return RoutingGateway(book, adapters.__getitem__, default="sandbox"), default, live, book


def test_a_connected_platform_goes_to_its_adapter_and_the_others_to_the_default() -> None:
    gateway, default, live, book = world()
    book.connect(Connection("acme", Platform.META, "meta", "1", None, AT))
    gateway.set_daily_budget("acme", Platform.META, Money(123_000_000))
    gateway.set_daily_budget("acme", Platform.GOOGLE, Money(321_000_000))
    assert live.read("acme", Platform.META, window_s=60).daily_budget == Money(123_000_000)
    assert default.read("acme", Platform.META, window_s=60).daily_budget == Money(500_000_000)
    assert default.read("acme", Platform.GOOGLE, window_s=60).daily_budget == Money(321_000_000)
    assert gateway.platforms("acme") == list(Platform)


def test_a_client_known_only_by_its_connections_has_those_platforms() -> None:
    gateway, _, _, book = world()
    with pytest.raises(UnknownClientError):
        gateway.platforms("solo")
    book.connect(Connection("solo", Platform.META, "meta", "1", None, AT))
    assert gateway.platforms("solo") == [Platform.META]
    assert gateway.read("solo", Platform.META, window_s=60).daily_budget == Money(500_000_000)
    with pytest.raises(UnknownClientError):
        gateway.read("solo", Platform.GOOGLE, window_s=60)
