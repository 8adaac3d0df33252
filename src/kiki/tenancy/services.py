"""Tenancy's use cases: create tenants and keys, authenticate, scope clients, replay retries."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kiki.core.clock import Clock
from kiki.tenancy.errors import (
    AuthenticationError,
    ClientNotFoundError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
    OperatorRequiredError,
)
from kiki.tenancy.keys import (
    KEY_PREFIX,
    IssuedKey,
    Tenant,
    check_client_id,
    check_idempotency_key,
    check_tenant_name,
    key_hash,
    new_key,
)
from kiki.tenancy.ports import ClientDirectory, IdempotencyStore, TenantStore

T = TypeVar("T")


def create_tenant(name: str, *, tenants: TenantStore, clock: Clock) -> IssuedKey:
    """Create the tenant and its first API key; the key's secret is in the result only."""
    tenant_id = check_tenant_name(name)
    now = clock.now()
    tenants.create(tenant_id, now=now)
    return issue_key(tenant_id, tenants=tenants, clock=clock)


def issue_key(
    tenant_id: str, *, tenants: TenantStore, clock: Clock, operator: bool = False
) -> IssuedKey:
    """A new key of the tenant; an ``operator`` key may also act beyond its clients."""
    key = new_key(tenant_id, operator=operator)
    tenants.add_key(key, key_hash=key_hash(key.secret), now=clock.now())
    return key


def authenticate(authorization: str | None, *, tenants: TenantStore) -> Tenant:
    """The tenant of ``Bearer <key>``; AuthenticationError for anything else."""
    if not authorization:
        raise AuthenticationError
    scheme, _, secret = authorization.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        raise AuthenticationError
    digest = key_hash(secret)
    found = tenants.live_key(digest)
    # The lookup is by hash of a 256-bit secret, so its timing reveals nothing useful; the
    # constant-time compare guards against a store that matched loosely (collation, case).
    if found is None or not hmac.compare_digest(found.key_hash, digest):
        raise AuthenticationError
    return Tenant(found.tenant_id, operator=found.operator)


def require_client(tenant: Tenant, client_id: str, *, directory: ClientDirectory) -> str:
    """``client_id`` if the tenant holds it; ClientNotFoundError otherwise, whoever holds it."""
    check_client_id(client_id)
    if directory.owner(client_id) != tenant.tenant_id:
        raise ClientNotFoundError(client_id)
    return client_id


def require_operator(tenant: Tenant, what: str) -> None:
    """OperatorRequiredError unless the caller used an operator key."""
    if not tenant.operator:
        raise OperatorRequiredError(
            f"{what} needs an operator key (kiki tenants new-key --operator)"
        )


def fingerprint(operation: str, request: Mapping[str, Any]) -> str:
    """A digest of what a request asks for, to tell a retry from a different request."""
    canonical = json.dumps(
        {"operation": operation, "request": request}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_idempotent(
    tenant: Tenant,
    key: str,
    request_fingerprint: str,
    action: Callable[[], T],
    *,
    encode: Callable[[T], str],
    decode: Callable[[str], T],
    store: IdempotencyStore,
    clock: Clock,
) -> tuple[T, bool]:
    """Run ``action`` once per (tenant, key): a retry gets the first result back, decoded.

    Returns the result and whether it was replayed. Raises IdempotencyConflictError when
    the key was used for a different request, IdempotencyInProgressError while the first
    request runs. A failed action is not remembered: its retry runs again.
    """
    check_idempotency_key(key)
    stored = store.claim(tenant.tenant_id, key, request_fingerprint, now=clock.now())
    if stored is not None:
        if not hmac.compare_digest(stored.fingerprint, request_fingerprint):
            raise IdempotencyConflictError(
                f"Idempotency-Key {key!r} was used for a different request"
            )
        if stored.response_json is None:
            raise IdempotencyInProgressError(f"a request with Idempotency-Key {key!r} is running")
        return decode(stored.response_json), True
    try:
        result = action()
    except BaseException:
        store.release(tenant.tenant_id, key)
        raise
    store.complete(tenant.tenant_id, key, encode(result), now=clock.now())
    return result, False
