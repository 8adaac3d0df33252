"""Operator keys: an API key that may act beyond its tenant's clients (issue #14).

Revision ID: 0014_answers
Revises: 0004_service
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_answers"
down_revision = "0004_service"
branch_labels = ("answers",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(
            sa.Column("operator", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("operator")
