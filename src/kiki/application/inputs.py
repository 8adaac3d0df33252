"""Strict parsing of what callers send, shared by every entrypoint: errors name the field.

The bounds themselves live in the domain's constructors (``kiki.core.limits``); this module
turns JSON-ish values into those domain values and prefixes field names where they nest.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from kiki.core.errors import InvalidInputError
from kiki.core.limits import bounded, bounded_instant
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import BudgetLimits, OptimizerConfig
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.tenancy.keys import check_client_id

MAX_NOTE_LENGTH = 500
SETTINGS_KEYS = frozenset(
    {"efficiency_threshold", "reallocation_percent", "cooldown_s", "allow", "deny", "limits"}
)


def check_client(client_id: str, *, field: str = "client_id") -> str:
    return check_client_id(client_id, field=field)


def note(text: str | None, *, field: str = "reason") -> str | None:
    """A person's free-text note (why they paused, say): printable, at most 500 characters."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_NOTE_LENGTH or not text.isprintable():
        raise InvalidInputError(field, f"must be printable text of at most {MAX_NOTE_LENGTH}")
    return text.strip()


def instant(moment: datetime | None, *, field: str) -> datetime | None:
    """An instant a caller names (``as_of``, ``since``): a bare date-time means UTC, as
    SyncValue's CSV dates do; outside KIKI's bounds it is refused naming ``field``."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted by its offset
        raise InvalidInputError(field, "must be between 1970-01-01 and 2100-01-01 (UTC)") from None
    return bounded_instant(moment, field=field)


def budget(value: object, *, field: str) -> Money:
    """A daily budget in currency units: finite, not negative, not absurd."""
    return bounded(Money.parse(value, field=field), field=field)


def budget_micros(micros: int, *, field: str) -> Money:
    if micros < 0:
        raise InvalidInputError(field, "must not be negative")
    return bounded(Money(micros), field=field)


def number(value: object, *, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInputError(field, "must be a finite number")
    return float(value)


def platforms(value: object, *, field: str) -> frozenset[Platform]:
    if not isinstance(value, list):
        raise InvalidInputError(field, "must be a list of platform names")
    return frozenset(Platform.parse(v, field=f"{field}[{i}]") for i, v in enumerate(value))


def settings_patch(body: object, current: OptimizerConfig) -> OptimizerConfig:
    """Apply the given fields of ``body`` to ``current``; fields not given are kept."""
    if not isinstance(body, Mapping):
        raise InvalidInputError("body", "must be a JSON object")
    unknown = set(body) - SETTINGS_KEYS
    if unknown:
        known = ", ".join(sorted(SETTINGS_KEYS))
        raise InvalidInputError(sorted(unknown)[0], f"is not a known setting ({known})")
    changes: dict[str, Any] = {}
    for key in ("efficiency_threshold", "reallocation_percent", "cooldown_s"):
        if key in body:
            changes[key] = number(body[key], field=key)
    if "allow" in body:
        changes["allow"] = (
            None if body["allow"] is None else platforms(body["allow"], field="allow")
        )
    if "deny" in body:
        changes["deny"] = platforms(body["deny"] or [], field="deny")
    if "limits" in body:
        changes["limits"] = _limits(body["limits"], current)
    try:
        return replace(current, **changes)
    except InvalidInputError:
        raise
    except (TypeError, ValueError) as exc:
        raise InvalidInputError("body", str(exc)) from exc


def _limits(raw: object, current: OptimizerConfig) -> dict[Platform, BudgetLimits]:
    if not isinstance(raw, Mapping):
        raise InvalidInputError("limits", "must be an object keyed by platform")
    limits = dict(current.limits)
    for name, spec in raw.items():
        platform = Platform.parse(name, field="limits")
        where = f"limits.{platform.value}"
        if spec is None:
            limits.pop(platform, None)
            continue
        if not isinstance(spec, Mapping) or set(spec) - {"floor", "ceiling"}:
            raise InvalidInputError(where, "must be an object with floor and/or ceiling")
        floor, ceiling = spec.get("floor"), spec.get("ceiling")
        with prefixed(where):
            limits[platform] = BudgetLimits(
                floor=None if floor is None else budget(floor, field="floor"),
                ceiling=None if ceiling is None else budget(ceiling, field="ceiling"),
            )
    return limits


def strategy(raw: object) -> Strategy:
    """A strategy object (SyncTwin's keys), errors named ``strategy.<field>``."""
    if not isinstance(raw, Mapping):
        raise InvalidInputError("strategy", "must be an object")
    with prefixed("strategy"):
        return Strategy.from_dict(raw)


def baseline(raw: object) -> Baseline | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidInputError("baseline", "must be an object")
    with prefixed("baseline"):
        return Baseline.from_dict(raw)


def seed(raw: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0 or raw >= 2**128:
        raise InvalidInputError("seed", "must be an integer in [0, 2**128)")
    return raw


@contextmanager
def prefixed(prefix: str) -> Iterator[None]:
    """Re-raise InvalidInputError with ``prefix.`` before its field, unless it is there."""
    try:
        yield
    except InvalidInputError as exc:
        if exc.field.startswith(prefix):
            raise
        raise InvalidInputError(f"{prefix}.{exc.field}", exc.rule) from None
