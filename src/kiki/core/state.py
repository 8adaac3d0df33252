"""The StateStore port: small shared state with expiry, and locks that expire with their holder."""

from __future__ import annotations

from typing import Protocol


class StateStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None: ...

    def delete(self, key: str) -> None: ...

    def acquire_lock(self, key: str, *, ttl_s: float) -> str | None:
        """Take the lock and return its token, or None if someone else holds it."""
        ...

    def release_lock(self, key: str, token: str) -> bool:
        """Release the lock if ``token`` still holds it; False if it expired or moved on."""
        ...
