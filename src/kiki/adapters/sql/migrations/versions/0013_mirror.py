"""The real-to-sim mirror: its verdicts (a rollback decided once per campaign, durably).

Revision ID: 0013_mirror
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0013_mirror"
down_revision = "0001_foundation"
branch_labels = ("mirror",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mirror_verdicts",
        sa.Column("campaign_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("deviation", sa.Float(), nullable=False),
        sa.Column("real_revenue_micros", sa.BigInteger(), nullable=False),
        sa.Column("projected_revenue_micros", sa.BigInteger(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("campaign_id", "action", name="pk_mirror_verdicts"),
    )
    op.create_index("ix_mirror_verdicts_client", "mirror_verdicts", ["client_id", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_mirror_verdicts_client", table_name="mirror_verdicts")
    op.drop_table("mirror_verdicts")
