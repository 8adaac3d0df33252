"""InMemoryAuditLog: SyncShield's hash-chained trail in one process (the chaos suite's twins)."""

from __future__ import annotations

import threading

from kiki.syncshield.chain import (
    GENESIS_HASH,
    AuditEntry,
    AuditEvent,
    ChainReport,
    entry_hash,
    verify_chain,
)


class InMemoryAuditLog:
    """Implements AuditLog."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []
        self._lock = threading.Lock()

    def append(self, event: AuditEvent) -> AuditEntry:
        with self._lock:
            prev = self._entries[-1].hash if self._entries else GENESIS_HASH
            seq = len(self._entries) + 1
            entry = AuditEntry(seq, event, prev, entry_hash(prev, seq, event))
            self._entries.append(entry)
            return entry

    def entries(
        self, *, client_id: str | None = None, event_type: str | None = None
    ) -> list[AuditEntry]:
        with self._lock:
            return [
                e
                for e in self._entries
                if client_id in (None, e.event.client_id)
                and event_type in (None, e.event.event_type)
            ]

    def verify(self) -> ChainReport:
        with self._lock:
            entries = list(self._entries)
        last = entries[-1] if entries else None
        return verify_chain(
            entries,
            head_seq=0 if last is None else last.seq,
            head_hash=GENESIS_HASH if last is None else last.hash,
        )
