"""Is the gate's confidence a probability? Reliability table, Brier score, log loss and ECE.

A calibrated gate's campaigns stated at confidence c turn out profitable a share c of the time.

**Bins.** Ten fixed-width bins, [0, 0.1), [0.1, 0.2), …, [0.9, 1.0] (the last one closed), not
equal-count ones: fixed edges mean the same thing for every client and every week, so tables
and diagrams compare side by side, and the gate's decision region (the risk rules cut at 0.70
and 0.90) sits on bin edges. Their price, bins with few or no campaigns, is paid in the open: an
empty bin is reported with count 0 and no share, and a thin bin's Wilson interval is wide.

**Verdict.** A bin is off the diagonal when an exact binomial test rejects that its count of
profitable campaigns came from its mean stated confidence. With k non-empty bins, testing each
at 5 % would flag a calibrated gate ~40 % of the time for k = 10, so each is tested at 5 %/k
(Bonferroni; family-wise 5 %). The test is exact rather than read off the Wilson intervals
because most of the gate's campaigns sit in the end bins, near 0 and 1, where a Wilson bound
on the side of the nearer edge is too tight for small counts (Brown, Cai & DasGupta 2001): at
z = 2.8, 3 winners in 109 stated at 0.6 % would count as evidence although P(X >= 3) = 3 %.
It is conservative: under calibration a bin's count is Poisson-binomial, less spread than the
binomial tested.
The table shows plain 95 % Wilson intervals, for reading, not for the verdict.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiki.synctwin.domain.outcomes import DecisionOutcome, Proportion, binomial_p_value
from kiki.synctwin.domain.simulation import DEFAULT_SIMULATIONS

DEFAULT_BINS = 10
# Log loss clips stated probabilities to [EPS, 1 - EPS]. The gate states 0 when fewer than one
# scenario in its 10 000 is positive; half a scenario (the usual continuity correction) is the
# smallest probability that statement supports. A confidently wrong campaign then costs
# -ln(5e-5) = 9.9 nats: heavy, as it should be, but finite.
LOG_LOSS_EPS = 0.5 / DEFAULT_SIMULATIONS
FAMILY_ALPHA = 0.05


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    low: float
    high: float  # excluded, except for the last bin, which holds confidence 1.0
    mean_confidence: float | None  # None when the bin is empty
    profitable: Proportion  # the share that was profitable, with its 95 % Wilson interval
    p_value: float | None  # exact two-sided binomial test against mean_confidence
    off_diagonal: bool  # p_value under the family-wise level: evidence of miscalibration

    @property
    def count(self) -> int:
        return self.profitable.total

    @property
    def empty(self) -> bool:
        return self.count == 0

    @property
    def gap(self) -> float | None:
        """Stated minus observed: positive when the gate was over-confident in this bin."""
        observed = self.profitable.value
        if observed is None or self.mean_confidence is None:
            return None
        return self.mean_confidence - observed

    def to_dict(self) -> dict[str, object]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_confidence": self.mean_confidence,
            "share_profitable": self.profitable.value,
            "wilson_low": self.profitable.low,
            "wilson_high": self.profitable.high,
            "p_value": self.p_value,
            "off_diagonal": self.off_diagonal,
        }


@dataclass(frozen=True, slots=True)
class Calibration:
    """How well stated confidence matched outcomes, for one client or (client_id None) all."""

    client_id: str | None
    outcomes: int
    profitable: int
    bins: tuple[ReliabilityBin, ...]
    brier_score: float | None  # mean (c - y)², 0 is perfect; None without outcomes
    log_loss: float | None  # mean -ln P(what happened), nats, probabilities clipped
    clipped: int  # how many confidences the log loss clipped (stated exactly 0 or 1 or beyond)
    expected_calibration_error: float | None  # sum over bins of n_b / n x |gap_b|
    bin_alpha: float  # each bin's test level: FAMILY_ALPHA / non-empty bins

    @property
    def miscalibrated(self) -> bool:
        """Some bin's outcomes reject its stated confidence at the family-wise 5 % level."""
        return any(b.off_diagonal for b in self.bins)

    @property
    def base_rate(self) -> float | None:
        return self.profitable / self.outcomes if self.outcomes else None

    def to_dict(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "outcomes": self.outcomes,
            "profitable": self.profitable,
            "base_rate": self.base_rate,
            "brier_score": self.brier_score,
            "log_loss": self.log_loss,
            "log_loss_clipped": self.clipped,
            "expected_calibration_error": self.expected_calibration_error,
            "miscalibrated": self.miscalibrated,
            "bins": [b.to_dict() for b in self.bins],
        }


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    overall: Calibration
    clients: tuple[Calibration, ...]  # one per client, ordered by client id

    def to_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.to_dict(),
            "clients": [c.to_dict() for c in self.clients],
        }


