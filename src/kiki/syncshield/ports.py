"""The AuditLog port."""

from __future__ import annotations

from typing import Protocol

from kiki.syncshield.chain import AuditEntry, AuditEvent, ChainReport


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> AuditEntry:
        """Chain ``event`` after the last entry, atomically, and return the stored entry."""
        ...

    def entries(
        self, *, client_id: str | None = None, event_type: str | None = None
    ) -> list[AuditEntry]: ...

    def verify(self) -> ChainReport:
        """Recompute the whole chain against the stored head."""
        ...
