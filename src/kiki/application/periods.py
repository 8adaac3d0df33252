"""Periods as people type them (``7d``, ``24h``, ``2w``, an ISO date or instant), to instants.

One parser for every entrypoint, so ``kiki twin review --since 7d``, HTTP ``?since=7d`` and
gRPC ``since: "7d"`` mean the same period.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from kiki.core.errors import InvalidInputError

_DURATION = re.compile(r"(\d{1,6})([hdw])")
_UNIT_H = {"h": 1, "d": 24, "w": 7 * 24}
MAX_LOOKBACK = timedelta(days=3660)  # ten years: older decisions than that are not reviewed
RULE = "must be a duration such as 7d, 24h or 2w, or an ISO date such as 2026-03-02"


def since(
    text: str | None,
    *,
    now: datetime,
    default: timedelta = timedelta(days=7),
    field: str = "since",
) -> datetime:
    """The start of the period that ends ``now``: ``now - default`` when ``text`` is empty; a
    bare date or date-time means UTC. InvalidInputError naming ``field`` for anything else, a
    zero duration, a start not before ``now`` or more than ten years back."""
    raw = (text or "").strip().lower()
    if not raw:
        return now - default
    match = _DURATION.fullmatch(raw)
    if match is not None:
        span = timedelta(hours=int(match[1]) * _UNIT_H[match[2]])
        if not timedelta(0) < span <= MAX_LOOKBACK:
            raise InvalidInputError(field, "must be a duration above 0 and at most 3660d")
        return now - span
    try:
        start = datetime.fromisoformat(raw.upper())
    except ValueError:
        raise InvalidInputError(field, RULE) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if start >= now:
        raise InvalidInputError(field, f"must be before now ({now:%Y-%m-%d %H:%M} UTC)")
    if now - start > MAX_LOOKBACK:
        raise InvalidInputError(field, "must be at most 3660 days back")
    return start
