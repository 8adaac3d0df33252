"""Whether the service is alive and ready: shared by /readyz and gRPC health checking."""

from __future__ import annotations

import threading
from collections.abc import Callable

from kiki.application.services import Services


class ServiceState:
    """Serving until ``stop_serving``; ready while serving, every configured dependency answers
    (the probes bootstrap registered: database, Redis, …) and the scheduler runs."""

    def __init__(
        self, services: Services, *, scheduler_running: Callable[[], bool] | None = None
    ) -> None:
        self._services = services
        self._scheduler_running = scheduler_running or (lambda: True)
        self._serving = threading.Event()
        self._serving.set()
        self._listeners: list[Callable[[bool], None]] = []

    @property
    def serving(self) -> bool:
        return self._serving.is_set()

    def on_change(self, listener: Callable[[bool], None]) -> None:
        self._listeners.append(listener)

    def stop_serving(self) -> None:
        self._serving.clear()
        for listener in self._listeners:
            listener(False)

    def readiness(self) -> dict[str, bool]:
        checks = {
            "serving": self.serving,
            **self._services.readiness(),
            "scheduler": self._scheduler_running(),
        }
        return {**checks, "ready": all(checks.values())}

    def ready(self) -> bool:
        return self.readiness()["ready"]
