"""Notifiers that need nothing installed: one prints, one records (for tests and the demo)."""

from __future__ import annotations

import sys
import threading
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


class RecordingNotifier:
    """Keeps every alert it is sent, in order; a test asserts on ``alerts``."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []
        self._lock = threading.Lock()

    def send(self, alert: Alert) -> None:
        with self._lock:
            self.alerts.append(alert)


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
