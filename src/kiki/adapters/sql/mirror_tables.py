"""The mirror's table: its verdicts, at most one per campaign and action, kept durably."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.tables import metadata
from kiki.adapters.sql.types import UtcDateTime

mirror_verdicts = sa.Table(
    "mirror_verdicts",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("action", sa.String(20), primary_key=True),  # ROLLED_BACK or ALERTED
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("sequence", sa.BigInteger(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=False),
    sa.Column("deviation", sa.Float(), nullable=False),
    sa.Column("real_revenue_micros", sa.BigInteger(), nullable=False),
    sa.Column("projected_revenue_micros", sa.BigInteger(), nullable=False),
    sa.Column("threshold", sa.Float(), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("settled_at", UtcDateTime(), nullable=True),
    sa.Index("ix_mirror_verdicts_client", "client_id", "decided_at"),
)
