"""InMemoryConnectionBook: platform connections in this process (tests, the fakes' harness)."""

from __future__ import annotations

import threading

from kiki.core.platform import Platform
from kiki.platforms.connections import Connection


class InMemoryConnectionBook:
    """Implements ConnectionBook."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, Platform], Connection] = {}
        self._lock = threading.Lock()

    def connect(self, connection: Connection) -> Connection | None:
        with self._lock:
            key = (connection.client_id, connection.platform)
            previous = self._rows.get(key)
            self._rows[key] = connection
            return previous

    def disconnect(self, client_id: str, platform: Platform) -> Connection | None:
        with self._lock:
            return self._rows.pop((client_id, platform), None)

    def get(self, client_id: str, platform: Platform) -> Connection | None:
        with self._lock:
            return self._rows.get((client_id, platform))

    def of(self, client_id: str | None = None) -> list[Connection]:
        with self._lock:
            found = [c for c in self._rows.values() if client_id in (None, c.client_id)]
        return sorted(found, key=lambda c: (c.client_id, c.platform.rank))
