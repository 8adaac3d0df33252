"""TikTok's own shapes: errors in an HTTP 200 body, the SDK's logging side effects neutralised."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from kiki.adapters.platforms.tiktok.client import sdk_client
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError, PlatformUnavailableError
from kiki.testing.platforms.servers import FakePlatforms
from tests.live import live_gateway

TIKTOK = Platform.TIKTOK


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


def test_building_the_sdk_client_leaves_the_applications_logging_as_it_was() -> None:
    loggers = [logging.getLogger(n) for n in ("urllib3", "business_api_client", "")]
    before = [(list(lg.handlers), lg.level) for lg in loggers]
    sdk_client("http://127.0.0.1:9")
    assert [(list(lg.handlers), lg.level) for lg in loggers] == before


def test_a_bad_token_in_a_200_body_says_what_to_fix_and_is_not_retried(
    fakes: FakePlatforms,
) -> None:
    live = live_gateway(fakes, TIKTOK, tiktok_access_token="tt-not-the-token")  # noqa: S106
    try:
        with pytest.raises(
            PlatformAuthError, match=r"bad token: .*40105.*KIKI_TIKTOK_ACCESS_TOKEN"
        ):
            live.gateway.read(live.client_id, TIKTOK, window_s=3600)
        assert live.sleeps == []
    finally:
        live.close()


def test_a_system_error_in_a_200_body_is_retried_then_unavailable(fakes: FakePlatforms) -> None:
    live = live_gateway(fakes, TIKTOK, platform_retry_attempts=2)
    try:
        fakes.market.sandbox.fail(TIKTOK, "set")
        with pytest.raises(PlatformUnavailableError, match="50000"):
            live.gateway.set_daily_budget(live.client_id, TIKTOK, Money(321_000_000))
        assert len(live.sleeps) == 1
    finally:
        fakes.market.sandbox.heal()
        live.close()
