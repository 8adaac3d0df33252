"""Platform connections: which adapter and ad account serve each of a client's platforms.

Revision ID: 0012_connections
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0012_connections"
down_revision = "0001_foundation"
branch_labels = ("connections",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_connections",
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("platform", sa.String(30), nullable=False),
        sa.Column("adapter", sa.String(40), nullable=False),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("credentials", sa.String(64), nullable=True),
        sa.Column("connected_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "platform", name="pk_platform_connections"),
    )


def downgrade() -> None:
    op.drop_table("platform_connections")
