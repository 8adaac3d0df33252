"""What a campaign was projected to earn when the gate approved it, and where it should be by now.

The gate stores the projection with the campaign (``twin launch``); the mirror compares the
campaign's real cumulative figures with the projection *at the same elapsed time*, never with
the whole month's total. Pacing is even, the default (the sandbox and the platforms pace a
daily budget evenly): by ``t`` seconds after ``started_at`` the campaign should have reached
``total x t / horizon``, and the total after the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiki.core.errors import InvalidInputError

DAY_S = 86_400.0


@dataclass(frozen=True, slots=True)
class ProjectedFigures:
    """Cumulative figures the campaign is projected to have reached at one instant."""

    revenue_micros: int
    spend_micros: int
    conversions: float


@dataclass(frozen=True, slots=True)
class Projection:
    """The gate's projection for a launched campaign: totals over ``days`` from ``started_at``."""

    started_at: datetime
    days: int
    revenue_micros: int
    spend_micros: int
    conversions: float

    def __post_init__(self) -> None:
        if self.started_at.tzinfo is None:
            raise InvalidInputError("started_at", "must be timezone-aware")
        if self.days <= 0:
            raise InvalidInputError("days", "must be positive")
        if self.revenue_micros < 0 or self.spend_micros < 0 or not self.conversions >= 0:
            raise InvalidInputError("projection", "figures must not be negative")

    @property
    def horizon_s(self) -> float:
        return self.days * DAY_S

    def share_at(self, elapsed_s: float) -> float:
        """The share of the totals due ``elapsed_s`` after the start (0 before, 1 after)."""
        return min(1.0, max(0.0, elapsed_s / self.horizon_s))

    def at(self, moment: datetime) -> ProjectedFigures:
        """The projected cumulative figures at ``moment``, rounded to the micro."""
        share = self.share_at((moment - self.started_at).total_seconds())
        return ProjectedFigures(
            revenue_micros=round(self.revenue_micros * share),
            spend_micros=round(self.spend_micros * share),
            conversions=self.conversions * share,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``twin launch --json`` and ``kiki campaigns list --json``."""
        return {
            "started_at": self.started_at.isoformat(),
            "days": self.days,
            "revenue_micros": self.revenue_micros,
            "spend_micros": self.spend_micros,
            "conversions": self.conversions,
        }
