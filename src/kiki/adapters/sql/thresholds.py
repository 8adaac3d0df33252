"""SqlThresholdBook: the gate's learned thresholds in SQL, one row per change (history kept)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.twin_tables import twin_thresholds as tt
from kiki.synctwin.ports import ThresholdSetting


class SqlThresholdBook:
    """Implements ThresholdBook; rows are only ever inserted."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, client_id: str) -> float | None:
        query = (
            sa.select(tt.c.threshold)
            .where(tt.c.client_id == client_id)
            .order_by(tt.c.at.desc(), tt.c.seq.desc())
            .limit(1)
        )
        with translate_errors("reading a gate threshold"), reading(self._engine) as conn:
            found = conn.execute(query).scalar_one_or_none()
        return None if found is None else float(found)

    def put(
        self, client_id: str, threshold: float, evidence: Mapping[str, Any], at: datetime
    ) -> None:
        setting = ThresholdSetting(client_id, float(threshold), evidence, at)  # validates
        with translate_errors("recording a gate threshold"), self._engine.begin() as conn:
            conn.execute(
                tt.insert().values(
                    client_id=setting.client_id,
                    threshold=setting.threshold,
                    evidence_json=json.dumps(setting.evidence, sort_keys=True, default=str),
                    at=setting.at,
                )
            )

    def history(self, client_id: str) -> list[ThresholdSetting]:
        query = sa.select(tt).where(tt.c.client_id == client_id).order_by(tt.c.at, tt.c.seq)
        with translate_errors("reading gate thresholds"), reading(self._engine) as conn:
            return [
                ThresholdSetting(
                    client_id=row.client_id,
                    threshold=float(row.threshold),
                    evidence=json.loads(row.evidence_json),
                    at=row.at,
                )
                for row in conn.execute(query)
            ]
