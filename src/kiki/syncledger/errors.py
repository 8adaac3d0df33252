"""SyncLedger's errors."""

from kiki.core.errors import KikiError


class LedgerError(KikiError):
    """The ledger refused or failed a write."""


class TransferConflictError(LedgerError):
    """A transfer id was reused with different content; the first record stands."""
