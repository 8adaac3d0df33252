"""The service's clock-driven work (APScheduler 3): a cycle for every tenant client each
CheckInterval, and the nightly slot (default 00:00 UTC) that runs the registered nightly jobs.

The nightly slot is a hook: components register jobs with ``register_nightly``; the chaos
suite (its own issue) is meant to be the first. Until then the slot runs and does nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kiki.application.services import Services
from kiki.core.errors import KikiError

log = logging.getLogger("kiki.scheduler")

NightlyJob = Callable[[Services], None]


class ServiceScheduler:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._stopping = threading.Event()
        self._nightly: dict[str, NightlyJob] = {}
        self._scheduler = BackgroundScheduler(timezone="UTC")
        settings = services.ports.settings
        self._scheduler.add_job(
            self.run_cycles,
            IntervalTrigger(seconds=settings.check_interval_s),
            id="optimize",
            name="optimisation cycle for every tenant client",
            max_instances=1,  # an overrunning pass is not started twice
            coalesce=True,  # missed passes run once, not once each
        )
        self._scheduler.add_job(
            self.run_guardian,
            IntervalTrigger(seconds=settings.guardian_interval_s),
            id="guardian",
            name="MarginGuardian pass over every active campaign",
            max_instances=1,
            coalesce=True,
        )
        self._scheduler.add_job(
            self.run_nightly,
            CronTrigger.from_crontab(settings.chaos_cron, timezone="UTC"),
            id="nightly",
            name="nightly jobs (chaos suite slot)",
            max_instances=1,
            coalesce=True,
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running) and not self._stopping.is_set()

    def register_nightly(self, name: str, job: NightlyJob) -> None:
        self._nightly[name] = job

    @property
    def nightly_jobs(self) -> list[str]:
        return sorted(self._nightly)

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        """Take no new work; wait for the cycle in flight to finish."""
        self._stopping.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def run_cycles(self) -> int:
        """One pass over every tenant client; returns how many cycles ran. A client's failure
        is logged and the pass goes on; a stop request ends the pass between clients."""
        ran = 0
        for client_id in self._services.clients():
            if self._stopping.is_set():
                break
            try:
                report = self._services.run_cycle(client_id)
            except KikiError as exc:
                log.warning("cycle for %s failed: %s", client_id, exc)
                continue
            ran += 1
            log.info("cycle for %s: %s", client_id, report.status.value)
        return ran

    def run_guardian(self) -> int:
        """One MarginGuardian pass over every client; returns how many actions it took."""
        if self._stopping.is_set():
            return 0
        try:
            reports = self._services.run_guardian()
        except KikiError as exc:
            log.warning("guardian pass failed: %s", exc)
            return 0
        return sum(len(report.actions) for report in reports)

    def run_nightly(self) -> list[str]:
        """Run each registered nightly job; returns the names that completed."""
        done: list[str] = []
        for name, job in sorted(self._nightly.items()):
            if self._stopping.is_set():
                break
            try:
                job(self._services)
            except KikiError as exc:
                log.warning("nightly job %s failed: %s", name, exc)
                continue
            done.append(name)
        return done
