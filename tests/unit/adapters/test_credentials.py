"""Credentials come from the connection's section of the secrets file, else the settings, and
an error says where to put them without quoting the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiki.adapters.platforms.credentials import SecretSource
from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError
from kiki.settings import Settings


def test_a_named_section_of_the_secrets_file_wins_over_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text('[acme-meta]\naccess_token = "from-file"\n')
    settings = Settings(secrets_file=path, meta_access_token="from-env")  # type: ignore[arg-type]  # noqa: S106  # a test value
    named = SecretSource(settings, Platform.META, "acme-meta").secret(
        "access_token", "meta_access_token"
    )
    plain = SecretSource(settings, Platform.META, None).secret("access_token", "meta_access_token")
    assert named is not None
    assert plain is not None
    assert (named.get_secret_value(), plain.get_secret_value()) == ("from-file", "from-env")
    assert "from-file" not in repr(named)


def test_a_missing_section_or_a_broken_file_is_named_without_its_content(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text('[other]\naccess_token = "s3cr3t-value"\n')
    settings = Settings(secrets_file=path)
    with pytest.raises(PlatformAuthError, match=r"no \[acme-meta\] table"):
        SecretSource(settings, Platform.META, "acme-meta").secret("access_token", "x")
    path.write_text('[acme-meta]\naccess_token = "s3cr3t-value\n')
    with pytest.raises(PlatformAuthError, match="not valid TOML") as broken:
        SecretSource(settings, Platform.META, "acme-meta").secret("access_token", "x")
    assert "s3cr3t" not in str(broken.value)
    with pytest.raises(PlatformAuthError, match="set KIKI_META_ACCESS_TOKEN"):
        SecretSource(Settings(), Platform.META, None).secret("access_token", "meta_access_token")
