"""Tune the gate's threshold on real outcomes: every cut point, its error rates and its money.

The rule is the gate's: approve iff confidence > threshold. Every threshold between two
neighbouring recorded confidences makes the same decisions, so the candidates are the distinct
recorded confidences in (0, 1), each standing for the band that starts at it (a threshold equal
to a recorded confidence rejects that decision). 0 and 1 are not thresholds the gate accepts.

Money, measured against launching every campaign, in exact integer micros: a threshold
**protects** the losses of the losing campaigns it rejects (-profit, summed over rejected
campaigns with profit <= 0) and **forgoes** the profits of the profitable ones it rejects;
``net`` = protected - forgone = -(sum of the rejected campaigns' actual net profit).

**Too few outcomes.** The targets are FN < 5 % and FP < 10 %. An observed rate says little on a
handful of campaigns: with 20 profitable outcomes, even a 0 % false-negative rate has a 95 %
Wilson upper bound of 16.1 %, three times the target. So no threshold is recommended until each
class is large enough that a perfect record could *show* its target is met, i.e. that 0 errors
has a Wilson upper bound under the target (``outcomes.minimum_trials``): at least 73 profitable
outcomes (for FN < 5 %) and 35 losing ones (for FP < 10 %).

**Choice.** Among candidates whose observed rates meet both targets, the most net profit wins;
equal net profit (the decisions differ only in campaigns whose profits cancel out) goes to the
candidate nearest the current threshold, as the evidence does not ask to move further, then to
the higher one, the seed's side ("we'd rather say no"). The rates of the chosen cut point are
measured on the data that chose it, so they flatter it a little; ``demonstrated`` says whether
even their Wilson upper bounds meet the targets.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.synctwin.domain.backtest import FN_TARGET, FP_TARGET, Confusion
from kiki.synctwin.domain.calibration import Calibration
from kiki.synctwin.domain.outcomes import DecisionOutcome, Proportion, minimum_trials


class Refusal(enum.Enum):
    TOO_FEW_PROFITABLE = "TOO_FEW_PROFITABLE"
    TOO_FEW_LOSING = "TOO_FEW_LOSING"
    NO_THRESHOLD_MEETS_TARGETS = "NO_THRESHOLD_MEETS_TARGETS"


@dataclass(frozen=True, slots=True)
class ThresholdCandidate:
    threshold: float
    confusion: Confusion
    false_negative_rate: Proportion  # FN of FN + TP, with its 95 % Wilson interval
    false_positive_rate: Proportion  # FP of FP + TN
    protected: Money  # losses of rejected losing campaigns avoided (>= 0)
    forgone: Money  # profits of rejected profitable campaigns missed (>= 0)
    fn_target: float = FN_TARGET
    fp_target: float = FP_TARGET

    @property
    def net(self) -> Money:
        return self.protected - self.forgone

    @property
    def meets_targets(self) -> bool:
        """Both observed rates strictly under target; a rate with no cases cannot meet one."""
        fn, fp = self.false_negative_rate.value, self.false_positive_rate.value
        return fn is not None and fp is not None and fn < self.fn_target and fp < self.fp_target

    @property
    def demonstrated(self) -> bool:
        """Even the Wilson upper bounds of both rates are under target."""
        fn, fp = self.false_negative_rate.high, self.false_positive_rate.high
        return fn is not None and fp is not None and fn < self.fn_target and fp < self.fp_target

    def to_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            **_counts(self.confusion),
            "false_negative_rate": self.false_negative_rate.to_dict(),
            "false_positive_rate": self.false_positive_rate.to_dict(),
            "protected_micros": self.protected.micros,
            "forgone_micros": self.forgone.micros,
            "net_micros": self.net.micros,
            "meets_targets": self.meets_targets,
            "demonstrated": self.demonstrated,
        }


@dataclass(frozen=True, slots=True)
class Tuning:
    """The sweep, the current threshold scored the same way, and a recommendation or refusals."""

    candidates: tuple[ThresholdCandidate, ...]  # ascending threshold
    current: ThresholdCandidate
    recommended: ThresholdCandidate | None
    refusals: tuple[Refusal, ...]  # empty exactly when something is recommended
    outcomes: int
    profitable: int
    losing: int
    min_profitable: int
    min_losing: int
    fn_target: float = FN_TARGET
    fp_target: float = FP_TARGET

    def explain(self, calibration: Calibration | None = None) -> str:
        """One sentence saying what was recommended, or why nothing was; given the calibration
        of the same outcomes, it also says when the confidence is not a probability."""
        note = _calibration_note(calibration)
        if self.recommended is not None:
            r = self.recommended
            return (
                f"threshold {r.threshold:.4f}: FN {r.false_negative_rate.describe()}, "
                f"FP {r.false_positive_rate.describe()}, net {r.net.format(cents=True)} "
                f"over {self.outcomes} outcomes{note}"
            )
        reasons = []
        if Refusal.TOO_FEW_PROFITABLE in self.refusals:
            reasons.append(
                f"{self.profitable} profitable outcomes, {self.min_profitable} needed before a "
                f"false-negative rate can show it is under {self.fn_target:.0%}"
            )
        if Refusal.TOO_FEW_LOSING in self.refusals:
            reasons.append(
                f"{self.losing} losing outcomes, {self.min_losing} needed before a "
                f"false-positive rate can show it is under {self.fp_target:.0%}"
            )
        if Refusal.NO_THRESHOLD_MEETS_TARGETS in self.refusals:
            reasons.append(
                f"no threshold keeps FN < {self.fn_target:.0%} and FP < {self.fp_target:.0%} on "
                f"these {self.outcomes} outcomes: the confidence does not separate winners from "
                "losers well enough"
            )
        return "no recommendation: " + "; ".join(reasons) + note

    def to_dict(self) -> dict[str, object]:
        return {
            "outcomes": self.outcomes,
            "profitable": self.profitable,
            "losing": self.losing,
            "minimum": {"profitable": self.min_profitable, "losing": self.min_losing},
            "targets": {
                "false_negative_rate": self.fn_target,
                "false_positive_rate": self.fp_target,
            },
            "current": self.current.to_dict(),
            "recommended": None if self.recommended is None else self.recommended.to_dict(),
            "refusals": [r.value for r in self.refusals],
            "explanation": self.explain(),
            "candidates": [c.to_dict() for c in self.candidates],
        }


def sweep(
    outcomes: Sequence[DecisionOutcome],
    *,
    fn_target: float = FN_TARGET,
    fp_target: float = FP_TARGET,
) -> tuple[ThresholdCandidate, ...]:
    """Every distinct confidence in (0, 1) as a threshold, ascending; one pass after a sort."""
    ordered = sorted(outcomes, key=lambda o: o.confidence)
    profitable = sum(1 for o in ordered if o.profitable)
    losing = len(ordered) - profitable
    fn = tn = protected = forgone = 0  # running over the rejected: confidence <= threshold
    candidates = []
    for confidence, group in itertools.groupby(ordered, key=lambda o: o.confidence):
        for o in group:
            if o.profitable:
                fn += 1
                forgone += o.actual_net_profit.micros
            else:
                tn += 1
                protected -= o.actual_net_profit.micros
        if 0 < confidence < 1:
            candidates.append(
                _candidate(
                    confidence,
                    Confusion(tp=profitable - fn, fp=losing - tn, tn=tn, fn=fn),
                    protected,
                    forgone,
                    fn_target=fn_target,
                    fp_target=fp_target,
                )
            )
    return tuple(candidates)


def evaluate_threshold(
    outcomes: Sequence[DecisionOutcome],
    threshold: float,
    *,
    fn_target: float = FN_TARGET,
    fp_target: float = FP_TARGET,
) -> ThresholdCandidate:
    """What ``threshold`` would have decided on ``outcomes``, scored like a sweep candidate."""
    rejected = [o for o in outcomes if not o.confidence > threshold]
    approved = [o for o in outcomes if o.confidence > threshold]
    return _candidate(
        threshold,
        Confusion(
            tp=sum(1 for o in approved if o.profitable),
            fp=sum(1 for o in approved if not o.profitable),
            tn=sum(1 for o in rejected if not o.profitable),
            fn=sum(1 for o in rejected if o.profitable),
        ),
        -sum(o.actual_net_profit.micros for o in rejected if not o.profitable),
        sum(o.actual_net_profit.micros for o in rejected if o.profitable),
        fn_target=fn_target,
        fp_target=fp_target,
    )


def tune(
    outcomes: Sequence[DecisionOutcome],
    *,
    current: float,
    fn_target: float = FN_TARGET,
    fp_target: float = FP_TARGET,
) -> Tuning:
    """Sweep, then recommend the best threshold meeting both targets, or say why none."""
    for name, value in (("current", current), ("fn_target", fn_target), ("fp_target", fp_target)):
        if not 0 < value < 1:
            raise InvalidInputError(name, "must be in (0, 1)")
    min_profitable, min_losing = minimum_trials(fn_target), minimum_trials(fp_target)
    candidates = sweep(outcomes, fn_target=fn_target, fp_target=fp_target)
    profitable = sum(1 for o in outcomes if o.profitable)
    losing = len(outcomes) - profitable
    refusals = []
    if profitable < min_profitable:
        refusals.append(Refusal.TOO_FEW_PROFITABLE)
    if losing < min_losing:
        refusals.append(Refusal.TOO_FEW_LOSING)
    recommended = None
    if not refusals:
        meeting = [c for c in candidates if c.meets_targets]
        if meeting:
            recommended = max(
                meeting,
                key=lambda c: (c.net.micros, -abs(c.threshold - current), c.threshold),
            )
        else:
            refusals.append(Refusal.NO_THRESHOLD_MEETS_TARGETS)
    return Tuning(
        candidates=candidates,
        current=evaluate_threshold(outcomes, current, fn_target=fn_target, fp_target=fp_target),
        recommended=recommended,
        refusals=tuple(refusals),
        outcomes=len(outcomes),
        profitable=profitable,
        losing=losing,
        min_profitable=min_profitable,
        min_losing=min_losing,
        fn_target=fn_target,
        fp_target=fp_target,
    )


def _candidate(
    threshold: float,
    confusion: Confusion,
    protected_micros: int,
    forgone_micros: int,
    *,
    fn_target: float,
    fp_target: float,
) -> ThresholdCandidate:
    return ThresholdCandidate(
        threshold=threshold,
        confusion=confusion,
        false_negative_rate=Proportion.of(confusion.fn, confusion.fn + confusion.tp),
        false_positive_rate=Proportion.of(confusion.fp, confusion.fp + confusion.tn),
        protected=Money(protected_micros),
        forgone=Money(forgone_micros),
        fn_target=fn_target,
        fp_target=fp_target,
    )


def _calibration_note(calibration: Calibration | None) -> str:
    if calibration is None or not calibration.miscalibrated:
        return ""
    flagged = [b for b in calibration.bins if b.off_diagonal]
    over = sum(1 for b in flagged if b.gap is not None and b.gap > 0)
    ece = calibration.expected_calibration_error or 0.0
    return (
        f"; the confidence is miscalibrated (ECE {ece:.3f}, over-confident in {over} of the "
        f"{len(flagged)} bins off the diagonal): read the threshold as a cut point on the "
        "gate's score, not as a probability of profit"
    )


def _counts(confusion: Confusion) -> dict[str, int]:
    return {
        "true_positives": confusion.tp,
        "false_positives": confusion.fp,
        "true_negatives": confusion.tn,
        "false_negatives": confusion.fn,
    }
