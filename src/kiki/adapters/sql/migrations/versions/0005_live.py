"""The live side: campaigns KIKI has seen, their change history, each cycle's readings.

Revision ID: 0005_live
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0005_live"
down_revision = "0001_foundation"
branch_labels = ("live",)
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "campaigns",
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
    )
    op.create_index("ix_campaigns_client", "campaigns", ["client_id", "created_at"])
    op.create_table(
        "campaign_changes",
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
    )
    op.create_index("ix_campaign_changes_campaign", "campaign_changes", ["campaign_id", "seq"])
    op.create_table(
        "syncflow_readings",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("syncflow_readings")
    op.drop_index("ix_campaign_changes_campaign", table_name="campaign_changes")
    op.drop_table("campaign_changes")
    op.drop_index("ix_campaigns_client", table_name="campaigns")
    op.drop_table("campaigns")
