"""Connections: which adapter serves each of a client's platforms, on which ad account.

A connection names an adapter (``sandbox``, ``meta``, ``google``, ``microsoft``, …), the
account there and, optionally, the section of the secrets file that holds its credentials;
the credentials themselves never pass through here. A client's platforms without a connection
are served by the default adapter (``KIKI_PLATFORMS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiki.core.errors import InvalidInputError
from kiki.core.platform import Platform

MAX_ACCOUNT_LENGTH = 100
_CREDENTIALS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Connection:
    client_id: str
    platform: Platform
    adapter: str
    account_id: str
    credentials: str | None  # a section of KIKI_SECRETS_FILE; None: the KIKI_* environment
    connected_at: datetime


@dataclass(frozen=True, slots=True)
class AdapterKind:
    """What connecting to an adapter needs: the platforms it serves (None: any) and how it
    writes an account id (``account`` normalises one, or raises InvalidInputError)."""

    name: str
    platforms: frozenset[Platform] | None
    account: Callable[[str, str], str]  # (account, client_id) -> the account id kept

    def check(self, platform: Platform, account: str, client_id: str) -> str:
        if self.platforms is not None and platform not in self.platforms:
            served = ", ".join(p.value for p in sorted(self.platforms, key=lambda p: p.rank))
            raise InvalidInputError("platform", f"the {self.name} adapter serves {served} only")
        if not isinstance(account, str) or not account.strip():
            raise InvalidInputError("account", "must name the ad account")
        if len(account) > MAX_ACCOUNT_LENGTH or not account.isprintable():
            raise InvalidInputError("account", f"must be printable, at most {MAX_ACCOUNT_LENGTH}")
        return self.account(account.strip(), client_id)


def digits_account(prefix: str = "", length: int | None = None) -> Callable[[str, str], str]:
    """An account id of digits, optionally written with ``prefix`` (``act_``) or dashes."""

    def normalise(account: str, client_id: str) -> str:  # noqa: ARG001  # same shape for all
        bare = account.removeprefix(prefix).replace("-", "")
        if not bare.isdigit() or (length is not None and len(bare) != length):
            size = f"{length} digits" if length else "digits"
            shown = f" (optionally {prefix}…)" if prefix else " (dashes allowed)"
            raise InvalidInputError("account", f"must be {size}{shown}, got {account!r}")
        return bare

    return normalise


def sandbox_account(account: str, client_id: str) -> str:
    """The sandbox keeps its accounts per client: the account is the client id."""
    if account != client_id:
        raise InvalidInputError("account", "a sandbox connection's account is the client id")
    return account


_FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def folder_account(account: str, client_id: str) -> str:  # noqa: ARG001  # same shape for all
    """A CSV connection's account: the name of its folder of exports (and of its change file)."""
    if not _FOLDER_NAME.match(account) or ".." in account:
        raise InvalidInputError(
            "account", "must be a folder name: letters, digits, _ . - (no path), at most 100"
        )
    return account


def check_credentials_name(name: str | None) -> str | None:
    if name is None:
        return None
    if not _CREDENTIALS_NAME.match(name):
        raise InvalidInputError(
            "credentials", "must be a secrets-file section name: letters, digits, _ . - (≤ 64)"
        )
    return name


class ConnectionLookup(Protocol):
    """What gateways need: a client's connections."""

    def get(self, client_id: str, platform: Platform) -> Connection | None: ...

    def of(self, client_id: str | None = None) -> list[Connection]:
        """The client's connections (every client's when None), by client, then platform."""
        ...


class ConnectionBook(ConnectionLookup, Protocol):
    def connect(self, connection: Connection) -> Connection | None:
        """Record ``connection`` in place of the client's one on that platform; the one it
        replaced, or None."""
        ...

    def disconnect(self, client_id: str, platform: Platform) -> Connection | None:
        """Forget the connection; the one removed, or None if there was none."""
        ...
