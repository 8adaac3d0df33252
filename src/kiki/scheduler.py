"""The service's clock-driven work (APScheduler 3): a cycle for every tenant client each
CheckInterval, the nightly slot (default 00:00 UTC) that runs the registered nightly jobs, and
the gate's weekly review (``KIKI_REVIEW_CRON``, default Monday 06:00 UTC).

The nightly slot is a hook: components register jobs with ``register_nightly``; the chaos
suite (its own issue) is meant to be the first. Until then the slot runs and does nothing.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kiki.application.services import Services
from kiki.core.clock import Clock
from kiki.core.errors import ConfigurationError, StorageError
from kiki.platforms.errors import PlatformError, UnknownClientError
from kiki.syncledger.errors import FencedOutError

log = logging.getLogger("kiki.scheduler")

NightlyJob = Callable[[Services], None]
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS = re.compile(r"([0-7])(?:-([0-7]))?")


def crontab(expression: str, *, setting: str) -> CronTrigger:
    """A UTC trigger for a five-field crontab read as cron reads it. APScheduler 3 numbers the
    days of the week from Monday = 0, cron from Sunday = 0 (or 7): ``0 6 * * 1`` would fire on
    Tuesdays. So day numbers become names first (``1-5`` becomes ``mon,tue,wed,thu,fri``); a
    step in the day-of-week field (``*/2``) is refused rather than read one way or the other."""
    fields = expression.split()
    if len(fields) != 5:
        raise ConfigurationError(f"{setting}: {expression!r} is not a five-field crontab")
    if "/" in fields[4]:
        raise ConfigurationError(f"{setting}: list the days of the week rather than a step")
    fields[4] = ",".join(_day_names(part) for part in fields[4].split(","))
    try:
        return CronTrigger.from_crontab(" ".join(fields), timezone="UTC")
    except ValueError as exc:
        raise ConfigurationError(f"{setting}: {exc}") from None


def _day_names(part: str) -> str:
    match = _DAYS.fullmatch(part)
    if match is None:
        return part  # a name, a range of names or *: the same in both readings
    first, last = int(match[1]), int(match[2] or match[1])
    if first > last:
        return part  # refused by APScheduler, as by cron
    return ",".join(_WEEKDAYS[d] for d in range(first, last + 1))


MAX_BACKOFF_S = 3600.0


class Backoff:
    """After a failing dependency, wait before trying again: the interval, then twice, four
    times, … as long, at most ``cap_s`` (and never less than the interval); a success resets."""

    def __init__(self, clock: Clock, *, base_s: float, cap_s: float = MAX_BACKOFF_S) -> None:
        self._clock = clock
        self._base_s = base_s
        self._cap_s = max(cap_s, base_s)
        self.failures = 0
        self.until: datetime | None = None

    def waiting(self) -> bool:
        return self.until is not None and self._clock.now() < self.until

    def failed(self) -> float:
        """Count a failure; returns the delay before the next attempt, in seconds."""
        self.failures += 1
        delay: float = min(self._base_s * 2.0 ** min(self.failures - 1, 32), self._cap_s)
        self.until = self._clock.now() + timedelta(seconds=delay)
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self.until = None


class ServiceScheduler:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._stopping = threading.Event()
        self._storage_down = threading.Event()  # set by a cycle that met a StorageError
        self.backoff = Backoff(
            services.ports.clock, base_s=services.ports.settings.check_interval_s
        )
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
            next_run_time=services.ports.clock.now(),  # the first pass at start, not later
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
            self.run_mirror,
            IntervalTrigger(seconds=settings.mirror_interval_s),
            id="mirror",
            name="the real-to-sim mirror: every live campaign against its projection",
            max_instances=1,
            coalesce=True,
        )
        self._scheduler.add_job(
            self.run_nightly,
            crontab(settings.chaos_cron, setting="chaos_cron (KIKI_CHAOS_CRON)"),
            id="nightly",
            name="nightly jobs (chaos suite slot)",
            max_instances=1,
            coalesce=True,
        )
        self._scheduler.add_job(
            self.run_gate_review,
            crontab(settings.review_cron, setting="review_cron (KIKI_REVIEW_CRON)"),
            id="gate-review",
            name="weekly review of the gate's rejected campaigns",
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
        self.observe_gate()  # the gauges show the trailing rates before the first review
        self._scheduler.start()

    def stop(self) -> None:
        """Take no new work; wait for the cycle in flight to finish."""
        self._stopping.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def dependencies_up(self, job: str) -> bool:
        """Whether a pass may start: not while backing off, nor while a configured dependency
        (database, Redis, …) does not answer; that starts (or lengthens) the backoff, logged
        once per attempt rather than once per client."""
        if self.backoff.waiting():
            return False
        down = sorted(name for name, up in self._services.readiness().items() if not up)
        if not down:
            return True
        delay = self.backoff.failed()
        log.warning("%s: %s down; next try in %.0f s", job, ", ".join(down), delay)
        return False

    def run_cycles(self) -> int:
        """One pass over every tenant client, ``cycle_concurrency`` cycles at a time (one per
        client: its lease); returns how many cycles ran. No failure of one client, of any
        kind, stops the pass: it is logged and counted by cause. A stop request ends the pass:
        cycles in flight finish, no new one starts. A dependency down (before the pass, or a
        storage failure in it) starts no new cycle and backs off (``Backoff``)."""
        if not self.dependencies_up("cycles"):
            return 0
        self._storage_down.clear()
        clients = self._services.clients()
        workers = self._services.ports.settings.cycle_concurrency
        with ThreadPoolExecutor(workers, thread_name_prefix="cycle") as pool:
            ran = sum(pool.map(self._one_cycle, clients))
        if self._storage_down.is_set():
            delay = self.backoff.failed()
            log.warning("cycles: the database failed; next pass in %.0f s", delay)
        else:
            self.backoff.succeeded()
        return ran

    def _one_cycle(self, client_id: str) -> int:
        if self._stopping.is_set() or self._storage_down.is_set():
            return 0
        try:
            report = self._services.run_cycle(client_id, wait=False)
        except Exception as exc:  # noqa: BLE001  # isolation: one client never stops the pass
            cause = failure_cause(exc)
            if cause == "storage":  # the next clients would fail the same way: stop the pass
                self._storage_down.set()
            self._services.ports.metrics.count_cycle_failure(cause)
            log.warning("cycle for %s failed (%s): %s", client_id, cause, exc)
            return 0
        log.info("cycle for %s: %s", client_id, report.status.value)
        return 1

    def run_guardian(self) -> int:
        """One MarginGuardian pass over every client; returns how many actions it took."""
        if self._stopping.is_set() or not self.dependencies_up("guardian"):
            return 0
        try:
            reports = self._services.run_guardian()
        except Exception as exc:  # noqa: BLE001  # a failed pass must not stop the scheduler
            log.warning("guardian pass failed (%s): %s", failure_cause(exc), exc)
            return 0
        return sum(len(report.actions) for report in reports)

    def run_mirror(self) -> int:
        """Publish every live campaign into the mirror here; returns how many events."""
        if self._stopping.is_set():
            return 0
        try:
            return self._services.publish_mirror().events
        except Exception as exc:  # noqa: BLE001  # a failed pass must not stop the scheduler
            log.warning("mirror pass failed (%s): %s", failure_cause(exc), exc)
            return 0

    def run_nightly(self) -> list[str]:
        """Run each registered nightly job; returns the names that completed."""
        done: list[str] = []
        for name, job in sorted(self._nightly.items()):
            if self._stopping.is_set():
                break
            try:
                job(self._services)
            except Exception as exc:  # noqa: BLE001  # one job's failure never stops the others
                log.warning("nightly job %s failed: %s", name, exc)
                continue
            done.append(name)
        return done

    def run_gate_review(self) -> int:
        """The weekly review of every client and the fleet; returns how many alerts it raised.
        A failure is logged (the next week tries again)."""
        if self._stopping.is_set():
            return 0
        try:
            reviews = self._services.run_gate_reviews()
        except Exception as exc:  # noqa: BLE001  # a failed review must not stop the scheduler
            log.warning("weekly gate review failed (%s): %s", failure_cause(exc), exc)
            return 0
        alerts = sum(1 for r in reviews if r.alert)
        log.info("weekly gate review: %d reviews, %d alerts", len(reviews), alerts)
        return alerts

    def observe_gate(self) -> None:
        """Set the gate's gauges from the fleet's review, sending no alert."""
        try:
            self._services.observe_gate()
        except Exception as exc:  # noqa: BLE001  # gauges are not worth stopping for
            log.warning("gate gauges not set (%s): %s", failure_cause(exc), exc)


def failure_cause(exc: BaseException) -> str:
    """A bounded label for a failed cycle (metrics carry no per-client label)."""
    causes: list[tuple[type[BaseException], str]] = [
        (UnknownClientError, "unknown_client"),
        (PlatformError, "platform"),
        (StorageError, "storage"),
        (FencedOutError, "fenced"),
    ]
    return next((cause for kind, cause in causes if isinstance(exc, kind)), "unexpected")
