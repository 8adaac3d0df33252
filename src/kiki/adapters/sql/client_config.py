"""SqlClientConfigStore: per-client optimiser settings (seed phase 5) in the database."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.tables import client_budget_limits as lim
from kiki.adapters.sql.tables import client_settings as cs
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncflow.domain.config import BudgetLimits, OptimizerConfig


class SqlClientConfigStore:
    """Stored values override ``defaults`` (the app's Settings); unset fields fall back."""

    def __init__(self, engine: Engine, defaults: OptimizerConfig) -> None:
        self._engine = engine
        self._defaults = defaults

    def get(self, client_id: str) -> OptimizerConfig:
        # One statement: the client's settings row (if any) beside each of its limits (if any).
        key = sa.select(sa.literal(client_id, sa.String()).label("client_id")).subquery("k")
        query = sa.select(cs, lim.c.platform, lim.c.floor_micros, lim.c.ceiling_micros).select_from(
            key.outerjoin(cs, cs.c.client_id == key.c.client_id).outerjoin(
                lim, lim.c.client_id == key.c.client_id
            )
        )
        with translate_errors("reading client settings"), reading(self._engine) as conn:
            rows = conn.execute(query).all()
        row = rows[0] if rows and rows[0]._mapping["client_id"] is not None else None
        limit_rows = [r for r in rows if r.platform is not None]
        config = self._defaults
        if row is not None:
            m = row._mapping
            config = replace(
                config,
                efficiency_threshold=_or(m["efficiency_threshold"], config.efficiency_threshold),
                reallocation_percent=_or(m["reallocation_percent"], config.reallocation_percent),
                cooldown_s=_or(m["cooldown_s"], config.cooldown_s),
                allow=_platforms(m["allow_json"]) if m["allow_json"] is not None else config.allow,
                deny=_platforms(m["deny_json"]) or config.deny,
            )
        if limit_rows:
            limits = dict(config.limits)
            for r in limit_rows:
                limits[Platform(r.platform)] = BudgetLimits(
                    floor=None if r.floor_micros is None else Money(int(r.floor_micros)),
                    ceiling=None if r.ceiling_micros is None else Money(int(r.ceiling_micros)),
                )
            config = replace(config, limits=limits)
        return config

    def put(self, client_id: str, config: OptimizerConfig, *, now: datetime) -> None:
        """Store the whole configuration of ``client_id``, replacing what was there."""
        values = {
            "client_id": client_id,
            "efficiency_threshold": config.efficiency_threshold,
            "reallocation_percent": config.reallocation_percent,
            "cooldown_s": config.cooldown_s,
            "allow_json": None if config.allow is None else _dump(config.allow),
            "deny_json": _dump(config.deny),
            "updated_at": now,
        }
        with translate_errors("storing client settings"), self._engine.begin() as conn:
            conn.execute(cs.delete().where(cs.c.client_id == client_id))
            conn.execute(cs.insert().values(**values))
            conn.execute(lim.delete().where(lim.c.client_id == client_id))
            for platform, limits in config.limits.items():
                conn.execute(
                    lim.insert().values(
                        client_id=client_id,
                        platform=platform.value,
                        floor_micros=None if limits.floor is None else limits.floor.micros,
                        ceiling_micros=None if limits.ceiling is None else limits.ceiling.micros,
                    )
                )


def _or(value: float | None, default: float) -> float:
    return default if value is None else float(value)


def _dump(platforms: frozenset[Platform]) -> str:
    return json.dumps(sorted(p.value for p in platforms))


def _platforms(raw: str | None) -> frozenset[Platform]:
    if not raw:
        return frozenset()
    return frozenset(Platform(v) for v in json.loads(raw))
