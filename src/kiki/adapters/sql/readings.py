"""SqlReadingBook: the latest readings each client's optimisation cycle used, as typed JSON."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.live_tables import syncflow_readings as r
from kiki.syncflow.domain.report import CycleReport


@cache
def _codec() -> TypeAdapter[CycleReport]:
    """Built on first use: building the schema costs more than a command that never reads."""
    return TypeAdapter(CycleReport)


class SqlReadingBook:
    """Implements ReadingBook: one row per client, replaced by newer readings only."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, report: CycleReport) -> None:
        text = _codec().dump_json(report).decode("utf-8")
        with translate_errors("recording a reading"), self._engine.begin() as conn:
            updated = conn.execute(
                r.update()
                .where(r.c.client_id == report.client_id, r.c.at <= report.at)
                .values(at=report.at, report_json=text)
            ).rowcount
            if updated == 0:
                exists = conn.execute(
                    sa.select(r.c.client_id).where(r.c.client_id == report.client_id)
                ).first()
                if exists is None:
                    conn.execute(
                        r.insert().values(
                            client_id=report.client_id, at=report.at, report_json=text
                        )
                    )

    def latest(self, client_id: str) -> CycleReport | None:
        query = sa.select(r.c.report_json).where(r.c.client_id == client_id)
        with translate_errors("reading the latest reading"), reading(self._engine) as conn:
            text = conn.execute(query).scalar_one_or_none()
        return None if text is None else _codec().validate_json(text)
