"""Rule 4, budget overrun: spend today against the daily budget, and spend that cannot be read.

A reading that is missing, not finite, negative, lower than an earlier reading of the same day
(spend today only grows) or beyond any budget is never taken as "fine".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiki.core.limits import MAX_DAILY_BUDGET


class SpendStatus(enum.Enum):
    FINE = "fine"
    OVERRUN = "overrun"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class SpendCheck:
    status: SpendStatus
    detail: str
    spend_micros: int | None = None
    ratio: float | None = None  # spend today / daily budget


def check_spend(
    *,
    spend_micros: int | None,
    problem: str | None,
    budget_micros: int,
    earlier_same_day_micros: int | None,
    overrun_ratio: float,
) -> SpendCheck:
    why = problem or _impossible(spend_micros, earlier_same_day_micros)
    if why is not None or spend_micros is None:
        return SpendCheck(SpendStatus.UNREADABLE, why or "no spend figure in the reading")
    if budget_micros <= 0:
        status = SpendStatus.OVERRUN if spend_micros > 0 else SpendStatus.FINE
        return SpendCheck(status, "no budget", spend_micros, None)
    ratio = spend_micros / budget_micros
    if ratio >= overrun_ratio:
        return SpendCheck(
            SpendStatus.OVERRUN,
            f"spent {ratio:.1%} of the daily budget (pause at {overrun_ratio:.0%})",
            spend_micros,
            ratio,
        )
    return SpendCheck(
        SpendStatus.FINE, f"spent {ratio:.1%} of the daily budget", spend_micros, ratio
    )


def _impossible(spend_micros: int | None, earlier_same_day_micros: int | None) -> str | None:
    if spend_micros is None:
        return "no spend figure in the reading"
    if spend_micros < 0:
        return f"negative spend today ({spend_micros} micros)"
    if spend_micros > 100 * MAX_DAILY_BUDGET.micros:
        return "spend today beyond any budget"
    if earlier_same_day_micros is not None and spend_micros < earlier_same_day_micros:
        return f"spend today went back from {earlier_same_day_micros} to {spend_micros} micros"
    return None
