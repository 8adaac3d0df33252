"""SqlGuardianSettingsStore and SqlGuardMemoryStore: MarginGuardian's state in SQL.

A client's thresholds are stored as the values it set (JSON), over the settings' defaults, so
that changing a default reaches every client that did not choose otherwise. A campaign's memory
is one JSON document, written once per pass for all the client's campaigns in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, fields, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.guardian_tables import guardian_memory as gm
from kiki.adapters.sql.guardian_tables import guardian_settings as gs
from kiki.campaigns.domain import Bid, BidStrategy, CampaignConfig, CampaignStatus
from kiki.core.money import Money
from kiki.syncflow.domain.guardian.cvr import CvrWatch
from kiki.syncflow.domain.guardian.memory import GuardMemory, Snapshot
from kiki.syncflow.domain.guardian.thresholds import GuardianThresholds


class SqlGuardianSettingsStore:
    """Implements GuardianSettingsStore."""

    def __init__(self, engine: Engine, defaults: GuardianThresholds) -> None:
        self._engine = engine
        self._defaults = defaults

    def get(self, client_id: str) -> GuardianThresholds:
        query = sa.select(gs.c.thresholds_json).where(gs.c.client_id == client_id)
        with translate_errors("reading guardian settings"), reading(self._engine) as conn:
            raw = conn.execute(query).scalar()
        if raw is None:
            return self._defaults
        known = {f.name for f in fields(GuardianThresholds)}
        chosen = {k: v for k, v in json.loads(raw).items() if k in known}
        return replace(self._defaults, **chosen)

    def put(self, client_id: str, thresholds: GuardianThresholds, *, now: datetime) -> None:
        """Keep the values that differ from the defaults (the rest keep following them)."""
        chosen = {
            f.name: getattr(thresholds, f.name)
            for f in fields(GuardianThresholds)
            if getattr(thresholds, f.name) != getattr(self._defaults, f.name)
        }
        row = {"client_id": client_id, "thresholds_json": json.dumps(chosen, sort_keys=True)}
        with translate_errors("storing guardian settings"), self._engine.begin() as conn:
            conn.execute(gs.delete().where(gs.c.client_id == client_id))
            conn.execute(gs.insert().values(**row, updated_at=now))


class SqlGuardMemoryStore:
    """Implements GuardMemoryStore."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def load(self, client_id: str) -> dict[str, GuardMemory]:
        query = sa.select(gm.c.campaign_id, gm.c.memory_json).where(gm.c.client_id == client_id)
        with translate_errors("reading guardian memory"), reading(self._engine) as conn:
            rows = conn.execute(query).all()
        return {row.campaign_id: memory_from_json(row.memory_json) for row in rows}

    def save(self, client_id: str, memories: Mapping[str, GuardMemory], *, at: datetime) -> None:
        if not memories:
            return
        ids = list(memories)
        with translate_errors("storing guardian memory"), self._engine.begin() as conn:
            conn.execute(gm.delete().where(gm.c.campaign_id.in_(ids)))
            conn.execute(
                gm.insert(),
                [
                    {
                        "campaign_id": campaign_id,
                        "client_id": client_id,
                        "memory_json": memory_to_json(memory),
                        "updated_at": at,
                    }
                    for campaign_id, memory in memories.items()
                ],
            )


def memory_to_json(memory: GuardMemory) -> str:
    body: dict[str, Any] = asdict(memory)
    config = memory.config
    body["config"] = None
    if config is not None:
        body["config"] = {
            "status": config.status.value,
            "daily_budget_micros": config.daily_budget.micros,
            "bid_strategy": config.bid.strategy.value,
            "bid_micros": config.bid.micros,
        }
    return json.dumps(body, sort_keys=True, default=_text)


def memory_from_json(text: str) -> GuardMemory:
    d = json.loads(text)
    config = None
    if d.get("config") is not None:
        c = d["config"]
        micros = c["bid_micros"]
        config = CampaignConfig(
            CampaignStatus(c["status"]),
            Money(int(c["daily_budget_micros"])),
            Bid(BidStrategy(c["bid_strategy"]), None if micros is None else Money(int(micros))),
        )
    return GuardMemory(
        config=config,
        seen_at=_when(d.get("seen_at")),
        day=None if d.get("day") is None else date.fromisoformat(d["day"]),
        spend_today_micros=d.get("spend_today_micros"),
        clicks_today=int(d.get("clicks_today", 0)),
        conversions_today=float(d.get("conversions_today", 0.0)),
        cvr=CvrWatch(**d.get("cvr", {})),
        margin_streak=int(d.get("margin_streak", 0)),
        unreadable_strikes=int(d.get("unreadable_strikes", 0)),
        held_since=_when(d.get("held_since")),
        bid_hold_until=_when(d.get("bid_hold_until")),
        recent=tuple(
            Snapshot(datetime.fromisoformat(r["at"]), int(r["spend_micros"]), int(r["impressions"]))
            for r in d.get("recent", [])
        ),
    )


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
