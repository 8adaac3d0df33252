"""The weekly review of rejected campaigns (seed 004, phase 4) and the alert it may raise.

Rates are the live gate's: each decision as it was taken (``approved``), scored on the outcomes
imported so far. They are judged over a trailing window (28 days by default: a week holds too
few outcomes to read a rate from, and campaigns report over 30 days) against the seed's targets,
and the alert fires when either reaches its target: FN >= 5 % or FP >= 10 %. Rates and targets
compare as floats; k / n is the correctly rounded quotient, so a rate of exactly 1 / 20 equals
the literal 0.05 and alerts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiki.core.clock import Clock
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.syncnotify.alert import Alert, Severity
from kiki.syncnotify.errors import NotifyError
from kiki.syncnotify.ports import Notifier
from kiki.syncshield.chain import AuditEvent
from kiki.syncshield.ports import AuditLog
from kiki.synctwin.domain.backtest import FN_TARGET, FP_TARGET, Confusion, confusion
from kiki.synctwin.domain.calibration import Calibration, calibrate
from kiki.synctwin.domain.outcomes import Proportion
from kiki.synctwin.domain.simulation import DEFAULT_THRESHOLD
from kiki.synctwin.domain.tuning import Tuning, tune
from kiki.synctwin.ports import GateDecision, GateDecisionStore, ThresholdBook
from kiki.synctwin.services.calibration import check_period, judged_outcomes
from kiki.synctwin.services.tune_threshold import effective_threshold

TRAILING_DAYS = 28
REVIEW_PERIOD = timedelta(days=7)


class ShadowVerdict(enum.Enum):
    FALSE_NEGATIVE = "FALSE_NEGATIVE"  # rejected, would have been profitable
    TRUE_NEGATIVE = "TRUE_NEGATIVE"  # rejected, would have lost money (or broken even)
    AWAITING_OUTCOME = "AWAITING_OUTCOME"


@dataclass(frozen=True, slots=True)
class RejectedCampaign:
    decision_id: str
    client_id: str
    at: datetime
    confidence: float  # unrounded
    risk_profile: str | None  # as recorded in the audited result
    projected_uplift: float | None  # currency units, as recorded (a float statistic)
    actual_net_profit: Money | None  # the shadow outcome, once imported

    @property
    def verdict(self) -> ShadowVerdict:
        if self.actual_net_profit is None:
            return ShadowVerdict.AWAITING_OUTCOME
        if self.actual_net_profit.micros > 0:
            return ShadowVerdict.FALSE_NEGATIVE
        return ShadowVerdict.TRUE_NEGATIVE

    def to_dict(self) -> dict[str, Any]:
        profit = self.actual_net_profit
        return {
            "decision_id": self.decision_id,
            "client_id": self.client_id,
            "at": self.at.isoformat(),
            "confidence": self.confidence,
            "risk_profile": self.risk_profile,
            "projected_net_profit_uplift": self.projected_uplift,
            "actual_net_profit_micros": None if profit is None else profit.micros,
            "shadow_verdict": self.verdict.value,
        }


@dataclass(frozen=True, slots=True)
class GateRates:
    """The live gate's error rates over [since, until), on the decisions with outcomes."""

    since: datetime
    until: datetime
    confusion: Confusion
    fn_target: float = FN_TARGET
    fp_target: float = FP_TARGET

    @property
    def false_negative_rate(self) -> Proportion:
        return Proportion.of(self.confusion.fn, self.confusion.fn + self.confusion.tp)

    @property
    def false_positive_rate(self) -> Proportion:
        return Proportion.of(self.confusion.fp, self.confusion.fp + self.confusion.tn)

    @property
    def fn_alert(self) -> bool:
        rate = self.false_negative_rate.value
        return rate is not None and rate >= self.fn_target

    @property
    def fp_alert(self) -> bool:
        rate = self.false_positive_rate.value
        return rate is not None and rate >= self.fp_target

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "true_positives": self.confusion.tp,
            "false_positives": self.confusion.fp,
            "true_negatives": self.confusion.tn,
            "false_negatives": self.confusion.fn,
            "false_negative_rate": self.false_negative_rate.to_dict(),
            "false_positive_rate": self.false_positive_rate.to_dict(),
            "targets": {
                "false_negative_rate": self.fn_target,
                "false_positive_rate": self.fp_target,
            },
            "false_negative_alert": self.fn_alert,
            "false_positive_alert": self.fp_alert,
        }


