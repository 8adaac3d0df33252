"""SyncFlow's errors."""

from kiki.core.errors import KikiError


class SyncFlowError(KikiError):
    """The optimiser could not do what it was asked."""


class CycleInProgressError(SyncFlowError):
    """Another optimisation cycle holds this client's lock."""


class ClientStuckError(SyncFlowError):
    """A stuck client cannot resume: its platforms and its ledger still disagree."""