def calibrate(
    outcomes: Sequence[DecisionOutcome],
    *,
    client_id: str | None = None,
    bins: int = DEFAULT_BINS,
) -> Calibration:
    """Score ``outcomes`` as they are (the caller picks the client and the period)."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    edges = [k / bins for k in range(bins + 1)]
    members: list[list[DecisionOutcome]] = [[] for _ in range(bins)]
    for outcome in outcomes:
        # bisect on the float edges, not floor(c x bins), which puts 0.7 - 1 ulp in bin 7
        index = min(bisect.bisect_right(edges, outcome.confidence) - 1, bins - 1)
        members[index].append(outcome)
    occupied = sum(1 for m in members if m)
    bin_alpha = FAMILY_ALPHA / max(occupied, 1)
    table = tuple(
        _bin(edges[b], edges[b + 1], members[b], bin_alpha=bin_alpha) for b in range(bins)
    )
    n = len(outcomes)
    if n == 0:
        return Calibration(client_id, 0, 0, table, None, None, 0, None, bin_alpha)
    labels = [1.0 if o.profitable else 0.0 for o in outcomes]
    stated = [o.confidence for o in outcomes]
    brier = math.fsum((c - y) ** 2 for c, y in zip(stated, labels, strict=True)) / n
    clipped = [min(max(c, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS) for c in stated]
    log_loss = (
        -math.fsum(
            math.log(c) if y else math.log1p(-c) for c, y in zip(clipped, labels, strict=True)
        )
        / n
    )
    ece = math.fsum(b.count / n * abs(b.gap) for b in table if b.gap is not None)
    return Calibration(
        client_id=client_id,
        outcomes=n,
        profitable=sum(1 for o in outcomes if o.profitable),
        bins=table,
        brier_score=brier,
        log_loss=log_loss,
        clipped=sum(1 for c, k in zip(stated, clipped, strict=True) if c != k),
        expected_calibration_error=ece,
        bin_alpha=bin_alpha,
    )


def calibrate_by_client(
    outcomes: Iterable[DecisionOutcome], *, bins: int = DEFAULT_BINS
) -> CalibrationReport:
    """Every client on its own, and all together."""
    everything = list(outcomes)
    clients = sorted({o.client_id for o in everything})
    return CalibrationReport(
        overall=calibrate(everything, bins=bins),
        clients=tuple(
            calibrate([o for o in everything if o.client_id == c], client_id=c, bins=bins)
            for c in clients
        ),
    )


def _bin(
    low: float, high: float, members: Sequence[DecisionOutcome], *, bin_alpha: float
) -> ReliabilityBin:
    if not members:
        return ReliabilityBin(low, high, None, Proportion.of(0, 0), None, off_diagonal=False)
    hits = sum(1 for o in members if o.profitable)
    mean = math.fsum(o.confidence for o in members) / len(members)
    # A stated 0 or 1 is tested as the log loss reads it: half a scenario from certainty.
    tested = min(max(mean, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS)
    p_value = binomial_p_value(hits, len(members), tested)
    return ReliabilityBin(
        low,
        high,
        mean,
        Proportion.of(hits, len(members)),
        p_value,
        off_diagonal=p_value < bin_alpha,
    )
