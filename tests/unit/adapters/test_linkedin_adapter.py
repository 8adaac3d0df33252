"""LinkedIn's own shapes: Rest.li errors, the LinkedIn-Version header from a setting, and the
SDK kept to one module (its fixed vendor host redirected to the setting)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError
from kiki.settings import Settings
from kiki.testing.platforms.servers import FakePlatforms
from tests.live import live_gateway

LINKEDIN = Platform.LINKEDIN


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


def test_the_version_header_comes_from_the_setting(fakes: FakePlatforms) -> None:
    assert Settings().linkedin_version == "202610"
    live = live_gateway(fakes, LINKEDIN, linkedin_version="202609")
    try:
        live.gateway.read(live.client_id, LINKEDIN, window_s=3600)
        assert "202609" in fakes.linkedin.versions
    finally:
        live.close()


def test_a_restli_401_says_what_to_fix_and_is_not_retried(fakes: FakePlatforms) -> None:
    live = live_gateway(fakes, LINKEDIN, linkedin_access_token="li-not-the-token")  # noqa: S106
    try:
        with pytest.raises(
            PlatformAuthError, match=r"bad token: LinkedIn 401 INVALID_ACCESS_TOKEN"
        ):
            live.gateway.read(live.client_id, LINKEDIN, window_s=3600)
        assert live.sleeps == []
    finally:
        live.close()


def test_an_account_the_token_may_not_see_is_no_access(fakes: FakePlatforms) -> None:
    live = live_gateway(fakes, LINKEDIN)
    try:
        fakes.market.open("stranger", {LINKEDIN: "999999999"})
        from kiki.platforms.connections import Connection

        book = live.gateway._accounts._connections  # type: ignore[attr-defined]
        book.connect(
            Connection(
                live.client_id, LINKEDIN, "linkedin", "123456789", None, fakes.market.clock.now()
            )
        )
        with pytest.raises(PlatformAuthError, match="no access: LinkedIn 403 ACCESS_DENIED"):
            live.gateway.read(live.client_id, LINKEDIN, window_s=3600)
    finally:
        live.close()
