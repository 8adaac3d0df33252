"""SyncNotify's errors."""

from kiki.core.errors import KikiError


class NotifyError(KikiError):
    """Alerting failed."""


class DeliveryError(NotifyError):
    """An alert could not be delivered to any of its destinations."""
