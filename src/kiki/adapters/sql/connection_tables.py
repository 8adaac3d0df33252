"""The table of platform connections: a client's adapter and ad account per platform (no
credentials: only the name of a secrets-file section)."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.tables import metadata
from kiki.adapters.sql.types import UtcDateTime

platform_connections = sa.Table(
    "platform_connections",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("platform", sa.String(30), primary_key=True),
    sa.Column("adapter", sa.String(40), nullable=False),
    sa.Column("account_id", sa.String(100), nullable=False),
    sa.Column("credentials", sa.String(64), nullable=True),
    sa.Column("connected_at", UtcDateTime(), nullable=False),
)