@dataclass(frozen=True, slots=True)
class WeeklyReview:
    client_id: str | None  # None: every client together
    since: datetime
    until: datetime
    rejected: tuple[RejectedCampaign, ...]  # rejected in [since, until), oldest first
    trailing: GateRates
    current_threshold: float
    tuning: Tuning  # on every outcome before ``until``: the recommendation or why none
    calibration: Calibration  # of the same outcomes as the tuning

    @property
    def alert(self) -> bool:
        return self.trailing.fn_alert or self.trailing.fp_alert

    @property
    def recommended_threshold(self) -> float | None:
        r = self.tuning.recommended
        return None if r is None else r.threshold

    @property
    def forgone(self) -> Money:
        """Profit the period's false negatives would have made."""
        return Money(sum(_profit(r) for r in self.rejected if _profit(r) > 0))

    @property
    def protected(self) -> Money:
        """Losses the period's true negatives would have made."""
        return Money(-sum(_profit(r) for r in self.rejected if _profit(r) <= 0))

    def count(self, verdict: ShadowVerdict) -> int:
        return sum(1 for r in self.rejected if r.verdict is verdict)

    def alert_reasons(self) -> tuple[str, ...]:
        t, reasons = self.trailing, []
        window = f"over the {(t.until - t.since).days} days to {t.until:%Y-%m-%d %H:%M} UTC"
        for fired, name, rate, target in (
            (t.fn_alert, "false-negative", t.false_negative_rate, t.fn_target),
            (t.fp_alert, "false-positive", t.false_positive_rate, t.fp_target),
        ):
            if fired:
                reasons.append(
                    f"{name} rate {rate.value:.1%} ({rate.count} of {rate.total}) {window} "
                    f"is at or above the {target:.0%} target"
                )
        return tuple(reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "rejected": [r.to_dict() for r in self.rejected],
            "summary": {
                "rejected": len(self.rejected),
                **{v.value.lower(): self.count(v) for v in ShadowVerdict},
                "forgone_micros": self.forgone.micros,
                "protected_micros": self.protected.micros,
            },
            "trailing": self.trailing.to_dict(),
            "alert": self.alert,
            "alert_reasons": list(self.alert_reasons()),
            "current_threshold": self.current_threshold,
            "recommended_threshold": self.recommended_threshold,
            "recommendation": self.tuning.explain(self.calibration),
            "refusals": [r.value for r in self.tuning.refusals],
            "calibration": {
                "outcomes": self.calibration.outcomes,
                "brier_score": self.calibration.brier_score,
                "expected_calibration_error": self.calibration.expected_calibration_error,
                "miscalibrated": self.calibration.miscalibrated,
            },
        }


