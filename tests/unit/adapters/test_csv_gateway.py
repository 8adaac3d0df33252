"""The csv adapter: changes are requests until an export confirms them, never done before."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiki.adapters.memory.connections import InMemoryConnectionBook
from kiki.adapters.platforms.csv import changes
from kiki.adapters.platforms.csv.gateway import CsvGateway
from kiki.campaigns.domain import Bid, BidStrategy, CampaignStatus, PauseReason
from kiki.core.clock import VirtualClock
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection
from kiki.platforms.errors import ChangePendingError, NotOfferedError, PlatformDataError
from kiki.platforms.routing import RoutingGateway
from kiki.settings import Settings
from kiki.testing.platforms.market import FakeMarket
from tests.live import csv_gateway

HOUR_S = 3600.0


def test_a_budget_change_is_written_once_and_pending_until_an_export_confirms_it(
    tmp_path: Path,
) -> None:
    market = FakeMarket()
    live, desk = csv_gateway(market, tmp_path)
    gateway, client, platform = live.gateway, live.client_id, live.platform
    before = gateway.read(client, platform, window_s=HOUR_S).daily_budget
    target = before + Money(10_000_000)
    with pytest.raises(ChangePendingError):
        gateway.set_daily_budget(client, platform, target)
    path = changes.change_file(tmp_path / "changes", platform.name.lower(), live.account_id)
    written = changes.read(path)
    assert written
    assert {line.field for line in written} == {"daily_budget"}
    with pytest.raises(ChangePendingError):  # asking again writes nothing new
        gateway.set_daily_budget(client, platform, target)
    assert changes.read(path) == written
    assert gateway.pending_changes(client, platform)
    # never read as done while pending
    assert gateway.read(client, platform, window_s=HOUR_S).daily_budget == before
    desk.upload(client, platform, live.account_id)
    assert gateway.pending_changes(client, platform) == ()
    assert gateway.read(client, platform, window_s=HOUR_S).daily_budget == target
    gateway.set_daily_budget(client, platform, target)  # confirmed: nothing to ask


def test_a_newer_export_without_the_change_settles_it_as_not_made(tmp_path: Path) -> None:
    market = FakeMarket()
    live, desk = csv_gateway(market, tmp_path)
    gateway, client, platform = live.gateway, live.client_id, live.platform
    before = gateway.read(client, platform, window_s=HOUR_S).daily_budget
    with pytest.raises(ChangePendingError):
        gateway.set_daily_budget(client, platform, before + Money(10_000_000))
    desk.export(client, platform, live.account_id)  # exported, nobody uploaded
    assert gateway.pending_changes(client, platform) == ()
    assert gateway.read(client, platform, window_s=HOUR_S).daily_budget == before


def test_a_pause_is_requested_and_the_campaign_stays_active_until_confirmed(
    tmp_path: Path,
) -> None:
    market = FakeMarket()
    live, desk = csv_gateway(market, tmp_path)
    gateway, client, platform = live.gateway, live.client_id, live.platform
    [first, *_] = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    with pytest.raises(ChangePendingError, match="not yet confirmed"):
        gateway.pause(first.state.ref, PauseReason.MARGIN_GUARDIAN)
    [again, *_] = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    assert again.state.status is CampaignStatus.ACTIVE
    desk.upload(client, platform, live.account_id)
    assert gateway.pause(first.state.ref, PauseReason.MANUAL).status is CampaignStatus.PAUSED


def test_bids_are_not_offered_without_a_bid_column_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    market = FakeMarket()
    live, _ = csv_gateway(market, tmp_path, bids=False)
    gateway, client, platform = live.gateway, live.client_id, live.platform
    [first, *_] = gateway.read_campaigns(client, platform, window_s=HOUR_S)
    with pytest.raises(NotOfferedError, match="bid"):
        gateway.set_bid(first.state.ref, Bid(BidStrategy.MAX_CPC, Money(500_000)))
    path = changes.change_file(tmp_path / "changes", platform.name.lower(), live.account_id)
    assert changes.read(path) == []


def _gateway(tmp_path: Path, platform: Platform, account: str) -> CsvGateway:
    book = InMemoryConnectionBook()
    clock = VirtualClock()
    book.connect(Connection("acme", platform, "csv", account, None, clock.now()))
    settings = Settings(csv_exports_dir=tmp_path / "x", csv_changes_dir=tmp_path / "c")  # type: ignore[call-arg]
    return CsvGateway(settings, clock, book)


def test_a_platforms_own_export_columns_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "x" / "google" / "acme-g"
    folder.mkdir(parents=True)
    (folder / "campaigns.csv").write_text(
        "Campaign performance\n"
        "Day,Campaign ID,Campaign,Campaign status,Budget,Cost,Impr.,Clicks,Conversions,"
        "Conv. value\n"
        f'{VirtualClock().now():%Y-%m-%d},111,Brand,Enabled,"1,250.50",12.34,"1,000",40,2.5,99.00\n'
        "Total,,,,,12.34,1000,40,2.5,99.00\n"
    )
    gateway = _gateway(tmp_path, Platform.GOOGLE, "acme-g")
    [reading] = gateway.read_campaigns("acme", Platform.GOOGLE, window_s=HOUR_S)
    assert reading.state.daily_budget == Money(1_250_500_000)
    assert reading.state.status is CampaignStatus.ACTIVE
    assert reading.telemetry is not None
    assert reading.telemetry.today.spend == Money(12_340_000)
    assert reading.telemetry.today.impressions == 1000
    assert reading.telemetry.today.revenue == Money(99_000_000)


def test_a_bad_export_line_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "x" / "tiktok" / "acme-t"
    folder.mkdir(parents=True)
    (folder / "report.csv").write_text(
        "Date,Campaign ID,Campaign name,Primary status,Budget,Cost\n"
        "1970-01-01,1,A,Active,10,1.00\n"
        "1970-01-01,2,B,Active,10,1.0000001\n"
    )
    gateway = _gateway(tmp_path, Platform.TIKTOK, "acme-t")
    with pytest.raises(PlatformDataError, match=r"report.csv line 3: spend"):
        gateway.read("acme", Platform.TIKTOK, window_s=HOUR_S)


def test_routing_asks_the_routed_adapter_for_its_pending_changes(tmp_path: Path) -> None:
    market = FakeMarket()
    live, _ = csv_gateway(market, tmp_path)
    gateway = live.gateway
    routing = RoutingGateway(
        gateway._connections,  # type: ignore[attr-defined]
        lambda name: gateway if name == "csv" else market.sandbox,  # type: ignore[return-value]
        default="sandbox",
    )
    with pytest.raises(ChangePendingError):
        routing.set_daily_budget(live.client_id, live.platform, Money(1_000_000_000))
    assert routing.pending_changes(live.client_id, live.platform)
    assert routing.pending_changes("nobody", Platform.META) == ()


def test_a_pending_change_is_202_on_http_deadline_exceeded_on_grpc_and_exit_1() -> None:
    import grpc

    from kiki.api.grpc.auth import CODES
    from kiki.api.http.errors import status_for
    from kiki.cli.app import exit_code

    pending = ChangePendingError(Platform.TIKTOK, "budget 10 → 20")
    assert status_for(pending) == (202, "pending_confirmation")
    assert next(c for k, c in CODES if isinstance(pending, k)) is grpc.StatusCode.DEADLINE_EXCEEDED
    assert exit_code(pending) == 1
    offered = NotOfferedError(Platform.AMAZON, "bid control")
    assert status_for(offered) == (422, "not_offered")
