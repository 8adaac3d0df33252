"""What every live adapter does the same way, on its fake: a write that times out after the
platform applied it is settled by reading back (sent once); a 429 storm is ridden out with the
waits the platform asked for; missing credentials say where to set them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformUnavailableError
from kiki.testing.platforms.servers import API_PLATFORMS, FakePlatforms
from tests.live import live_gateway

WRITES = {
    Platform.META: "POST {id}",
    Platform.GOOGLE: "_mutate_budgets",
    Platform.MICROSOFT: "PUT Campaigns",
    Platform.TIKTOK: "POST campaign/update",
    Platform.LINKEDIN: "PARTIAL_UPDATE /rest/adAccounts/{id}/adCampaigns/{id}",
    Platform.AMAZON: "PUT /sp/campaigns",
}


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


@pytest.mark.parametrize("platform", API_PLATFORMS, ids=lambda p: p.name.lower())
def test_a_write_that_times_out_after_it_was_applied_is_settled_by_reading_back(
    fakes: FakePlatforms, platform: Platform
) -> None:
    live = live_gateway(fakes, platform, platform_timeout_s=0.3)
    try:
        sent_before = fakes.market.scenario.calls[(platform, WRITES[platform])]
        fakes.market.scenario.stall_writes(1, seconds=0.8, platform=platform)
        live.gateway.set_daily_budget(live.client_id, platform, Money(321_000_000))
        reading = live.gateway.read(live.client_id, platform, window_s=3600)
        assert reading.daily_budget == Money(321_000_000)
        assert fakes.market.scenario.calls[(platform, WRITES[platform])] == sent_before + 1
        assert live.sleeps == []  # settled, not retried
    finally:
        live.close()


@pytest.mark.parametrize("platform", API_PLATFORMS, ids=lambda p: p.name.lower())
def test_a_429_storm_is_ridden_out_waiting_as_asked(
    fakes: FakePlatforms, platform: Platform
) -> None:
    live = live_gateway(fakes, platform)
    try:
        fakes.market.scenario.throttle(3, retry_after_s=5, platform=platform)
        reading = live.gateway.read(live.client_id, platform, window_s=3600)
        assert reading.daily_budget.micros > 0
        assert len(live.sleeps) == 3
        if platform is Platform.META:  # Meta says whole minutes: 0 is "now", so back off
            assert all(s <= 30.5 for s in live.sleeps)
        else:
            assert all(5 <= s <= 5.5 for s in live.sleeps)
    finally:
        live.close()


@pytest.mark.parametrize("platform", API_PLATFORMS, ids=lambda p: p.name.lower())
def test_a_wait_longer_than_the_retry_budget_gives_up_at_once(
    fakes: FakePlatforms, platform: Platform
) -> None:
    live = live_gateway(fakes, platform)
    try:
        fakes.market.scenario.throttle(1, retry_after_s=600, platform=platform)
        with pytest.raises(PlatformUnavailableError, match="gave up after 1 attempt"):
            live.gateway.read(live.client_id, platform, window_s=3600)
        assert live.sleeps == []
    finally:
        live.close()


@pytest.mark.parametrize(
    ("platform", "setting"),
    [
        (Platform.META, "KIKI_META_ACCESS_TOKEN"),
        (Platform.GOOGLE, "KIKI_GOOGLE_ADS_DEVELOPER_TOKEN"),
        (Platform.MICROSOFT, "KIKI_MICROSOFT_DEVELOPER_TOKEN"),
        (Platform.TIKTOK, "KIKI_TIKTOK_ACCESS_TOKEN"),
        (Platform.LINKEDIN, "KIKI_LINKEDIN_ACCESS_TOKEN"),
        (Platform.AMAZON, "KIKI_AMAZON_REFRESH_TOKEN"),
    ],
    ids=["meta", "google", "microsoft", "tiktok", "linkedin", "amazon"],
)
def test_missing_credentials_say_where_to_set_them(
    fakes: FakePlatforms, platform: Platform, setting: str
) -> None:
    field = setting.removeprefix("KIKI_").lower()
    live = live_gateway(fakes, platform, **{field: None}, platform_retry_budget_s=300)
    try:
        with pytest.raises(PlatformAuthError, match=f"no credentials: set {setting}"):
            live.gateway.read(live.client_id, platform, window_s=3600)
    finally:
        live.close()
