"""The projected state an approved campaign is later mirrored against: a 30-day trajectory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from kiki.campaigns.projection import Projection
from kiki.core.money import Money
from kiki.synctwin.domain.inputs import DAYS_PER_MONTH, Baseline, Strategy


@dataclass(frozen=True, slots=True)
class ProjectedDay:
    """Cumulative revenue and spend the campaign is projected to reach by the end of ``day``."""

    day: int
    revenue: Money
    spend: Money


def project_trajectory(strategy: Strategy, baseline: Baseline) -> tuple[ProjectedDay, ...]:
    """The central path (variance factor 1, the median of both models' factors), day by day.

    Computed in exact decimal micros and rounded half to even, so day 30 is the month's total.
    """
    revenue_micros = (
        Decimal(strategy.audience_size)
        * Decimal(repr(strategy.cvr))
        * Decimal(baseline.avg_order_value.micros)
    )
    spend_micros = Decimal(strategy.monthly_spend.micros)
    return tuple(
        ProjectedDay(
            day=day,
            revenue=_share(revenue_micros, day),
            spend=_share(spend_micros, day),
        )
        for day in range(1, DAYS_PER_MONTH + 1)
    )


def _share(total_micros: Decimal, day: int) -> Money:
    micros = (total_micros * day / DAYS_PER_MONTH).to_integral_value(ROUND_HALF_EVEN)
    return Money(int(micros))


def launch_projection(
    started_at: datetime, strategy: Strategy, trajectory: tuple[ProjectedDay, ...]
) -> Projection | None:
    """What the mirror compares a launched campaign with: the trajectory's totals over its
    days, and the conversions the strategy projects (audience x CVR), from the approval on."""
    if not trajectory:
        return None
    last = trajectory[-1]
    return Projection(
        started_at=started_at,
        days=last.day,
        revenue_micros=last.revenue.micros,
        spend_micros=last.spend.micros,
        conversions=strategy.audience_size * strategy.cvr,
    )
