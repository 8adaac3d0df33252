"""SqlAuditLog: SyncShield's hash-chained trail on SQLite or PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.tables import audit_entries as e
from kiki.adapters.sql.tables import audit_head as h
from kiki.syncshield.chain import AuditEntry, AuditEvent, ChainReport, entry_hash, verify_chain


class SqlAuditLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(self, event: AuditEvent) -> AuditEntry:
        event = _normalised(event)
        with translate_errors("appending to the audit trail"), self._engine.begin() as conn:
            # FOR UPDATE serialises appenders on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
            head = conn.execute(
                sa.select(h.c.seq, h.c.hash).where(h.c.id == 1).with_for_update()
            ).one()
            seq = int(head.seq) + 1
            digest = entry_hash(head.hash, seq, event)
            conn.execute(
                e.insert().values(
                    seq=seq,
                    event_type=event.event_type,
                    at=event.at,
                    client_id=event.client_id,
                    campaign_id=event.campaign_id,
                    reason=event.reason,
                    metadata_json=json.dumps(event.metadata, sort_keys=True),
                    prev_hash=head.hash,
                    hash=digest,
                )
            )
            conn.execute(h.update().where(h.c.id == 1).values(seq=seq, hash=digest))
        return AuditEntry(seq=seq, event=event, prev_hash=head.hash, hash=digest)

    def entries(
        self, *, client_id: str | None = None, event_type: str | None = None
    ) -> list[AuditEntry]:
        query = sa.select(e).order_by(e.c.seq)
        if client_id is not None:
            query = query.where(e.c.client_id == client_id)
        if event_type is not None:
            query = query.where(e.c.event_type == event_type)
        with translate_errors("reading the audit trail"), reading(self._engine) as conn:
            return [_entry(row) for row in conn.execute(query)]

    def verify(self) -> ChainReport:
        with translate_errors("verifying the audit trail"), reading(self._engine) as conn:
            head = conn.execute(sa.select(h.c.seq, h.c.hash).where(h.c.id == 1)).one()
            rows = [_entry(row) for row in conn.execute(sa.select(e).order_by(e.c.seq))]
        return verify_chain(rows, head_seq=int(head.seq), head_hash=head.hash)


def _normalised(event: AuditEvent) -> AuditEvent:
    """The event exactly as it will read back: UTC time, JSON-plain metadata."""
    metadata = json.loads(json.dumps(event.metadata, sort_keys=True, default=str))
    return AuditEvent(
        event_type=event.event_type,
        at=event.at.astimezone(UTC),
        client_id=event.client_id,
        campaign_id=event.campaign_id,
        reason=event.reason,
        metadata=metadata,
    )


def _entry(row: sa.Row[tuple[object, ...]]) -> AuditEntry:
    m = row._mapping
    event = AuditEvent(
        event_type=m["event_type"],
        at=m["at"],
        client_id=m["client_id"],
        campaign_id=m["campaign_id"],
        reason=m["reason"],
        metadata=json.loads(m["metadata_json"]),
    )
    return AuditEntry(seq=int(m["seq"]), event=event, prev_hash=m["prev_hash"], hash=m["hash"])