def weekly_review(
    client_id: str | None = None,
    *,
    store: GateDecisionStore,
    since: datetime,
    until: datetime,
    book: ThresholdBook | None = None,
    default_threshold: float = DEFAULT_THRESHOLD,
    trailing_days: int = TRAILING_DAYS,
) -> WeeklyReview:
    """Review the campaigns rejected in [since, until), the gate's rates over the
    ``trailing_days`` before ``until``, and the threshold the outcomes so far recommend."""
    check_period(since, until)
    if isinstance(trailing_days, bool) or not isinstance(trailing_days, int) or trailing_days < 1:
        raise InvalidInputError("trailing_days", "must be a whole number of days, at least 1")
    decisions = store.decisions(client_id=client_id)
    current = (
        default_threshold
        if book is None
        else effective_threshold(client_id, book=book, default=default_threshold)
    )
    window_start = until - timedelta(days=trailing_days)
    judged = judged_outcomes(decisions, until=until)
    trailing = [
        d for d in decisions if d.actual_net_profit is not None and window_start <= d.at < until
    ]
    return WeeklyReview(
        client_id=client_id,
        since=since,
        until=until,
        rejected=tuple(_rejected(d) for d in decisions if not d.approved and since <= d.at < until),
        trailing=GateRates(
            since=window_start,
            until=until,
            confusion=confusion(
                [d.approved for d in trailing],
                [
                    d.actual_net_profit is not None and d.actual_net_profit.micros > 0
                    for d in trailing
                ],
            ),
        ),
        current_threshold=current,
        tuning=tune(judged, current=current),
        calibration=calibrate(judged, client_id=client_id),
    )


def review_alert(review: WeeklyReview) -> Alert | None:
    """The alert the review calls for, with the recommended threshold in it; None if none."""
    if not review.alert:
        return None
    scope = "every client" if review.client_id is None else f"client {review.client_id}"
    recommended = review.recommended_threshold
    advice = (
        f"recommended threshold {recommended:.4f} (in force: {review.current_threshold})"
        if recommended is not None
        else f"{review.tuning.explain(review.calibration)} (in force: {review.current_threshold})"
    )
    return Alert(
        severity=Severity.WARNING,
        title=f"SyncTwin gate misses its targets for {scope}",
        message="; ".join(review.alert_reasons()) + f"; {advice}",
        client_id=review.client_id,
        details={
            "trailing": review.trailing.to_dict(),
            "current_threshold": review.current_threshold,
            "recommended_threshold": recommended,
            "refusals": [r.value for r in review.tuning.refusals],
        },
    )


def run_weekly_review(
    *,
    store: GateDecisionStore,
    book: ThresholdBook,
    notifier: Notifier,
    audit: AuditLog,
    clock: Clock,
    default_threshold: float = DEFAULT_THRESHOLD,
    trailing_days: int = TRAILING_DAYS,
) -> list[WeeklyReview]:
    """The weekly job: review the last 7 days for every client with decisions, then for all of
    them together, and send each alert due. An undelivered alert is audited, not retried."""
    until = clock.now()
    since = until - REVIEW_PERIOD
    clients = sorted({d.client_id for d in store.decisions()})
    reviews = [
        weekly_review(
            client,
            store=store,
            since=since,
            until=until,
            book=book,
            default_threshold=default_threshold,
            trailing_days=trailing_days,
        )
        for client in [*clients, None]
    ]
    for review in reviews:
        alert = review_alert(review)
        if alert is None:
            continue
        try:
            notifier.send(alert)
        except NotifyError as exc:
            audit.append(
                AuditEvent(
                    "ALERT_UNDELIVERED",
                    clock.now(),
                    alert.client_id,
                    reason=str(exc),
                    metadata={"title": alert.title, "severity": alert.severity.value},
                )
            )
    return reviews


def _rejected(decision: GateDecision) -> RejectedCampaign:
    result = decision.result
    profile = result.get("risk_profile")
    projected = result.get("projected_net_profit_uplift")
    return RejectedCampaign(
        decision_id=decision.decision_id,
        client_id=decision.client_id,
        at=decision.at,
        confidence=decision.confidence,
        risk_profile=profile if isinstance(profile, str) else None,
        projected_uplift=(
            float(projected)
            if isinstance(projected, int | float) and not isinstance(projected, bool)
            else None
        ),
        actual_net_profit=decision.actual_net_profit,
    )


def _profit(rejected: RejectedCampaign) -> int:
    """The shadow outcome in micros; 0 while awaiting (it then counts on neither side)."""
    return 0 if rejected.actual_net_profit is None else rejected.actual_net_profit.micros
