"""Strict parsing of what API callers send: every error names the field and the rule."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from kiki.core.errors import InvalidInputError
from kiki.core.money import MICROS_PER_UNIT, Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import BudgetLimits, OptimizerConfig
from kiki.synctwin import Baseline, Strategy

# A daily budget above a billion is a typo or an attack, not a campaign.
MAX_DAILY_BUDGET = Money(1_000_000_000 * MICROS_PER_UNIT)
_SETTINGS_KEYS = frozenset(
    {"efficiency_threshold", "reallocation_percent", "cooldown_s", "allow", "deny", "limits"}
)


def budget(value: object, *, field: str) -> Money:
    """A daily budget in currency units: finite, not negative, at most MAX_DAILY_BUDGET."""
    amount = Money.parse(value, field=field)
    return bounded(amount, field=field)


def budget_micros(micros: int, *, field: str) -> Money:
    if micros < 0:
        raise InvalidInputError(field, "must not be negative")
    return bounded(Money(micros), field=field)


def bounded(amount: Money, *, field: str) -> Money:
    if amount > MAX_DAILY_BUDGET:
        raise InvalidInputError(field, f"is absurdly large (at most {MAX_DAILY_BUDGET} a day)")
    return amount


def ratio(value: object, *, field: str) -> float:
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
    unknown = set(body) - _SETTINGS_KEYS
    if unknown:
        raise InvalidInputError(sorted(unknown)[0], "is not a known setting")
    changes: dict[str, Any] = {}
    for key in ("efficiency_threshold", "reallocation_percent", "cooldown_s"):
        if key in body:
            changes[key] = ratio(body[key], field=key)
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
        try:
            limits[platform] = BudgetLimits(
                floor=None if floor is None else budget(floor, field=f"{where}.floor"),
                ceiling=None if ceiling is None else budget(ceiling, field=f"{where}.ceiling"),
            )
        except InvalidInputError as exc:
            if exc.field.startswith(where):
                raise
            raise InvalidInputError(f"{where}.{exc.field}", exc.rule) from None
    return limits


def strategy(raw: object) -> Strategy:
    """A strategy object (SyncTwin's keys), errors named ``strategy.<field>``."""
    if not isinstance(raw, Mapping):
        raise InvalidInputError("strategy", "must be an object")
    with _prefixed("strategy"):
        parsed = Strategy.from_dict(raw)
        bounded(parsed.daily_budget, field="daily_budget")
    return parsed


def baseline(raw: object) -> Baseline | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidInputError("baseline", "must be an object")
    with _prefixed("baseline"):
        parsed = Baseline.from_dict(raw)
        for name in ("avg_order_value", "monthly_revenue", "monthly_ad_spend"):
            bounded(getattr(parsed, name), field=name)
    return parsed


def seed(raw: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0 or raw >= 2**128:
        raise InvalidInputError("seed", "must be an integer in [0, 2**128)")
    return raw


@contextmanager
def _prefixed(prefix: str) -> Iterator[None]:
    try:
        yield
    except InvalidInputError as exc:
        if exc.field.startswith(prefix):
            raise
        raise InvalidInputError(f"{prefix}.{exc.field}", exc.rule) from None
