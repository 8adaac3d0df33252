"""The live side's tables: campaigns as KIKI last saw them, their change history, and the
readings each optimisation cycle used."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.tables import metadata
from kiki.adapters.sql.types import UtcDateTime

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("pause_reason", sa.String(40), nullable=True),
    sa.Column("daily_budget_micros", sa.BigInteger(), nullable=False),
    sa.Column("bid_strategy", sa.String(20), nullable=False),
    sa.Column("bid_micros", sa.BigInteger(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("seen_at", UtcDateTime(), nullable=False),
    sa.Index("ix_campaigns_client", "client_id", "created_at"),
)

campaign_changes = sa.Table(
    "campaign_changes",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.String(100), nullable=False),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(60), nullable=False),
    sa.Column("reason", sa.String(40), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("before_json", sa.Text(), nullable=True),
    sa.Column("after_json", sa.Text(), nullable=False),
    sa.Column("figures_json", sa.Text(), nullable=False),
    sa.Index("ix_campaign_changes_campaign", "campaign_id", "seq"),
)

syncflow_readings = sa.Table(
    "syncflow_readings",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("report_json", sa.Text(), nullable=False),
)
