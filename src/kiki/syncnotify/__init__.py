"""SyncNotify: alerts to people, through a Notifier port (console, recording, apprise)."""

from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import DeliveryError, NotifyError
from kiki.syncnotify.ports import Notifier

__all__ = ["Alert", "DeliveryError", "Notifier", "NotifyError", "Severity"]
