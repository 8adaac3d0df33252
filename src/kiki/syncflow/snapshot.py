"""The what-if snapshot format (JSON in, plan out), parsed strictly at the edge."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kiki.core.errors import InvalidInputError
from kiki.core.limits import bounded
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import OptimizerConfig
from kiki.syncflow.domain.efficiency import PlatformInput
from kiki.syncflow.domain.plan import CyclePlan


def parse_snapshot(
    data: object, defaults: OptimizerConfig
) -> tuple[list[PlatformInput], OptimizerConfig]:
    """``{"platforms": [{platform, ltv, cac, daily_budget}, ...], "config": {...}}``.

    Raises InvalidInputError naming the field (``platforms[2].cac``) and the rule.
    """
    if not isinstance(data, Mapping):
        raise InvalidInputError("snapshot", "must be a JSON object")
    platforms = data.get("platforms")
    if not isinstance(platforms, list) or not platforms:
        raise InvalidInputError("platforms", "must be a non-empty list")
    inputs: list[PlatformInput] = []
    seen: set[Platform] = set()
    for i, item in enumerate(platforms):
        where = f"platforms[{i}]"
        if not isinstance(item, Mapping):
            raise InvalidInputError(where, "must be an object")
        for key in ("platform", "ltv", "cac", "daily_budget"):
            if key not in item:
                raise InvalidInputError(f"{where}.{key}", "is required")
        unknown = set(item) - {"platform", "ltv", "cac", "daily_budget"}
        if unknown:
            raise InvalidInputError(f"{where}.{sorted(unknown)[0]}", "is not a known field")
        platform = Platform.parse(item["platform"], field=f"{where}.platform")
        if platform in seen:
            raise InvalidInputError(f"{where}.platform", f"{platform.value} appears twice")
        seen.add(platform)
        inputs.append(
            PlatformInput(
                platform=platform,
                ltv=_money_or_none(item["ltv"], f"{where}.ltv"),
                cac=_money_or_none(item["cac"], f"{where}.cac"),
                daily_budget=bounded(
                    Money.parse(item["daily_budget"], field=f"{where}.daily_budget"),
                    field=f"{where}.daily_budget",
                ),
            )
        )
    return inputs, _config(data.get("config"), defaults)


def _money_or_none(value: object, field: str) -> Money | None:
    return None if value is None else bounded(Money.parse(value, field=field), field=field)


def _config(raw: object, defaults: OptimizerConfig) -> OptimizerConfig:
    if raw is None:
        return defaults
    if not isinstance(raw, Mapping):
        raise InvalidInputError("config", "must be an object")
    unknown = set(raw) - {"efficiency_threshold", "reallocation_percent"}
    if unknown:
        raise InvalidInputError(f"config.{sorted(unknown)[0]}", "is not a known setting")
    changes: dict[str, float] = {}
    for key in ("efficiency_threshold", "reallocation_percent"):
        if key in raw:
            value = raw[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise InvalidInputError(f"config.{key}", "must be a finite number")
            changes[key] = float(value)
    try:
        return replace(defaults, **changes)  # type: ignore[arg-type]
    except InvalidInputError as exc:
        raise InvalidInputError(f"config.{exc.field}", exc.rule) from None


def plan_to_dict(plan: CyclePlan) -> dict[str, Any]:
    """The plan in the documented JSON shape; money in currency units."""
    return {
        "average_efficiency": plan.average_efficiency,
        "threshold": plan.cutoff,
        "best_platform": plan.best.platform.value if plan.best else None,
        "underperformers": [p.value for p in plan.underperformers],
        "shifts": [
            {
                "from": s.source.value,
                "to": s.destination.value,
                "amount": s.amount.to_units(),
                "reason": s.reason,
            }
            for s in plan.shifts
        ],
        "platforms": [
            {
                "platform": p.platform.value,
                "ltv": p.ltv.to_units(),
                "cac": p.cac.to_units(),
                "efficiency": p.efficiency,
                "daily_budget": p.daily_budget.to_units(),
            }
            for p in plan.platforms
        ],
        "left_out": [p.value for p in plan.left_out],
        "holds": [{"platform": h.platform.value, "reason": h.reason} for h in plan.holds],
    }
