"""Enough digits that a comparison shown is the comparison made."""

from __future__ import annotations

from collections.abc import Iterable

_MOST = 9


def digits_for(line: float, values: Iterable[float], *, least: int = 2) -> int:
    """The fewest decimals (at least ``least``) at which every value rounds to the same side
    of ``line`` (below, equal, above) as it is: "2.67x below a cut-off of 2.67x" never shows."""
    values = list(values)
    for digits in range(least, _MOST + 1):
        shown_line = round(line, digits)
        if all(_side(round(v, digits), shown_line) == _side(v, line) for v in values):
            return digits
    return _MOST


def _side(value: float, line: float) -> int:
    return (value > line) - (value < line)
