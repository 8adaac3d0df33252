"""MarginGuardian's tables: a client's thresholds (only those it set) and per-campaign memory."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.tables import metadata
from kiki.adapters.sql.types import UtcDateTime

guardian_settings = sa.Table(
    "guardian_settings",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("thresholds_json", sa.Text(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

guardian_memory = sa.Table(
    "guardian_memory",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("memory_json", sa.Text(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_guardian_memory_client", "client_id"),
)
