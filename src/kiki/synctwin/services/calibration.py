"""Read the gate's judged decisions out of the store, and how calibrated their confidence was."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kiki.core.errors import InvalidInputError
from kiki.synctwin.domain.calibration import DEFAULT_BINS, CalibrationReport, calibrate_by_client
from kiki.synctwin.domain.outcomes import DecisionOutcome
from kiki.synctwin.ports import GateDecision, GateDecisionStore


def judged_outcomes(
    decisions: Iterable[GateDecision],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[DecisionOutcome]:
    """The decisions taken in [since, until) whose real net profit is known, as outcomes."""
    check_period(since, until)
    return [
        DecisionOutcome(d.confidence, d.actual_net_profit, d.client_id, d.decision_id)
        for d in decisions
        if d.actual_net_profit is not None
        and (since is None or d.at >= since)
        and (until is None or d.at < until)
    ]


def report_calibration(
    client_id: str | None = None,
    *,
    store: GateDecisionStore,
    since: datetime | None = None,
    until: datetime | None = None,
    bins: int = DEFAULT_BINS,
) -> CalibrationReport:
    """Reliability, Brier score, log loss and ECE of the decisions of [since, until) with
    outcomes: per client and overall (with ``client_id``, that client's alone)."""
    if bins < 1:
        raise InvalidInputError("bins", "must be at least 1")
    decisions = store.decisions(client_id=client_id)
    return calibrate_by_client(judged_outcomes(decisions, since=since, until=until), bins=bins)


def check_period(since: datetime | None, until: datetime | None) -> None:
    """InvalidInputError, naming the field, for a naive instant or an empty period."""
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInputError(name, "must be timezone-aware")
    if since is not None and until is not None and since >= until:
        raise InvalidInputError("since", "must be before until")
