"""Notifiers that need nothing installed: one prints, one fans out to several."""

from __future__ import annotations

import sys
from typing import TextIO

from kiki.syncnotify.alert import Alert
from kiki.syncnotify.errors import DeliveryError, NotifyError
from kiki.syncnotify.ports import Notifier


class ConsoleNotifier:
    """Writes one line per alert to a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, alert: Alert) -> None:
        stream = self._stream or sys.stderr
        client = f" [{alert.client_id}]" if alert.client_id else ""
        stream.write(f"ALERT {alert.severity.value}{client} {alert.title}: {alert.message}\n")
        stream.flush()


class FanoutNotifier:
    """Sends each alert to every notifier it holds; one failing does not stop the others."""

    def __init__(self, *notifiers: Notifier) -> None:
        self._notifiers = notifiers

    def send(self, alert: Alert) -> None:
        failures: list[str] = []
        for notifier in self._notifiers:
            try:
                notifier.send(alert)
            except NotifyError as exc:
                failures.append(str(exc))
        if failures:
            raise DeliveryError("; ".join(failures))
