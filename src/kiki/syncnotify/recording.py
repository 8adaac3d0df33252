"""RecordingNotifier: keeps the alerts it is sent, in order (the demo and tests read them).

Pure and in-process, so it lives with SyncNotify rather than among the adapters; it is never
wired into ``kiki serve`` (it would keep every alert forever).
"""

from __future__ import annotations

import threading

from kiki.syncnotify.alert import Alert


class RecordingNotifier:
    def __init__(self) -> None:
        self.alerts: list[Alert] = []
        self._lock = threading.Lock()

    def send(self, alert: Alert) -> None:
        with self._lock:
            self.alerts.append(alert)
