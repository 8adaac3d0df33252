"""The real platform adapters on their fakes, for tests: one set of fakes per test module,
a fresh client (with fresh accounts) per gateway built."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from kiki.adapters.memory.connections import InMemoryConnectionBook
from kiki.adapters.platforms.google.gateway import GoogleGateway
from kiki.adapters.platforms.meta.gateway import MetaGateway
from kiki.adapters.platforms.microsoft.gateway import MicrosoftGateway
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection
from kiki.platforms.ports import Gateway
from kiki.settings import Settings
from kiki.testing.platforms.servers import ADAPTERS, FakePlatforms

GATEWAYS: dict[Platform, Callable[..., Gateway]] = {
    Platform.META: MetaGateway,
    Platform.GOOGLE: GoogleGateway,
    Platform.MICROSOFT: MicrosoftGateway,
}
_numbers = itertools.count(1)


@dataclass
class LiveGateway:
    gateway: Gateway
    client_id: str
    platform: Platform
    account_id: str
    sleeps: list[float]

    def close(self) -> None:
        closer = getattr(self.gateway, "close", None)
        if closer is not None:
            closer()


def live_gateway(fakes: FakePlatforms, platform: Platform, **settings: object) -> LiveGateway:
    """A new client with an account on ``platform`` at the fakes, and that platform's adapter
    connected to it; retries sleep no real time (the waits are recorded)."""
    client_id = f"client-{next(_numbers)}"
    account = fakes.open(client_id, [platform])[platform]
    book = InMemoryConnectionBook()
    book.connect(
        Connection(client_id, platform, ADAPTERS[platform], account, None, fakes.market.clock.now())
    )
    sleeps: list[float] = []
    config = Settings(**{**fakes.settings(), **settings})  # type: ignore[arg-type]
    gateway = GATEWAYS[platform](config, fakes.market.clock, book, sleep=sleeps.append)
    return LiveGateway(gateway, client_id, platform, account, sleeps)
