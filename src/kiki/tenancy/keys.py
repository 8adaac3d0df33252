"""Tenants and API keys as values; a key is shown once and only its SHA-256 is stored.

A key carries 256 bits from ``secrets``, so a plain SHA-256 (no salt, no slow hash) is
enough to make the stored hash useless for guessing, and lets the store find a key by hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from kiki.core.errors import InvalidInputError

KEY_PREFIX = "kiki_"
_TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass(frozen=True, slots=True)
class Tenant:
    """Who calls. ``operator``: the call came with an operator key, which may also do what
    reaches beyond the tenant's own clients (an alert about no client, attaching a client id
    that already has data)."""

    tenant_id: str
    operator: bool = False


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: ``secret`` is shown to the user once and never stored."""

    tenant_id: str
    key_id: str
    secret: str
    operator: bool = False


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    key_id: str
    created_at: datetime
    revoked_at: datetime | None
    operator: bool = False


@dataclass(frozen=True, slots=True)
class TenantSummary:
    tenant_id: str
    created_at: datetime
    keys: tuple[ApiKeyInfo, ...]
    clients: tuple[str, ...]


def new_key(tenant_id: str, *, operator: bool = False) -> IssuedKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return IssuedKey(tenant_id=tenant_id, key_id=key_id(secret), secret=secret, operator=operator)


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def key_id(secret: str) -> str:
    """A public name for a key (to list and revoke it) that reveals nothing of the secret."""
    return key_hash(secret)[:12]


def check_tenant_name(name: str) -> str:
    if not _TENANT_NAME.match(name):
        raise InvalidInputError(
            "tenant", "must be 1-60 of a-z, 0-9, '_' or '-', starting with a letter or digit"
        )
    return name


def check_client_id(client_id: str, *, field: str = "client_id") -> str:
    if not _CLIENT_ID.match(client_id):
        raise InvalidInputError(
            field, "must be 1-100 of A-Z, a-z, 0-9, '.', '_' or '-', starting alphanumeric"
        )
    return client_id


def check_idempotency_key(key: str) -> str:
    if not _IDEMPOTENCY_KEY.match(key):
        raise InvalidInputError("Idempotency-Key", "must be 1-200 printable ASCII characters")
    return key
