"""Bounds on what may enter KIKI, written once and checked where values are constructed.

A number past these is a typo or an attack, not a campaign: refusing it at the domain's
constructors makes every entrypoint (CLI, HTTP, gRPC, files) refuse it the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kiki.core.errors import InvalidInputError
from kiki.core.money import MICROS_PER_UNIT, Money

MAX_DAILY_BUDGET = Money(1_000_000_000 * MICROS_PER_UNIT)  # a billion a day
MAX_MONTHLY_AMOUNT = Money(100_000_000_000 * MICROS_PER_UNIT)  # a hundred billion a month
MAX_AUDIENCE = 10_000_000_000  # more people than there are
MAX_COEFFICIENT_OF_VARIATION = 10.0
# An instant a caller names (as_of, since, at): ad platforms and imported orders are newer than
# 1970 and KIKI will not be asked about 2100; outside these, date arithmetic overflows.
EARLIEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 1, 1, tzinfo=UTC)


def bounded(amount: Money, *, field: str, limit: Money = MAX_DAILY_BUDGET) -> Money:
    """``amount`` if it does not exceed ``limit``; InvalidInputError naming ``field`` if it does."""
    if amount > limit:
        raise InvalidInputError(field, f"is absurdly large (at most {limit})")
    return amount


def bounded_instant(moment: datetime, *, field: str) -> datetime:
    """``moment`` (aware) if it lies in [1970-01-01, 2100-01-01) UTC; InvalidInputError naming
    ``field`` otherwise."""
    if not EARLIEST_INSTANT <= moment < LATEST_INSTANT:
        raise InvalidInputError(field, "must be between 1970-01-01 and 2100-01-01 (UTC)")
    return moment
