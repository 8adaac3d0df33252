"""Rule 2, conversion-rate drop: Page's CUSUM on the clicks that converted or did not.

Each click is a Bernoulli trial: converting with p0 (in control, measured over the funnel
window) or p1 = p0 x (1 - drop). Every tick adds the log-likelihood ratio of the clicks and
conversions since the last tick, S = max(0, S + llr); S >= h is a drop. Under p0 the drift is
negative, so noise keeps S near 0; under p1 it climbs by KL(p1 || p0) per click. p0 is
re-measured only while S sits at 0 and is frozen during an excursion, so a drop cannot drag its
own reference down; after an alarm S restarts from 0 against the same p0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from kiki.syncflow.domain.guardian.economics import Counts
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds


@dataclass(frozen=True, slots=True)
class CvrWatch:
    statistic: float = 0.0
    p0: float | None = None  # the in-control conversion rate the test compares against
    frozen: bool = False  # keep p0 although S is 0 (just after an alarm)


@dataclass(frozen=True, slots=True)
class CvrStep:
    watch: CvrWatch
    alarm: bool
    increment: float  # the llr this tick added (before clipping at 0)


def click_llr(clicks: float, conversions: float, *, p0: float, p1: float) -> float:
    """log P(data | p1) - log P(data | p0) for ``clicks`` trials of which ``conversions`` won."""
    conversions = min(max(conversions, 0.0), clicks)
    return conversions * math.log(p1 / p0) + (clicks - conversions) * math.log((1 - p1) / (1 - p0))


def kl_per_click(true_p: float, *, p0: float, p1: float) -> float:
    """The expected llr of one click whose true rate is ``true_p`` (the drift of S)."""
    return click_llr(1.0, true_p, p0=p0, p1=p1)


def reference_rate(funnel: Counts, thresholds: GuardianThresholds) -> float | None:
    """p0 from the funnel window, if it holds enough conversions to be trusted."""
    rate = funnel.cvr
    if rate is None or funnel.conversions < thresholds.min_conversions or not 0 < rate < 1:
        return None
    return rate


def watch_cvr(
    watch: CvrWatch,
    *,
    new_clicks: float,
    new_conversions: float,
    funnel: Counts,
    thresholds: GuardianThresholds,
) -> CvrStep:
    if watch.statistic == 0 and not watch.frozen:
        watch = replace(watch, p0=reference_rate(funnel, thresholds))
    if watch.p0 is None or new_clicks <= 0:
        return CvrStep(watch, alarm=False, increment=0.0)
    p1 = watch.p0 * (1 - thresholds.cvr_drop)
    increment = click_llr(new_clicks, new_conversions, p0=watch.p0, p1=p1)
    statistic = max(0.0, watch.statistic + increment)
    frozen = watch.frozen and not (statistic == 0 and increment <= 0)
    if statistic >= thresholds.cvr_cusum_h:
        return CvrStep(CvrWatch(0.0, watch.p0, frozen=True), alarm=True, increment=increment)
    return CvrStep(CvrWatch(statistic, watch.p0, frozen), alarm=False, increment=increment)
