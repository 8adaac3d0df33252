"""MarginGuardian: per-client thresholds and what the guardian remembers per campaign.

Revision ID: 0010_guardian
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0010_guardian"
down_revision = "0001_foundation"
branch_labels = ("guardian",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guardian_settings",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("thresholds_json", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "guardian_memory",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("memory_json", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_guardian_memory_client", "guardian_memory", ["client_id"])


def downgrade() -> None:
    op.drop_index("ix_guardian_memory_client", table_name="guardian_memory")
    op.drop_table("guardian_memory")
    op.drop_table("guardian_settings")
