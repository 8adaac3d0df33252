"""The gate's learning as protobuf messages: calibration, tuning, applied threshold, review.

The same numbers as ``kiki.views.gate`` (money in micros, instants in Unix microseconds); a
value that JSON shows as null is an absent optional field.
"""

from __future__ import annotations

from kiki.synctwin.domain.backtest import Confusion
from kiki.synctwin.domain.calibration import Calibration, CalibrationReport
from kiki.synctwin.domain.outcomes import Proportion
from kiki.synctwin.domain.tuning import ThresholdCandidate
from kiki.synctwin.services.review import RejectedCampaign, WeeklyReview
from kiki.synctwin.services.tune_threshold import ThresholdChange
from kiki.wire.convert import instant_to, micros
from kiki.wire.gen import synctwin_pb2 as tw


def calibration_report_to(report: CalibrationReport) -> tw.GateCalibrationReport:
    return tw.GateCalibrationReport(
        overall=calibration_to(report.overall),
        clients=[calibration_to(c) for c in report.clients],
    )


def calibration_to(c: Calibration, *, bins: bool = True) -> tw.GateCalibration:
    return tw.GateCalibration(
        client_id=c.client_id or "",
        outcomes=c.outcomes,
        profitable=c.profitable,
        brier_score=c.brier_score,
        log_loss=c.log_loss,
        log_loss_clipped=c.clipped,
        expected_calibration_error=c.expected_calibration_error,
        miscalibrated=c.miscalibrated,
        bins=[
            tw.ReliabilityBin(
                low=b.low,
                high=b.high,
                count=b.count,
                mean_confidence=b.mean_confidence,
                profitable=share_to(b.profitable),
                p_value=b.p_value,
                off_diagonal=b.off_diagonal,
            )
            for b in (c.bins if bins else ())
        ],
    )


def share_to(p: Proportion) -> tw.Share:
    return tw.Share(count=p.count, total=p.total, rate=p.value, low=p.low, high=p.high)


def confusion_to(c: Confusion) -> tw.ConfusionCounts:
    return tw.ConfusionCounts(
        true_positives=c.tp, false_positives=c.fp, true_negatives=c.tn, false_negatives=c.fn
    )


def candidate_to(c: ThresholdCandidate) -> tw.ThresholdCandidate:
    return tw.ThresholdCandidate(
        threshold=c.threshold,
        confusion=confusion_to(c.confusion),
        false_negative_rate=share_to(c.false_negative_rate),
        false_positive_rate=share_to(c.false_positive_rate),
        protected_micros=c.protected.micros,
        forgone_micros=c.forgone.micros,
        net_micros=c.net.micros,
        meets_targets=c.meets_targets,
        demonstrated=c.demonstrated,
    )


def threshold_change_to(
    change: ThresholdChange, *, candidates: bool = True, replayed: bool = False
) -> tw.GateThresholdChange:
    t = change.tuning
    return tw.GateThresholdChange(
        scope=change.scope,
        previous_threshold=change.previous,
        threshold=change.threshold,
        status=change.status.value,
        since_unix_micros=None if change.since is None else instant_to(change.since),
        until_unix_micros=instant_to(change.until),
        outcomes=t.outcomes,
        profitable=t.profitable,
        losing=t.losing,
        min_profitable=t.min_profitable,
        min_losing=t.min_losing,
        fn_target=t.fn_target,
        fp_target=t.fp_target,
        current=candidate_to(t.current),
        recommended=None if t.recommended is None else candidate_to(t.recommended),
        refusals=[r.value for r in t.refusals],
        explanation=t.explain(change.calibration),
        calibration=calibration_to(change.calibration, bins=False),
        candidates=[candidate_to(c) for c in t.candidates] if candidates else [],
        replayed=replayed,
    )


def rejected_to(r: RejectedCampaign) -> tw.RejectedCampaign:
    return tw.RejectedCampaign(
        decision_id=r.decision_id,
        client_id=r.client_id,
        at_unix_micros=instant_to(r.at),
        confidence=r.confidence,
        risk_profile=r.risk_profile or "",
        projected_net_profit_uplift_micros=(
            None if r.projected_uplift is None else micros(r.projected_uplift)
        ),
        actual_net_profit_micros=(
            None if r.actual_net_profit is None else r.actual_net_profit.micros
        ),
        shadow_verdict=r.verdict.value,
    )


def review_to(review: WeeklyReview) -> tw.GateReview:
    t = review.trailing
    return tw.GateReview(
        client_id=review.client_id or "",
        since_unix_micros=instant_to(review.since),
        until_unix_micros=instant_to(review.until),
        rejected=[rejected_to(r) for r in review.rejected],
        forgone_micros=review.forgone.micros,
        protected_micros=review.protected.micros,
        trailing=tw.GateRates(
            since_unix_micros=instant_to(t.since),
            until_unix_micros=instant_to(t.until),
            confusion=confusion_to(t.confusion),
            false_negative_rate=share_to(t.false_negative_rate),
            false_positive_rate=share_to(t.false_positive_rate),
            fn_target=t.fn_target,
            fp_target=t.fp_target,
            false_negative_alert=t.fn_alert,
            false_positive_alert=t.fp_alert,
        ),
        alert=review.alert,
        alert_reasons=list(review.alert_reasons()),
        current_threshold=review.current_threshold,
        recommended_threshold=review.recommended_threshold,
        recommendation=review.tuning.explain(review.calibration),
        refusals=[r.value for r in review.tuning.refusals],
        calibration=calibration_to(review.calibration, bins=False),
    )
