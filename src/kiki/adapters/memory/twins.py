"""MemoryTwinWorlds: fresh in-process stores for each chaos-suite twin (nothing outlives it)."""

from __future__ import annotations

from kiki.adapters.memory.audit import InMemoryAuditLog
from kiki.adapters.memory.campaign_book import InMemoryCampaignBook
from kiki.adapters.memory.guardian import InMemoryGuardMemoryStore
from kiki.adapters.memory.sandbox_store import InMemorySandboxStore


class MemoryTwinWorlds:
    """Implements SyncTwin's TwinWorlds."""

    def sandbox_store(self) -> InMemorySandboxStore:
        return InMemorySandboxStore()

    def campaign_book(self) -> InMemoryCampaignBook:
        return InMemoryCampaignBook()

    def audit_log(self) -> InMemoryAuditLog:
        return InMemoryAuditLog()

    def guard_memory(self) -> InMemoryGuardMemoryStore:
        return InMemoryGuardMemoryStore()
