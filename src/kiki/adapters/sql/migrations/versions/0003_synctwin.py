"""SyncTwin: gate decisions (kept for shadow mode), 30-day projections, recorded baselines.

Revision ID: 0003_synctwin
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0003_synctwin"
down_revision = "0001_foundation"
branch_labels = ("synctwin",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "twin_decisions",
        sa.Column("decision_id", sa.String(64), primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("projected_uplift_micros", sa.BigInteger(), nullable=False),
        sa.Column("seed", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(30), nullable=False),
        sa.Column("campaign_id", sa.String(100), nullable=True),
        sa.Column("strategy_json", sa.Text(), nullable=False),
        sa.Column("baseline_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("actual_net_profit_micros", sa.BigInteger(), nullable=True),
        sa.Column("outcome_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("campaign_id", name="uq_twin_decisions_campaign_id"),
    )
    op.create_index("ix_twin_decisions_client_at", "twin_decisions", ["client_id", "at"])
    op.create_table(
        "twin_projections",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("revenue_micros", sa.BigInteger(), nullable=False),
        sa.Column("spend_micros", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "twin_baselines",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("avg_order_value_micros", sa.BigInteger(), nullable=False),
        sa.Column("monthly_revenue_micros", sa.BigInteger(), nullable=False),
        sa.Column("monthly_ad_spend_micros", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("twin_baselines")
    op.drop_table("twin_projections")
    op.drop_index("ix_twin_decisions_client_at", table_name="twin_decisions")
    op.drop_table("twin_decisions")
