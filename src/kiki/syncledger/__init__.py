"""SyncLedger: a double-entry ledger of budget moves between a client's platform accounts."""

from kiki.syncledger.errors import LedgerError, TransferConflictError
from kiki.syncledger.ledger import (
    IN_TRANSIT,
    ShiftRecord,
    ShiftStatus,
    Transfer,
    TransferKind,
    balances,
    budget_account,
    summarize_shifts,
)
from kiki.syncledger.ports import Ledger

__all__ = [
    "IN_TRANSIT",
    "Ledger",
    "LedgerError",
    "ShiftRecord",
    "ShiftStatus",
    "Transfer",
    "TransferConflictError",
    "TransferKind",
    "balances",
    "budget_account",
    "summarize_shifts",
]
