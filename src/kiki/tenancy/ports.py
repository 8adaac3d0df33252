"""The Protocols tenancy needs: tenants and keys, the client directory, idempotency records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiki.tenancy.keys import IssuedKey, TenantSummary


@dataclass(frozen=True, slots=True)
class LiveKey:
    tenant_id: str
    key_hash: str
    operator: bool = False


class TenantStore(Protocol):
    def create(self, tenant_id: str, *, now: datetime) -> None:
        """Raises TenantExistsError if the name is taken."""
        ...

    def add_key(self, key: IssuedKey, *, key_hash: str, now: datetime) -> None:
        """Store the key's hash (and whether it is an operator key); UnknownTenantError."""
        ...

    def live_key(self, key_hash: str) -> LiveKey | None:
        """The live (not revoked) key stored under this hash, if any."""
        ...

    def revoke(self, tenant_id: str, *, key_id: str | None, now: datetime) -> int:
        """Revoke one key, or every key of the tenant; how many were live. UnknownTenantError."""
        ...

    def summaries(self) -> list[TenantSummary]: ...


class ClientDirectory(Protocol):
    def attach(self, tenant_id: str, client_id: str, *, now: datetime) -> None:
        """Raises ClientTakenError if another tenant holds it (a no-op if this one does)."""
        ...

    def owner(self, client_id: str) -> str | None: ...

    def clients(self, tenant_id: str | None = None) -> list[str]:
        """One tenant's client ids, or every attached client id, sorted."""
        ...


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    fingerprint: str
    response_json: str | None  # None while the first request is still running


class IdempotencyStore(Protocol):
    def claim(
        self, tenant_id: str, key: str, fingerprint: str, *, now: datetime
    ) -> IdempotencyRecord | None:
        """Claim the key for a new request (None), or return what is stored under it. A claim
        of the same request left unfinished for longer than the store's lease is taken over
        (None): its request was cut off by a crash, and a retry may run it again."""
        ...

    def complete(self, tenant_id: str, key: str, response_json: str, *, now: datetime) -> None: ...

    def release(self, tenant_id: str, key: str) -> None:
        """Forget an unfinished claim (the request failed), so a retry runs afresh."""
        ...
