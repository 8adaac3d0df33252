"""SqlMirrorVerdicts: the mirror's verdicts in SQL; the primary key (campaign, action) makes a
second decision of the same kind impossible, whichever process or consumer tries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.mirror_tables import mirror_verdicts as mv
from kiki.synctwin.domain.mirror import MirrorAction
from kiki.synctwin.mirror_ports import MirrorVerdict


class SqlMirrorVerdicts:
    """Implements MirrorVerdicts."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def decide(self, verdict: MirrorVerdict) -> bool:
        v = verdict
        row = {
            "campaign_id": v.campaign_id,
            "action": v.action.name,
            "client_id": v.client_id,
            "sequence": v.sequence,
            "decided_at": v.decided_at,
            "deviation": v.deviation,
            "real_revenue_micros": v.real_revenue_micros,
            "projected_revenue_micros": v.projected_revenue_micros,
            "threshold": v.threshold,
            "mode": v.mode,
            "settled_at": v.settled_at,
        }
        with translate_errors("recording a mirror verdict"):
            try:
                with self._engine.begin() as conn:
                    conn.execute(mv.insert().values(**row))
            except IntegrityError:
                return False
        return True

    def settle(self, campaign_id: str, action: MirrorAction, *, at: datetime) -> None:
        query = (
            mv.update()
            .where(
                mv.c.campaign_id == campaign_id,
                mv.c.action == action.name,
                mv.c.settled_at.is_(None),
            )
            .values(settled_at=at)
        )
        with translate_errors("settling a mirror verdict"), self._engine.begin() as conn:
            conn.execute(query)

    def of(self, campaign_ids: Collection[str]) -> list[MirrorVerdict]:
        ids = sorted(set(campaign_ids))
        found: list[MirrorVerdict] = []
        with translate_errors("reading mirror verdicts"), reading(self._engine) as conn:
            for start in range(0, len(ids), 500):
                query = sa.select(mv).where(mv.c.campaign_id.in_(ids[start : start + 500]))
                found += [_verdict(r) for r in conn.execute(query)]
        return found

    def verdicts(self, *, client_id: str | None = None) -> list[MirrorVerdict]:
        query = sa.select(mv).order_by(mv.c.decided_at, mv.c.campaign_id, mv.c.action)
        if client_id is not None:
            query = query.where(mv.c.client_id == client_id)
        with translate_errors("reading mirror verdicts"), reading(self._engine) as conn:
            return [_verdict(r) for r in conn.execute(query)]


def _verdict(row: sa.Row[tuple[object, ...]]) -> MirrorVerdict:
    m = row._mapping
    return MirrorVerdict(
        campaign_id=m["campaign_id"],
        client_id=m["client_id"],
        action=MirrorAction[m["action"]],
        sequence=int(m["sequence"]),
        decided_at=m["decided_at"],
        deviation=float(m["deviation"]),
        real_revenue_micros=int(m["real_revenue_micros"]),
        projected_revenue_micros=int(m["projected_revenue_micros"]),
        threshold=float(m["threshold"]),
        mode=m["mode"],
        settled_at=m["settled_at"],
    )
