"""The foundation's tables (ledger, audit trail, client configuration), as SQLAlchemy Core."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.types import UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ledger_transfers = sa.Table(
    "ledger_transfers",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("transfer_id", sa.String(200), nullable=False, unique=True),
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
    sa.Column("source_before_micros", sa.BigInteger(), nullable=True),
    sa.Column("destination_before_micros", sa.BigInteger(), nullable=True),
    sa.CheckConstraint("amount_micros > 0", name="positive_amount"),
    sa.Index("ix_ledger_transfers_client_at", "client_id", "at"),
    sa.Index("ix_ledger_transfers_shift", "shift_id"),
)

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("event_type", sa.String(60), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("client_id", sa.String(100), nullable=True),
    sa.Column("campaign_id", sa.String(100), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("metadata_json", sa.Text(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_entries_client", "client_id", "seq"),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

client_settings = sa.Table(
    "client_settings",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("efficiency_threshold", sa.Float(), nullable=True),
    sa.Column("reallocation_percent", sa.Float(), nullable=True),
    sa.Column("cooldown_s", sa.Float(), nullable=True),
    sa.Column("allow_json", sa.Text(), nullable=True),
    sa.Column("deny_json", sa.Text(), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

client_budget_limits = sa.Table(
    "client_budget_limits",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("platform", sa.String(30), primary_key=True),
    sa.Column("floor_micros", sa.BigInteger(), nullable=True),
    sa.Column("ceiling_micros", sa.BigInteger(), nullable=True),
)
