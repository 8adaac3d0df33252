"""Amazon's own shapes: the wrapper's logging.basicConfig neutralised, LWA refresh refused."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError
from kiki.testing.platforms.servers import FakePlatforms
from tests.live import live_gateway

AMAZON = Platform.AMAZON
_ROOT = "import logging; r = logging.getLogger(); print(len(r.handlers), r.level)"


def _fresh(code: str) -> str:
    """``code`` in a fresh interpreter (the test run's root logger has pytest's handlers)."""
    done = subprocess.run(  # noqa: S603  # our own interpreter and code
        [sys.executable, "-c", f"{code}; {_ROOT}"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_importing_the_wrapper_reconfigures_logging_and_kiki_puts_it_back() -> None:
    assert _fresh("import logging") == "0 30"
    assert _fresh("import ad_api.api") == "1 20"  # what the package does on import
    imported = "from kiki.adapters.platforms.amazon.client import import_sdk; import_sdk()"
    assert _fresh(imported) == "0 30"


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakePlatforms]:
    with FakePlatforms(workdir=tmp_path_factory.mktemp("fakes")) as started:
        yield started


def test_a_refused_refresh_token_says_what_to_fix_and_is_not_retried(
    fakes: FakePlatforms,
) -> None:
    live = live_gateway(fakes, AMAZON, amazon_refresh_token="Atzr|not-the-token")  # noqa: S106
    try:
        with pytest.raises(PlatformAuthError, match="renew the refresh token"):
            live.gateway.read(live.client_id, AMAZON, window_s=3600)
        assert live.sleeps == []
    finally:
        live.close()


def test_the_report_is_polled_until_done_and_read(fakes: FakePlatforms) -> None:
    live = live_gateway(fakes, AMAZON)
    fakes.amazon.polls_before_done = 2
    try:
        fakes.market.clock.advance(3600)
        reading = live.gateway.read(live.client_id, AMAZON, window_s=3600)
        assert reading.telemetry is not None
        assert reading.telemetry.today.spend.micros > 0
        assert live.sleeps == [0.01, 0.01]  # two polls answered PENDING, as the fake was told
    finally:
        fakes.amazon.polls_before_done = 0
        live.close()
