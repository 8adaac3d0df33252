"""SqlAuditLog: SyncShield's hash-chained trail on SQLite or PostgreSQL, a chain per client.

An append locks only its chain's head row (``audit_chains``), so cycles of different clients
append at once; the registry head (``audit_head`` row 2) is locked only when a chain begins
(a client's first event). Entries written before per-client chains stay on the single chain
whose head is ``audit_head`` row 1. See ``kiki.syncshield.chain``.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.tables import audit_chains as c
from kiki.adapters.sql.tables import audit_entries as e
from kiki.adapters.sql.tables import audit_head as h
from kiki.syncshield.chain import (
    AuditEntry,
    AuditEvent,
    ChainReport,
    Head,
    chain_of,
    chained_hash,
    verify_trail,
)

_SINGLE, _REGISTRY = 1, 2  # audit_head rows


class SqlAuditLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(self, event: AuditEvent) -> AuditEntry:
        event = _normalised(event)
        chain = chain_of(event)
        with translate_errors("appending to the audit trail"), self._engine.begin() as conn:
            # FOR UPDATE serialises the appenders of one chain on PostgreSQL; SQLite's BEGIN
            # IMMEDIATE serialises every writer anyway.
            head = _chain_head(conn, chain)
            registry_seq = None
            if head is None:
                # A chain begins: take the registry's lock, then look again (another appender
                # may have begun this chain while we waited for it).
                registry = conn.execute(
                    sa.select(h.c.seq, h.c.hash).where(h.c.id == _REGISTRY).with_for_update()
                ).one()
                head = _chain_head(conn, chain)
                if head is None:
                    registry_seq = int(registry.seq) + 1
                    chain_seq, prev = 1, str(registry.hash)
            if head is not None:
                chain_seq, prev = int(head.seq) + 1, str(head.hash)
            digest = chained_hash(prev, chain, chain_seq, registry_seq, event)
            seq = conn.execute(
                e.insert()
                .values(
                    event_type=event.event_type,
                    at=event.at,
                    client_id=event.client_id,
                    campaign_id=event.campaign_id,
                    reason=event.reason,
                    metadata_json=json.dumps(event.metadata, sort_keys=True),
                    prev_hash=prev,
                    hash=digest,
                    chain=chain,
                    chain_seq=chain_seq,
                    registry_seq=registry_seq,
                )
                .returning(e.c.seq)
            ).scalar_one()
            if registry_seq is None:
                conn.execute(
                    c.update().where(c.c.chain == chain).values(seq=chain_seq, hash=digest)
                )
            else:
                conn.execute(c.insert().values(chain=chain, seq=chain_seq, hash=digest))
                conn.execute(
                    h.update().where(h.c.id == _REGISTRY).values(seq=registry_seq, hash=digest)
                )
        return AuditEntry(
            seq=int(seq),
            event=event,
            prev_hash=prev,
            hash=digest,
            chain=chain,
            chain_seq=chain_seq,
            registry_seq=registry_seq,
        )

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
            heads = {int(r.id): Head(int(r.seq), r.hash) for r in conn.execute(sa.select(h))}
            chains = {r.chain: Head(int(r.seq), r.hash) for r in conn.execute(sa.select(c))}
            rows = [_entry(row) for row in conn.execute(sa.select(e).order_by(e.c.seq))]
        return verify_trail(rows, single=heads[_SINGLE], registry=heads[_REGISTRY], chains=chains)


def _chain_head(conn: sa.Connection, chain: str) -> Any:  # a Row or None
    query = sa.select(c.c.seq, c.c.hash).where(c.c.chain == chain).with_for_update()
    return conn.execute(query).first()


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
    return AuditEntry(
        seq=int(m["seq"]),
        event=event,
        prev_hash=m["prev_hash"],
        hash=m["hash"],
        chain=m["chain"],
        chain_seq=None if m["chain_seq"] is None else int(m["chain_seq"]),
        registry_seq=None if m["registry_seq"] is None else int(m["registry_seq"]),
    )
