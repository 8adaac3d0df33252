"""Foundation: ledger transfers, the audit chain and its head, per-client optimiser settings.

Revision ID: 0001_foundation
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0001_foundation"
down_revision = None
branch_labels = ("foundation",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_transfers",
        sa.Column("seq", _ID, primary_key=True, autoincrement=True),
        sa.Column("transfer_id", sa.String(200), nullable=False),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("shift_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("destination", sa.String(60), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("corrects", sa.String(200), nullable=True),
        sa.Column("bound_for", sa.String(60), nullable=True),
        sa.CheckConstraint("amount_micros > 0", name="ck_ledger_transfers_positive_amount"),
        sa.UniqueConstraint("transfer_id", name="uq_ledger_transfers_transfer_id"),
    )
    op.create_index("ix_ledger_transfers_client_at", "ledger_transfers", ["client_id", "at"])
    op.create_index("ix_ledger_transfers_shift", "ledger_transfers", ["shift_id"])

    op.create_table(
        "audit_entries",
        sa.Column("seq", _ID, primary_key=True, autoincrement=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("client_id", sa.String(100), nullable=True),
        sa.Column("campaign_id", sa.String(100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("metadata_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entries_client", "audit_entries", ["client_id", "seq"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])

    op.create_table(
        "client_settings",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("efficiency_threshold", sa.Float(), nullable=True),
        sa.Column("reallocation_percent", sa.Float(), nullable=True),
        sa.Column("cooldown_s", sa.Float(), nullable=True),
        sa.Column("allow_json", sa.Text(), nullable=True),
        sa.Column("deny_json", sa.Text(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "client_budget_limits",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("platform", sa.String(30), primary_key=True),
        sa.Column("floor_micros", sa.BigInteger(), nullable=True),
        sa.Column("ceiling_micros", sa.BigInteger(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("client_budget_limits")
    op.drop_table("client_settings")
    op.drop_table("audit_head")
    op.drop_index("ix_audit_entries_client", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index("ix_ledger_transfers_shift", table_name="ledger_transfers")
    op.drop_index("ix_ledger_transfers_client_at", table_name="ledger_transfers")
    op.drop_table("ledger_transfers")
