"""Per-client optimiser settings (seed phase 5) stored on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from kiki.adapters.sql.client_config import SqlClientConfigStore
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import BudgetLimits, OptimizerConfig

NOW = datetime(2026, 2, 3, tzinfo=UTC)


def test_an_unknown_client_gets_the_defaults(engine: Engine) -> None:
    defaults = OptimizerConfig(efficiency_threshold=0.2)
    assert SqlClientConfigStore(engine, defaults).get("nobody") == defaults


def test_stored_settings_round_trip_and_replace_what_was_there(engine: Engine) -> None:
    store = SqlClientConfigStore(engine, OptimizerConfig())
    config = OptimizerConfig(
        efficiency_threshold=0.1,
        reallocation_percent=0.05,
        cooldown_s=900,
        allow=frozenset({Platform.META, Platform.TIKTOK}),
        deny=frozenset({Platform.LINKEDIN}),
        limits={
            Platform.META: BudgetLimits(floor=Money(100_000_000)),
            Platform.TIKTOK: BudgetLimits(ceiling=Money(900_000_000)),
        },
    )
    store.put("acme", config, now=NOW)
    assert store.get("acme") == config
    store.put("acme", OptimizerConfig(reallocation_percent=0.3), now=NOW)
    assert store.get("acme") == OptimizerConfig(reallocation_percent=0.3)
    assert store.get("globex") == OptimizerConfig()
