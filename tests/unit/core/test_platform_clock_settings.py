from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiki.core.clock import SystemClock, VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.core.platform import Platform
from kiki.settings import Settings


@pytest.mark.parametrize("raw", ["PLATFORM_META", "meta", "Meta", " META ", Platform.META])
def test_platforms_parse_from_the_seed_name_or_the_short_name(raw: object) -> None:
    assert Platform.parse(raw) is Platform.META


@pytest.mark.parametrize("raw", ["myspace", "", 3, None, "PLATFORM_"])
def test_unknown_platforms_are_refused_naming_the_field(raw: object) -> None:
    with pytest.raises(InvalidInputError, match=r"^source: ") as caught:
        Platform.parse(raw, field="source")
    assert caught.value.field == "source"


def test_the_enum_order_is_the_seeds_and_names_display_properly() -> None:
    assert [p.value for p in Platform] == [
        "PLATFORM_META",
        "PLATFORM_GOOGLE",
        "PLATFORM_TIKTOK",
        "PLATFORM_LINKEDIN",
        "PLATFORM_AMAZON",
        "PLATFORM_MICROSOFT",
    ]
    assert [p.rank for p in Platform] == [0, 1, 2, 3, 4, 5]
    assert Platform.TIKTOK.display_name == "TikTok"


def test_the_virtual_clock_moves_only_when_told() -> None:
    clock = VirtualClock(datetime(2026, 2, 3, 9, 0, tzinfo=UTC))
    assert clock.now() == datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
    clock.sleep(600)
    assert clock.now() == datetime(2026, 2, 3, 9, 10, tzinfo=UTC)
    assert clock.monotonic() == 600
    with pytest.raises(ValueError, match="does not go back"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="timezone-aware"):
        VirtualClock(datetime(2026, 2, 3))  # noqa: DTZ001  # the naive start under test


def test_the_system_clock_is_aware_utc_and_monotonic_never_goes_back() -> None:
    clock = SystemClock()
    assert clock.now().tzinfo is UTC
    first = clock.monotonic()
    clock.sleep(0)
    assert clock.monotonic() >= first


def test_settings_default_to_the_seeds_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert (s.efficiency_threshold, s.reallocation_percent, s.check_interval_s) == (0.15, 0.20, 300)
    assert (s.confidence_threshold, s.simulations, s.variance) == (0.85, 10_000, 0.15)
    assert (s.deviation_threshold, s.chaos_cron) == (0.15, "0 0 * * *")
    assert s.resolved_database_url() == f"sqlite:///{tmp_path / '.kiki' / 'kiki.sqlite3'}"


def test_settings_read_env_then_toml_and_honour_the_seeds_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kiki.toml").write_text("efficiency_threshold = 0.25\nreallocation_percent = 0.1\n")
    monkeypatch.setenv("KIKI_REALLOCATION_PERCENT", "0.05")
    monkeypatch.setenv("SYNCVALUE_ADDR", "syncvalue:50051")
    monkeypatch.setenv("KIKI_DATABASE_URL", "postgresql://db/kiki")
    s = Settings()
    assert (s.efficiency_threshold, s.reallocation_percent) == (0.25, 0.05)
    assert s.syncvalue_addr == "syncvalue:50051"
    assert s.resolved_database_url() == "postgresql://db/kiki"


def test_settings_refuse_values_that_cannot_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KIKI_EFFICIENCY_THRESHOLD", "1.5")
    with pytest.raises(ValueError, match="efficiency_threshold"):
        Settings()
