"""The what-if snapshot parser and the configuration's own validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiki.application.flow_services import optimizer_defaults
from kiki.core.errors import InvalidInputError
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.settings import Settings
from kiki.syncflow.domain.config import BudgetLimits, OptimizerConfig
from kiki.syncflow.domain.plan import plan_cycle
from kiki.syncflow.snapshot import parse_snapshot, plan_to_dict

ROW = {"platform": "meta", "ltv": 450, "cac": "180", "daily_budget": 500.25}


def test_parses_platforms_money_and_config_overrides() -> None:
    inputs, config = parse_snapshot(
        {
            "platforms": [ROW, {**ROW, "platform": "PLATFORM_TIKTOK", "cac": None}],
            "config": {"efficiency_threshold": 0.1},
        },
        OptimizerConfig(reallocation_percent=0.3),
    )
    assert [(i.platform, i.ltv, i.cac, i.daily_budget) for i in inputs] == [
        (Platform.META, Money(450_000_000), Money(180_000_000), Money(500_250_000)),
        (Platform.TIKTOK, Money(450_000_000), None, Money(500_250_000)),
    ]
    assert (config.efficiency_threshold, config.reallocation_percent) == (0.1, 0.3)


@pytest.mark.parametrize(
    ("snapshot", "field", "rule"),
    [
        ([], "snapshot", "JSON object"),
        ({"platforms": []}, "platforms", "non-empty"),
        ({"platforms": ["x"]}, "platforms[0]", "object"),
        ({"platforms": [ROW, ROW]}, "platforms[1].platform", "appears twice"),
        ({"platforms": [ROW], "config": []}, "config", "object"),
        ({"platforms": [ROW], "config": {"speed": 1}}, "config.speed", "not a known setting"),
        (
            {"platforms": [ROW], "config": {"efficiency_threshold": True}},
            "config.efficiency_threshold",
            "finite",
        ),
        (
            {"platforms": [ROW], "config": {"efficiency_threshold": 0}},
            "config.efficiency_threshold",
            "between 0 and 1",
        ),
    ],
)
def test_bad_snapshots_name_the_field_and_the_rule(snapshot: Any, field: str, rule: str) -> None:
    with pytest.raises(InvalidInputError, match=rule) as caught:
        parse_snapshot(snapshot, OptimizerConfig())
    assert caught.value.field == field


def test_the_plan_renders_in_the_documented_shape() -> None:
    inputs, config = parse_snapshot({"platforms": [ROW]}, OptimizerConfig())
    body = plan_to_dict(plan_cycle(inputs, config, usage={}, now=None))  # type: ignore[arg-type]
    assert body == {
        "average_efficiency": 2.5,
        "threshold": 2.125,
        "best_platform": "PLATFORM_META",
        "underperformers": [],
        "shifts": [],
        "platforms": [
            {
                "platform": "PLATFORM_META",
                "ltv": 450.0,
                "cac": 180.0,
                "efficiency": 2.5,
                "daily_budget": 500.25,
            }
        ],
        "left_out": [],
        "holds": [],
    }


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: BudgetLimits(floor=Money(-1)), "floor"),
        (lambda: BudgetLimits(ceiling=Money(-1)), "ceiling"),
        (lambda: BudgetLimits(floor=Money(2), ceiling=Money(1)), "floor"),
        (lambda: OptimizerConfig(efficiency_threshold=1.0), "efficiency_threshold"),
        (lambda: OptimizerConfig(reallocation_percent=0.0), "reallocation_percent"),
        (lambda: OptimizerConfig(cooldown_s=-1), "cooldown_s"),
        (lambda: OptimizerConfig(window_s=0), "window_s"),
    ],
)
def test_configuration_that_cannot_work_is_refused(make: Any, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        make()
    assert caught.value.field == field


def test_the_caps_window_and_cooldown_come_from_the_settings_within_bounds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    config = optimizer_defaults(Settings(shift_window_s=60.0, shift_cooldown_s=0.0))
    assert (config.window_s, config.cooldown_s) == (60.0, 0.0)
    assert optimizer_defaults(Settings()).window_s == 86_400.0  # the seed's 24 h
    for bad in ({"shift_window_s": 0}, {"shift_window_s": 1e308}, {"shift_cooldown_s": 1e308}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Settings(**bad)  # type: ignore[arg-type]
