"""InMemoryStateStore: the StateStore of one process, with expiry on the injected clock."""

from __future__ import annotations

import secrets
import threading

from kiki.core.clock import Clock


class InMemoryStateStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._values: dict[str, tuple[str, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> str | None:
        item = self._values.get(key)
        if item is None:
            return None
        value, expires_at = item
        if expires_at is not None and self._clock.monotonic() >= expires_at:
            del self._values[key]
            return None
        return value

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key)

    def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None:
        with self._lock:
            expires = None if ttl_s is None else self._clock.monotonic() + ttl_s
            self._values[key] = (value, expires)

    def delete(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)

    def acquire_lock(self, key: str, *, ttl_s: float) -> str | None:
        with self._lock:
            if self._live(key) is not None:
                return None
            token = secrets.token_hex(16)
            self._values[key] = (token, self._clock.monotonic() + ttl_s)
            return token

    def release_lock(self, key: str, token: str) -> bool:
        with self._lock:
            if self._live(key) != token:
                return False
            del self._values[key]
            return True
