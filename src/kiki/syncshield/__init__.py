"""SyncShield: an append-only, hash-chained audit trail."""

from kiki.syncshield.chain import (
    GENESIS_HASH,
    AuditEntry,
    AuditEvent,
    ChainReport,
    entry_hash,
    verify_chain,
)
from kiki.syncshield.errors import AuditChainBrokenError, AuditError
from kiki.syncshield.ports import AuditLog

__all__ = [
    "GENESIS_HASH",
    "AuditChainBrokenError",
    "AuditEntry",
    "AuditError",
    "AuditEvent",
    "AuditLog",
    "ChainReport",
    "entry_hash",
    "verify_chain",
]
