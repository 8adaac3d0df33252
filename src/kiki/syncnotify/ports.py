"""The Notifier port."""

from __future__ import annotations

from typing import Protocol

from kiki.syncnotify.alert import Alert


class Notifier(Protocol):
    def send(self, alert: Alert) -> None:
        """Deliver ``alert``; raises DeliveryError if no destination took it."""
        ...
