"""Bounds on what may enter KIKI, written once and checked where values are constructed.

A number past these is a typo or an attack, not a campaign: refusing it at the domain's
constructors makes every entrypoint (CLI, HTTP, gRPC, files) refuse it the same way.
"""

from __future__ import annotations

from kiki.core.errors import InvalidInputError
from kiki.core.money import MICROS_PER_UNIT, Money

MAX_DAILY_BUDGET = Money(1_000_000_000 * MICROS_PER_UNIT)  # a billion a day
MAX_MONTHLY_AMOUNT = Money(100_000_000_000 * MICROS_PER_UNIT)  # a hundred billion a month
MAX_AUDIENCE = 10_000_000_000  # more people than there are
MAX_COEFFICIENT_OF_VARIATION = 10.0


def bounded(amount: Money, *, field: str, limit: Money = MAX_DAILY_BUDGET) -> Money:
    """``amount`` if it does not exceed ``limit``; InvalidInputError naming ``field`` if it does."""
    if amount > limit:
        raise InvalidInputError(field, f"is absurdly large (at most {limit})")
    return amount
