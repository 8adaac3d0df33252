"""The real platform adapters on their fakes, for tests: one set of fakes per test module,
a fresh client (with fresh accounts) per gateway built."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiki.adapters.memory.connections import InMemoryConnectionBook
from kiki.adapters.platforms.amazon.gateway import AmazonGateway
from kiki.adapters.platforms.csv.gateway import CsvGateway
from kiki.adapters.platforms.google.gateway import GoogleGateway
from kiki.adapters.platforms.linkedin.gateway import LinkedInGateway
from kiki.adapters.platforms.meta.gateway import MetaGateway
from kiki.adapters.platforms.microsoft.gateway import MicrosoftGateway
from kiki.adapters.platforms.tiktok.gateway import TikTokGateway
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection
from kiki.platforms.errors import ChangePendingError
from kiki.platforms.ports import Gateway
from kiki.settings import Settings
from kiki.testing.platforms.csv_desk import CsvDesk
from kiki.testing.platforms.market import FakeMarket
from kiki.testing.platforms.servers import ADAPTERS, FakePlatforms

GATEWAYS: dict[Platform, Callable[..., Gateway]] = {
    Platform.META: MetaGateway,
    Platform.GOOGLE: GoogleGateway,
    Platform.MICROSOFT: MicrosoftGateway,
    Platform.TIKTOK: TikTokGateway,
    Platform.LINKEDIN: LinkedInGateway,
    Platform.AMAZON: AmazonGateway,
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


class ConfirmedByUpload:
    """The csv gateway with a person at its side: the account is exported before each read,
    and a write left pending is uploaded (then exported) and asked again, which returns once
    the export confirms it. Everything else is the gateway's."""

    def __init__(self, gateway: Any, desk: Any, client_id: str, accounts: dict[Platform, str]):
        self._gateway = gateway
        self._desk = desk
        self._client_id = client_id
        self._accounts = accounts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway, name)

    def _fresh(self, platform: Platform) -> None:
        if platform in self._accounts:
            self._desk.export(self._client_id, platform, self._accounts[platform])

    def _confirmed(self, platform: Platform, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ChangePendingError:
            if platform in self._accounts:
                self._desk.upload(self._client_id, platform, self._accounts[platform])
            return call()

    def read(self, client_id: str, platform: Platform, *, window_s: float) -> Any:
        self._fresh(platform)
        return self._gateway.read(client_id, platform, window_s=window_s)

    def read_campaigns(self, client_id: str, platform: Platform, *, window_s: float) -> Any:
        self._fresh(platform)
        return self._gateway.read_campaigns(client_id, platform, window_s=window_s)

    def set_daily_budget(self, client_id: str, platform: Platform, budget: Any) -> None:
        self._confirmed(
            platform, lambda: self._gateway.set_daily_budget(client_id, platform, budget)
        )

    def create_campaign(self, client_id: str, platform: Platform, **kwargs: Any) -> Any:
        return self._confirmed(
            platform, lambda: self._gateway.create_campaign(client_id, platform, **kwargs)
        )

    def set_campaign_budget(self, ref: Any, budget: Any) -> Any:
        return self._confirmed(ref.platform, lambda: self._gateway.set_campaign_budget(ref, budget))

    def set_bid(self, ref: Any, bid: Any) -> Any:
        return self._confirmed(ref.platform, lambda: self._gateway.set_bid(ref, bid))

    def pause(self, ref: Any, reason: Any) -> Any:
        return self._confirmed(ref.platform, lambda: self._gateway.pause(ref, reason))

    def resume(self, ref: Any) -> Any:
        return self._confirmed(ref.platform, lambda: self._gateway.resume(ref))


def csv_gateway(
    market: FakeMarket, workdir: Path, platform: Platform = Platform.TIKTOK, *, bids: bool = True
) -> tuple[LiveGateway, CsvDesk]:
    """A new client with an account on ``platform`` kept by CSV files over ``market``, its
    first export written, and the csv adapter connected to it (the bare gateway)."""
    client_id = f"csv-client-{next(_numbers)}"
    account = f"{client_id}-{platform.value}"
    market.open(client_id, {platform: account})
    desk = CsvDesk(
        market, exports_dir=workdir / "exports", changes_dir=workdir / "changes", bids=bids
    )
    desk.export(client_id, platform, account)
    book = InMemoryConnectionBook()
    book.connect(Connection(client_id, platform, "csv", account, None, market.clock.now()))
    gateway = CsvGateway(Settings(**desk.settings()), market.clock, book)  # type: ignore[arg-type]
    return LiveGateway(gateway, client_id, platform, account, []), desk
