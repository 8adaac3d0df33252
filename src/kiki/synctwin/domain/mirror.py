"""The real-to-sim mirror's rules: deviation, warm-up and the decision on one event.

Pure: numbers in, actions out. ``judge`` decides one event; ``judge_many`` decides a batch of
events with the same rules over numpy arrays (the mirror's hot path), and the two agree.

Deviation here is signed, ``(real - projected) / projected`` on cumulative revenue at the
event's elapsed time; its absolute value is the seed's deviation. Below ``-threshold`` the
campaign is rolled back (paused) in both modes; above ``+threshold`` it is rolled back only in
``two_sided`` mode, and by default (``downside``) people are alerted that the projection is
stale: pausing a campaign that earns more than projected would destroy the uplift.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiki.core.errors import InvalidInputError

MAX_SEQUENCE = 2**53  # sequences are compared exactly as doubles (Redis' Lua) below this


class MirrorAction(enum.IntEnum):
    """What the mirror did with one event (the wire's ``MirrorAction`` numbers)."""

    NONE = 0  # judged: within the threshold (or watched without a projection)
    WARMING_UP = 1  # too early, too little spend or too few conversions to judge
    ROLLED_BACK = 2  # this event crossed the threshold: the campaign is paused, once
    ALERTED = 3  # upside beyond the threshold in downside mode: "projection stale", once
    ALREADY_ROLLED_BACK = 4  # the campaign's rollback was decided before this event
    IGNORED_STALE = 5  # a sequence number not above the last one taken (duplicate, late)
    UNKNOWN_CAMPAIGN = 6  # no such campaign (or not the caller's)


class DeviationMode(enum.Enum):
    DOWNSIDE = "downside"  # pause below the projection, alert above it (the default)
    TWO_SIDED = "two_sided"  # the seed's rule: pause either way

    @classmethod
    def parse(cls, value: object) -> DeviationMode:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise InvalidInputError(
                "deviation_mode", "must be one of " + ", ".join(m.value for m in cls)
            ) from None


@dataclass(frozen=True, slots=True)
class MirrorRules:
    """The threshold, the mode and the warm-up: no judgement before every minimum is met."""

    threshold: float = 0.15
    mode: DeviationMode = DeviationMode.DOWNSIDE
    warmup_s: float = 0.0
    min_spend_micros: int = 0
    min_conversions: float = 0.0

    def __post_init__(self) -> None:
        if not self.threshold > 0:
            raise InvalidInputError("deviation_threshold", "must be positive")
        if self.warmup_s < 0 or self.min_spend_micros < 0 or self.min_conversions < 0:
            raise InvalidInputError("mirror warm-up", "minimums must not be negative")


def deviation(real_micros: int, projected_micros: int) -> float:
    """``(real - projected) / projected``; 0 when nothing is projected yet (nothing to judge)."""
    if projected_micros <= 0:
        return 0.0
    return (real_micros - projected_micros) / projected_micros


def judge(
    rules: MirrorRules,
    *,
    elapsed_s: float,
    spend_micros: int,
    conversions: float,
    revenue_micros: int,
    projected_revenue_micros: int,
) -> tuple[MirrorAction, float]:
    """The action one new event calls for, before sequence and memory are considered, and its
    deviation. ROLLED_BACK / ALERTED mean "crossed"; the mirror turns a repeat into
    ALREADY_ROLLED_BACK (or NONE for an alert already sent)."""
    dev = deviation(revenue_micros, projected_revenue_micros)
    if (
        elapsed_s < rules.warmup_s
        or spend_micros < rules.min_spend_micros
        or conversions < rules.min_conversions
        or projected_revenue_micros <= 0
    ):
        return MirrorAction.WARMING_UP, dev
    if dev < -rules.threshold:
        return MirrorAction.ROLLED_BACK, dev
    if dev > rules.threshold:
        if rules.mode is DeviationMode.TWO_SIDED:
            return MirrorAction.ROLLED_BACK, dev
        return MirrorAction.ALERTED, dev
    return MirrorAction.NONE, dev


FloatArray = npt.NDArray[np.float64]
ActionArray = npt.NDArray[np.int8]


def judge_many(
    rules: MirrorRules,
    *,
    elapsed_s: FloatArray,
    spend_micros: FloatArray,
    conversions: FloatArray,
    revenue_micros: FloatArray,
    projected_revenue_micros: FloatArray,
) -> tuple[ActionArray, FloatArray]:
    """``judge`` over arrays: the actions (MirrorAction numbers) and the deviations."""
    projected = projected_revenue_micros
    judged = projected > 0
    dev = np.zeros_like(projected)
    np.divide(revenue_micros - projected, projected, out=dev, where=judged)
    warming = (
        (elapsed_s < rules.warmup_s)
        | (spend_micros < rules.min_spend_micros)
        | (conversions < rules.min_conversions)
        | ~judged
    )
    actions = np.full(projected.shape, MirrorAction.NONE, dtype=np.int8)
    upside = (
        MirrorAction.ROLLED_BACK
        if rules.mode is DeviationMode.TWO_SIDED
        else (MirrorAction.ALERTED)
    )
    actions[dev > rules.threshold] = upside
    actions[dev < -rules.threshold] = MirrorAction.ROLLED_BACK
    actions[warming] = MirrorAction.WARMING_UP
    return actions, dev


def projected_many(
    totals: FloatArray, started_s: FloatArray, horizon_s: FloatArray, at_s: FloatArray
) -> FloatArray:
    """Even pacing over arrays: ``total x clip(elapsed / horizon, 0, 1)``, rounded to the micro
    as ``Projection.at`` rounds it (halves to even)."""
    share = np.clip((at_s - started_s) / horizon_s, 0.0, 1.0)
    return np.rint(totals * share)


IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class MirrorEvent:
    """One bid-stream event: a campaign's cumulative real figures since launch, numbered."""

    campaign_id: str
    sequence: int
    total_spend_micros: int
    conversions: float
    revenue_micros: int
    at_s: float  # seconds since the epoch (UTC)

    def __post_init__(self) -> None:
        if not 0 <= self.sequence < MAX_SEQUENCE:
            raise InvalidInputError("sequence", f"must be in [0, 2^53) (got {self.sequence})")


@dataclass(frozen=True, slots=True)
class EventBatch:
    """Events in arrival order, as columns (the hot path never builds one object per event)."""

    campaign_ids: list[str]
    sequences: IntArray
    spend_micros: IntArray
    conversions: FloatArray
    revenue_micros: IntArray
    at_s: FloatArray

    def __len__(self) -> int:
        return len(self.campaign_ids)

    @classmethod
    def of(cls, events: list[MirrorEvent]) -> EventBatch:
        return cls(
            campaign_ids=[e.campaign_id for e in events],
            sequences=np.array([e.sequence for e in events], dtype=np.int64),
            spend_micros=np.array([e.total_spend_micros for e in events], dtype=np.int64),
            conversions=np.array([e.conversions for e in events], dtype=np.float64),
            revenue_micros=np.array([e.revenue_micros for e in events], dtype=np.int64),
            at_s=np.array([e.at_s for e in events], dtype=np.float64),
        )

    def check(self) -> None:
        """InvalidInputError for a sequence outside [0, 2^53) or negative figures."""
        n = len(self.campaign_ids)
        columns = (self.sequences, self.spend_micros, self.conversions, self.revenue_micros)
        if any(len(c) != n for c in (*columns, self.at_s)):
            raise InvalidInputError("events", "columns of different lengths")
        if n and (self.sequences.min() < 0 or self.sequences.max() >= MAX_SEQUENCE):
            raise InvalidInputError("sequence", "must be in [0, 2^53)")
        if n and (
            self.spend_micros.min() < 0
            or self.revenue_micros.min() < 0
            or not self.conversions.min() >= 0
            or not np.isfinite(self.at_s).all()
        ):
            raise InvalidInputError("events", "figures must be finite and not negative")


@dataclass(frozen=True, slots=True)
class MirrorDecision:
    campaign_id: str
    sequence: int
    projected_revenue_micros: int
    deviation: float
    action: MirrorAction


@dataclass(frozen=True, slots=True)
class DecisionBatch:
    """One decision per event, in the events' order, as columns."""

    campaign_ids: list[str]
    sequences: IntArray
    projected_revenue_micros: IntArray
    deviations: FloatArray
    actions: ActionArray

    def __len__(self) -> int:
        return len(self.campaign_ids)

    def decisions(self) -> list[MirrorDecision]:
        return [
            MirrorDecision(c, int(s), int(p), float(d), MirrorAction(int(a)))
            for c, s, p, d, a in zip(
                self.campaign_ids,
                self.sequences,
                self.projected_revenue_micros,
                self.deviations,
                self.actions,
                strict=True,
            )
        ]
