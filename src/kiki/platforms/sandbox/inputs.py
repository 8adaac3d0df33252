"""Checks of what the sandbox is given: each names the field and the rule, and raises
InvalidInputError before anything changes."""

from __future__ import annotations

import math

from kiki.core.errors import InvalidInputError
from kiki.core.money import Money

MAX_CLIENT_ID_LENGTH = 100


def check_budget(budget: Money, *, field: str) -> None:
    if budget.micros < 0:
        raise InvalidInputError(field, "must not be negative")


def check_number(value: object, *, field: str, upper: float = math.inf) -> float:
    """A finite int or float in [0, upper] (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, "must be a number")
    if not math.isfinite(value) or not 0 <= value <= upper:
        raise InvalidInputError(field, f"must be a finite number in [0, {upper:g}]")
    return float(value)


def check_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not client_id.strip() or not client_id.isprintable():
        raise InvalidInputError("client_id", "must be a non-empty printable string")
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise InvalidInputError("client_id", f"must be at most {MAX_CLIENT_ID_LENGTH} characters")
    return client_id
