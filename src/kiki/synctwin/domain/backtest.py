"""Shadow-mode arithmetic: how the gate's decisions compare with what really happened.

Rates follow the usual definitions: false-negative rate = FN / (FN + TP), the share of
profitable campaigns the gate rejected; false-positive rate = FP / (FP + TN), the share of
losing campaigns it approved. A campaign is profitable when its actual net profit is > 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

FN_TARGET = 0.05
FP_TARGET = 0.10


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int  # approved, profitable
    fp: int  # approved, lost money
    tn: int  # rejected, would have lost money
    fn: int  # rejected, would have been profitable

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def fn_rate(self) -> float | None:
        profitable = self.fn + self.tp
        return self.fn / profitable if profitable else None

    @property
    def fp_rate(self) -> float | None:
        losing = self.fp + self.tn
        return self.fp / losing if losing else None

    def meets(self, fn_target: float = FN_TARGET, fp_target: float = FP_TARGET) -> bool:
        """Both rates strictly under target; a rate with no cases to judge counts as met."""
        fn, fp = self.fn_rate, self.fp_rate
        return (fn is None or fn < fn_target) and (fp is None or fp < fp_target)

    def to_dict(self) -> dict[str, object]:
        return {
            "true_positives": self.tp,
            "false_positives": self.fp,
            "true_negatives": self.tn,
            "false_negatives": self.fn,
            "false_negative_rate": self.fn_rate,
            "false_positive_rate": self.fp_rate,
        }


def confusion(approved: Sequence[bool], profitable: Sequence[bool]) -> Confusion:
    if len(approved) != len(profitable):
        raise ValueError("approved and profitable must be the same length")
    pairs = list(zip(approved, profitable, strict=True))
    return Confusion(
        tp=sum(1 for a, p in pairs if a and p),
        fp=sum(1 for a, p in pairs if a and not p),
        tn=sum(1 for a, p in pairs if not a and not p),
        fn=sum(1 for a, p in pairs if not a and p),
    )


@dataclass(frozen=True, slots=True)
class ThresholdBand:
    """Every threshold t with ``low <= t < high`` gives the same decisions (approve iff c > t)."""

    low: float
    high: float
    confusion: Confusion


def threshold_bands(
    confidences: Sequence[float], profitable: Sequence[bool]
) -> list[ThresholdBand]:
    """The decisions each range of thresholds in [0, 1) would have made, lowest first."""
    cuts = sorted({c for c in confidences if 0 <= c < 1})
    edges = [0.0, *[c for c in cuts if c > 0], 1.0]
    bands = []
    for low, high in itertools.pairwise(edges):
        decisions = [c > low for c in confidences]
        bands.append(ThresholdBand(low, high, confusion(decisions, profitable)))
    return bands


def threshold_meeting_targets(
    bands: Sequence[ThresholdBand],
    current: float,
    *,
    fn_target: float = FN_TARGET,
    fp_target: float = FP_TARGET,
) -> float | None:
    """``current`` if it meets both targets, else the nearest threshold that would have."""
    meeting = [b for b in bands if b.confusion.meets(fn_target, fp_target)]
    if not meeting:
        return None
    for band in meeting:
        if band.low <= current < band.high:
            return current

    def distance(band: ThresholdBand) -> float:
        return band.low - current if band.low > current else current - band.high

    best = min(meeting, key=distance)
    # The band's lower edge is itself a valid threshold (approve strictly above it).
    return best.low
