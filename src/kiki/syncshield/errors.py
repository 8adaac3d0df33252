"""SyncShield's errors."""

from kiki.core.errors import KikiError


class AuditError(KikiError):
    """The audit trail refused or failed a write."""


class AuditChainBrokenError(AuditError):
    """Verification found an edited, inserted or deleted entry."""
