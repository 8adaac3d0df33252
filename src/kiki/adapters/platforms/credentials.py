"""Where an adapter's credentials come from: the connection's section of ``KIKI_SECRETS_FILE``,
else the ``KIKI_*`` settings. Values stay ``SecretStr`` (repr ``'**********'``) until the SDK
needs them; nothing here is written to the database, a log or an error message.

A secrets file is TOML, one table per credentials name::

    [acme-meta]
    access_token = "EAAB…"

    [acme-google]
    developer_token = "…"
    client_id = "…"
    client_secret = "…"
    refresh_token = "1//…"
    login_customer_id = "1234567890"   # optional: the manager account
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from kiki.core.platform import Platform
from kiki.platforms.errors import PlatformAuthError
from kiki.settings import Settings


@dataclass(frozen=True)
class SecretSource:
    """Looks up one credential of one connection."""

    settings: Settings
    platform: Platform
    name: str | None  # the secrets-file section; None: the environment

    def secret(self, key: str, setting: str, *, required: bool = True) -> SecretStr | None:
        value = self._lookup(key, setting)
        if value is None and required:
            raise PlatformAuthError(self.platform, "no credentials", self._where(key, setting))
        if value is None or isinstance(value, SecretStr):
            return value
        return SecretStr(value)

    def plain(self, key: str, setting: str) -> str | None:
        value = self._lookup(key, setting)
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    def _lookup(self, key: str, setting: str) -> SecretStr | str | None:
        if self.name is not None:
            found = self._section().get(key)
            if found is not None and not isinstance(found, str):
                raise PlatformAuthError(
                    self.platform, "bad secrets file", f"{key} in [{self.name}] must be text"
                )
            return found or None
        value: SecretStr | str | None = getattr(self.settings, setting)
        return value or None

    def _section(self) -> Mapping[str, object]:
        path = self.settings.secrets_file
        if path is None:
            raise PlatformAuthError(
                self.platform,
                "no credentials",
                f"the connection names credentials {self.name!r}: set KIKI_SECRETS_FILE",
            )
        section = read_secrets(path, self.platform).get(self.name or "")
        if not isinstance(section, Mapping):
            raise PlatformAuthError(
                self.platform, "no credentials", f"KIKI_SECRETS_FILE has no [{self.name}] table"
            )
        return section

    def _where(self, key: str, setting: str) -> str:
        if self.name is not None:
            return f"set {key} in [{self.name}] of KIKI_SECRETS_FILE"
        return f"set KIKI_{setting.upper()} (or connect with --credentials NAME)"


def read_secrets(path: Path, platform: Platform) -> Mapping[str, object]:
    """The secrets file's tables; a file that is missing or not TOML says so, without its text."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise PlatformAuthError(
            platform, "no credentials", f"KIKI_SECRETS_FILE cannot be read ({exc.strerror})"
        ) from None
    except tomllib.TOMLDecodeError:
        # the decoder's message may quote the file, secrets and all: say only where
        raise PlatformAuthError(platform, "bad secrets file", f"{path} is not valid TOML") from None
