"""SyncTwin: the gate's learned confidence thresholds, per client or fleet-wide, with evidence.

Revision ID: 0006_twin_thresholds
Revises: 0003_synctwin
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0006_twin_thresholds"
down_revision = "0003_synctwin"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "twin_thresholds",
        sa.Column("seq", _ID, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("evidence_json", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_twin_thresholds_client_at", "twin_thresholds", ["client_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_twin_thresholds_client_at", table_name="twin_thresholds")
    op.drop_table("twin_thresholds")
