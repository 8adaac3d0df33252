"""SqlCampaignBook: campaigns KIKI has seen and every change it made to them, in SQL."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.live_tables import campaign_changes as ch
from kiki.adapters.sql.live_tables import campaigns as c
from kiki.campaigns.domain import (
    Bid,
    BidStrategy,
    Campaign,
    CampaignChange,
    CampaignConfig,
    CampaignRef,
    CampaignState,
    CampaignStatus,
    ChangeKind,
    PauseReason,
)
from kiki.core.money import Money
from kiki.core.platform import Platform


class SqlCampaignBook:
    """Implements CampaignBook; a change and the new last known state go in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def remember(self, state: CampaignState, *, at: datetime) -> None:
        row = _state_row(state)
        with translate_errors("remembering a campaign"):
            try:
                with self._engine.begin() as conn:
                    found = conn.execute(
                        sa.select(c).where(c.c.campaign_id == state.campaign_id)
                    ).first()
                    if found is None:
                        conn.execute(c.insert().values(**row, pause_reason=None, seen_at=at))
                    elif any(found._mapping[k] != v for k, v in row.items()):
                        conn.execute(
                            c.update()
                            .where(c.c.campaign_id == state.campaign_id)
                            .values(**row, seen_at=at)
                        )
            except IntegrityError:
                return  # another process remembered it first: the same campaign

    def find(self, campaign_id: str) -> CampaignRef | None:
        query = sa.select(c.c.client_id, c.c.platform).where(c.c.campaign_id == campaign_id)
        with translate_errors("finding a campaign"), reading(self._engine) as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return CampaignRef(row.client_id, Platform(row.platform), campaign_id)

    def known(self, *, client_id: str | None = None) -> list[Campaign]:
        query = sa.select(c).order_by(c.c.created_at, c.c.campaign_id)
        if client_id is not None:
            query = query.where(c.c.client_id == client_id)
        with translate_errors("reading campaigns"), reading(self._engine) as conn:
            return [_campaign(row._mapping) for row in conn.execute(query)]

    def record_change(self, change: CampaignChange) -> None:
        after = change.after
        with translate_errors("recording a campaign change"), self._engine.begin() as conn:
            conn.execute(
                ch.insert().values(
                    campaign_id=change.ref.campaign_id,
                    client_id=change.ref.client_id,
                    platform=change.ref.platform.value,
                    at=change.at,
                    kind=change.kind.value,
                    actor=change.actor,
                    reason=change.reason.value if change.reason else None,
                    note=change.note,
                    before_json=None if change.before is None else _config_json(change.before),
                    after_json=_config_json(after),
                    figures_json=json.dumps(dict(change.figures), sort_keys=True, default=str),
                )
            )
            values: dict[str, Any] = {
                "status": after.status.value,
                "daily_budget_micros": after.daily_budget.micros,
                "bid_strategy": after.bid.strategy.value,
                "bid_micros": after.bid.micros,
                "seen_at": change.at,
            }
            if change.kind is ChangeKind.PAUSED:
                values["pause_reason"] = change.reason.value if change.reason else None
            elif change.kind is ChangeKind.RESUMED:
                values["pause_reason"] = None
            conn.execute(c.update().where(c.c.campaign_id == change.ref.campaign_id).values(values))

    def history(self, campaign_id: str) -> list[CampaignChange]:
        query = sa.select(ch).where(ch.c.campaign_id == campaign_id).order_by(ch.c.seq)
        with translate_errors("reading a campaign's history"), reading(self._engine) as conn:
            return [_change(row._mapping) for row in conn.execute(query)]


def _state_row(state: CampaignState) -> dict[str, Any]:
    return {
        "campaign_id": state.campaign_id,
        "client_id": state.client_id,
        "platform": state.platform.value,
        "name": state.name,
        "status": state.status.value,
        "daily_budget_micros": state.daily_budget.micros,
        "bid_strategy": state.bid.strategy.value,
        "bid_micros": state.bid.micros,
        "created_at": state.created_at,
    }


def _campaign(m: sa.RowMapping) -> Campaign:
    state = CampaignState(
        ref=CampaignRef(m["client_id"], Platform(m["platform"]), m["campaign_id"]),
        name=m["name"],
        status=CampaignStatus(m["status"]),
        daily_budget=Money(int(m["daily_budget_micros"])),
        bid=_bid(m["bid_strategy"], m["bid_micros"]),
        created_at=m["created_at"],
    )
    reason = m["pause_reason"]
    return Campaign(state, PauseReason(reason) if reason else None)


def _bid(strategy: str, micros: int | None) -> Bid:
    return Bid(BidStrategy(strategy), None if micros is None else Money(int(micros)))


def _config_json(config: CampaignConfig) -> str:
    return json.dumps(
        {
            "status": config.status.value,
            "daily_budget_micros": config.daily_budget.micros,
            "bid_strategy": config.bid.strategy.value,
            "bid_micros": config.bid.micros,
        },
        sort_keys=True,
    )


def _config(text: str) -> CampaignConfig:
    d = json.loads(text)
    return CampaignConfig(
        status=CampaignStatus(d["status"]),
        daily_budget=Money(int(d["daily_budget_micros"])),
        bid=_bid(d["bid_strategy"], d["bid_micros"]),
    )


def _change(m: sa.RowMapping) -> CampaignChange:
    return CampaignChange(
        ref=CampaignRef(m["client_id"], Platform(m["platform"]), m["campaign_id"]),
        at=m["at"],
        kind=ChangeKind(m["kind"]),
        actor=m["actor"],
        before=None if m["before_json"] is None else _config(m["before_json"]),
        after=_config(m["after_json"]),
        reason=PauseReason(m["reason"]) if m["reason"] else None,
        note=m["note"],
        figures=json.loads(m["figures_json"]),
    )
