"""Crash-safe money: a pending transfer records both budgets before the shift; client states
(ACTIVE, PAUSED, STUCK) and the leases that give one replica a client's cycle at a time.

Revision ID: 0011_money_safety
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0011_money_safety"
down_revision = "0001_foundation"
branch_labels = ("money",)
depends_on = None


def upgrade() -> None:
    op.add_column(
        "ledger_transfers", sa.Column("source_before_micros", sa.BigInteger(), nullable=True)
    )
    op.add_column(
        "ledger_transfers", sa.Column("destination_before_micros", sa.BigInteger(), nullable=True)
    )
    op.create_table(
        "client_states",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", UtcDateTime(), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
    )
    op.create_table(
        "cycle_leases",
        sa.Column("client_id", sa.String(120), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cycle_leases")
    op.drop_table("client_states")
    with op.batch_alter_table("ledger_transfers") as batch:
        batch.drop_column("destination_before_micros")
        batch.drop_column("source_before_micros")
