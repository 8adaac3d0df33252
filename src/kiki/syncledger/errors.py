"""SyncLedger's errors."""

from kiki.core.errors import KikiError


class LedgerError(KikiError):
    """The ledger refused or failed a write."""


class TransferConflictError(LedgerError):
    """A transfer id was reused with different content; the first record stands."""


class FencedOutError(LedgerError):
    """The cycle's lease was lost to another holder: it must not write or act any further."""
