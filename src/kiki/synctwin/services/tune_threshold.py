"""Tune the gate's confidence threshold on real outcomes and, when asked, apply it (audited).

Too few outcomes, or no threshold meeting the targets, is an expected answer, not an error: a
new client starts there and the weekly job meets it every week. So it is returned as a value
(``ThresholdChange.status`` REFUSED, with the tuning's typed ``Refusal``s), nothing is stored
and nothing audited; an entrypoint maps it to its own exit code or status. InvalidInputError is
kept for input that breaks a rule (a naive or empty period, a default outside (0, 1)).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiki.core.clock import Clock
from kiki.core.errors import InvalidInputError
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.domain.calibration import Calibration, calibrate
from kiki.synctwin.domain.simulation import DEFAULT_THRESHOLD
from kiki.synctwin.domain.tuning import Refusal, Tuning, tune
from kiki.synctwin.ports import ALL_CLIENTS, GateDecisionStore, ThresholdBook
from kiki.synctwin.services.calibration import judged_outcomes

GATE_THRESHOLD_CHANGED = "GATE_THRESHOLD_CHANGED"


class ChangeStatus(enum.Enum):
    APPLIED = "APPLIED"  # stored in the book and audited
    PROPOSED = "PROPOSED"  # a different threshold is recommended; apply was not asked
    UNCHANGED = "UNCHANGED"  # the recommendation is the threshold in force
    REFUSED = "REFUSED"  # nothing recommended: see tuning.refusals


@dataclass(frozen=True, slots=True)
class ThresholdChange:
    scope: str  # the client id, or ALL_CLIENTS for the fleet-wide threshold
    previous: float  # the threshold in force before (book, else fleet, else default)
    tuning: Tuning
    calibration: Calibration
    since: datetime | None
    until: datetime
    status: ChangeStatus

    @property
    def threshold(self) -> float | None:
        """The recommended threshold (None when refused)."""
        r = self.tuning.recommended
        return None if r is None else r.threshold

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        return self.tuning.refusals

    def evidence(self) -> dict[str, Any]:
        """What is stored with the threshold and audited: JSON-plain, money in micros."""
        c = self.calibration
        r = self.tuning.recommended
        return {
            "scope": self.scope,
            "previous_threshold": self.previous,
            "threshold": self.threshold,
            "window": {
                "since": None if self.since is None else self.since.isoformat(),
                "until": self.until.isoformat(),
            },
            "outcomes": self.tuning.outcomes,
            "profitable": self.tuning.profitable,
            "losing": self.tuning.losing,
            "minimum": {"profitable": self.tuning.min_profitable, "losing": self.tuning.min_losing},
            "targets": {
                "false_negative_rate": self.tuning.fn_target,
                "false_positive_rate": self.tuning.fp_target,
            },
            "current": self.tuning.current.to_dict(),
            "recommended": None if r is None else r.to_dict(),
            "refusals": [x.value for x in self.refusals],
            "explanation": self.tuning.explain(self.calibration),
            "calibration": {
                "brier_score": c.brier_score,
                "log_loss": c.log_loss,
                "expected_calibration_error": c.expected_calibration_error,
                "miscalibrated": c.miscalibrated,
            },
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.evidence(),
            "status": self.status.value,
            "candidates": [x.to_dict() for x in self.tuning.candidates],
        }


def effective_threshold(
    client_id: str | None, *, book: ThresholdBook, default: float = DEFAULT_THRESHOLD
) -> float:
    """The client's own threshold, else the fleet's, else ``default`` (the setting)."""
    if client_id is not None:
        own = book.get(client_id)
        if own is not None:
            return own
    fleet = book.get(ALL_CLIENTS)
    return default if fleet is None else fleet


def tune_threshold(
    client_id: str | None = None,
    *,
    store: GateDecisionStore,
    book: ThresholdBook,
    audit: AuditLog,
    clock: Clock,
    apply: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    default_threshold: float = DEFAULT_THRESHOLD,
) -> ThresholdChange:
    """Recommend a threshold from the decisions of [since, until) with outcomes (until defaults
    to now); with ``apply``, put a changed recommendation in ``book`` for the client (or for
    ALL_CLIENTS) and audit GATE_THRESHOLD_CHANGED with the evidence."""
    if not 0 < default_threshold < 1:
        raise InvalidInputError("default_threshold", "must be in (0, 1)")
    until = clock.now() if until is None else until
    outcomes = judged_outcomes(store.decisions(client_id=client_id), since=since, until=until)
    previous = effective_threshold(client_id, book=book, default=default_threshold)
    tuning = tune(outcomes, current=previous)
    if tuning.recommended is None:
        status = ChangeStatus.REFUSED
    elif tuning.recommended.threshold == previous:
        status = ChangeStatus.UNCHANGED
    else:
        status = ChangeStatus.APPLIED if apply else ChangeStatus.PROPOSED
    change = ThresholdChange(
        scope=ALL_CLIENTS if client_id is None else client_id,
        previous=previous,
        tuning=tuning,
        calibration=calibrate(outcomes, client_id=client_id),
        since=since,
        until=until,
        status=status,
    )
    if status is ChangeStatus.APPLIED and change.threshold is not None:
        now = clock.now()
        evidence = change.evidence()
        book.put(change.scope, change.threshold, evidence, now)
        audit.append(
            AuditEvent(
                event_type=GATE_THRESHOLD_CHANGED,
                at=now,
                client_id=client_id,
                reason=f"{previous} -> {change.threshold}",
                metadata=evidence,
            )
        )
    return change
