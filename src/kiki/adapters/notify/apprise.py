"""AppriseNotifier: alerts to Slack, email, SMS or webhooks through apprise URLs."""

from __future__ import annotations

import apprise

from kiki.core.errors import ConfigurationError
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import DeliveryError

_TYPES = {
    Severity.INFO: apprise.NotifyType.INFO,
    Severity.WARNING: apprise.NotifyType.WARNING,
    Severity.CRITICAL: apprise.NotifyType.FAILURE,
}


class AppriseNotifier:
    def __init__(self, urls: list[str]) -> None:
        self._apprise = apprise.Apprise()
        for url in urls:
            if not self._apprise.add(url):
                raise ConfigurationError(f"notify_urls: apprise does not understand {url!r}")

    def send(self, alert: Alert) -> None:
        client = f"[{alert.client_id}] " if alert.client_id else ""
        delivered = self._apprise.notify(
            title=f"KIKI {alert.severity.value}: {client}{alert.title}",
            body=alert.message,
            notify_type=_TYPES[alert.severity],
        )
        if not delivered:
            raise DeliveryError(f"alert {alert.title!r} was not delivered to any destination")
