"""SqlConnectionBook: a client's platform connections in the ``platform_connections`` table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.connection_tables import platform_connections as pc
from kiki.adapters.sql.engine import reading, scope_memo, translate_errors
from kiki.core.platform import Platform
from kiki.platforms.connections import Connection


class SqlConnectionBook:
    """Implements ConnectionBook; one row per (client, platform)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def connect(self, connection: Connection) -> Connection | None:
        key = _key(connection.client_id, connection.platform)
        row = {
            "client_id": connection.client_id,
            "platform": connection.platform.value,
            "adapter": connection.adapter,
            "account_id": connection.account_id,
            "credentials": connection.credentials,
            "connected_at": connection.connected_at,
        }
        with translate_errors("recording a connection"), self._engine.begin() as conn:
            found = conn.execute(sa.select(pc).where(key).with_for_update()).first()
            if found is None:
                conn.execute(pc.insert().values(**row))
                return None
            conn.execute(pc.update().where(key).values(**row))
            return _connection(found._mapping)

    def disconnect(self, client_id: str, platform: Platform) -> Connection | None:
        key = _key(client_id, platform)
        with translate_errors("removing a connection"), self._engine.begin() as conn:
            found = conn.execute(sa.select(pc).where(key).with_for_update()).first()
            if found is None:
                return None
            conn.execute(pc.delete().where(key))
            return _connection(found._mapping)

    def get(self, client_id: str, platform: Platform) -> Connection | None:
        """In a read scope (a cycle), one query answers every platform of the client."""
        if scope_memo(self._engine) is not None:
            return next((c for c in self.of(client_id) if c.platform is platform), None)
        with translate_errors("reading a connection"), reading(self._engine) as conn:
            found = conn.execute(sa.select(pc).where(_key(client_id, platform))).first()
        return None if found is None else _connection(found._mapping)

    def of(self, client_id: str | None = None) -> list[Connection]:
        memo = scope_memo(self._engine)
        key = ("connections", client_id)
        if memo is not None and key in memo:
            kept: tuple[Connection, ...] = memo[key]  # type: ignore[assignment]
            return list(kept)
        query = sa.select(pc).order_by(pc.c.client_id)
        if client_id is not None:
            query = query.where(pc.c.client_id == client_id)
        with translate_errors("reading connections"), reading(self._engine) as conn:
            rows = conn.execute(query).all()
        found = sorted(
            (_connection(r._mapping) for r in rows), key=lambda c: (c.client_id, c.platform.rank)
        )
        if memo is not None:
            memo[key] = tuple(found)
        return found


def _key(client_id: str, platform: Platform) -> sa.ColumnElement[bool]:
    return sa.and_(pc.c.client_id == client_id, pc.c.platform == platform.value)


def _connection(row: Any) -> Connection:
    return Connection(
        client_id=row["client_id"],
        platform=Platform(row["platform"]),
        adapter=row["adapter"],
        account_id=row["account_id"],
        credentials=row["credentials"],
        connected_at=row["connected_at"],
    )
