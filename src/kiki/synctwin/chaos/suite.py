"""The chaos suite: the seed's test campaign and a copy of every live campaign, each shocked
four ways in twins; then the counts, a CRITICAL alert on any failure, and the audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kiki.core.clock import Clock
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import DeliveryError
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.chaos.copies import CampaignCopy, ClientCopy
from kiki.synctwin.chaos.ports import ChaosFanout, ChaosMetrics, ScenarioPlan, TwinWorlds
from kiki.synctwin.chaos.results import ChaosReport, ChaosResult
from kiki.synctwin.chaos.scenarios import RUNNERS
from kiki.synctwin.chaos.seed_campaign import seed_copies

CHAOS_TEST_COMPLETED = "CHAOS_TEST_COMPLETED"
FAILED_TITLE = "Chaos Tests Failed"
AUDITED_RESULTS = 200  # beyond this, the audit entry lists the failures and the seed's tests


def run_chaos_suite(
    clients: Sequence[ClientCopy],
    *,
    plan: ScenarioPlan,
    seed_thresholds: GuardianThresholds,
    worlds: TwinWorlds,
    fanout: ChaosFanout,
    extra: Sequence[CampaignCopy] = (),
    audit: AuditLog,
    notifier: Notifier,
    metrics: ChaosMetrics,
    clock: Clock,
    client_id: str | None = None,
) -> ChaosReport:
    """``clients`` are the copies already taken: nothing here reads or writes a live gateway."""
    results: list[ChaosResult] = []
    for test, copy in seed_copies(seed_thresholds, day_start=plan.day_start).items():
        results.append(RUNNERS[test](copy, plan, worlds, day_start=plan.day_start))
    batches = [list(c.campaigns) for c in clients if c.campaigns]
    if extra:
        batches.append(list(extra))
    for batch in fanout.run(batches, plan):
        results += batch
    skipped = {k: v for c in clients for k, v in c.skipped.items()}
    report = ChaosReport(clock.now(), tuple(results), skipped)
    record_report(report, audit=audit, notifier=notifier, metrics=metrics, client_id=client_id)
    return report


def record_report(
    report: ChaosReport,
    *,
    audit: AuditLog,
    notifier: Notifier,
    metrics: ChaosMetrics,
    client_id: str | None,
) -> None:
    for result in report.results:
        metrics.count_chaos_test(result.test.value, result.passed)
    failures = report.failures
    total = len(report.results)
    audit.append(
        AuditEvent(
            CHAOS_TEST_COMPLETED,
            report.at,
            client_id,
            reason=f"{report.passed}/{total} passed",
            metadata=audit_metadata(report),
        )
    )
    if not failures:
        return
    alert = Alert(
        Severity.CRITICAL,
        FAILED_TITLE,
        f"{len(failures)}/{total} chaos tests failed. MarginGuardian may not protect clients.",
        client_id,
        {"failures": [f.as_seed_dict() for f in failures[:AUDITED_RESULTS]]},
    )
    try:
        notifier.send(alert)
    except DeliveryError as exc:
        audit.append(
            AuditEvent(
                "ALERT_UNDELIVERED",
                report.at,
                client_id,
                reason=str(exc),
                metadata={"title": FAILED_TITLE},
            )
        )


def audit_metadata(report: ChaosReport) -> dict[str, Any]:
    """The seed's metadata; a run of more than 200 tests lists the failures and the seed's own
    tests, and says how many passing results it left out (the counts are always whole)."""
    body = report.metadata()
    if len(report.results) <= AUDITED_RESULTS:
        return body
    kept = [r for r in report.results if not r.passed or r.client_id is None]
    body["results"] = [r.as_seed_dict() for r in kept[:AUDITED_RESULTS]]
    body["results_left_out"] = len(report.results) - len(body["results"])
    return body


def day_start_of(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
