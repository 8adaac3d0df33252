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
    sa.Index(
        "ix_ledger_transfers_transit",
        "client_id",
        "seq",
        postgresql_where=sa.text("source = 'transit' OR destination = 'transit'"),
        sqlite_where=sa.text("source = 'transit' OR destination = 'transit'"),
    ),
)

# Every pending transfer no resolution names yet: the ledger adds and removes rows in the
# transaction that records the pending transfer or its resolution, so the reconciler finds a
# client's open transfers by index, however long its history.
ledger_open_pending = sa.Table(
    "ledger_open_pending",
    metadata,
    sa.Column("transfer_id", sa.String(200), primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Index("ix_ledger_open_pending_client", "client_id", "seq"),
)

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,  # a sequence on PostgreSQL, the rowid on SQLite (0016_cycle_cost)
    ),
    sa.Column("event_type", sa.String(60), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("client_id", sa.String(100), nullable=True),
    sa.Column("campaign_id", sa.String(100), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("metadata_json", sa.Text(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # NULL on entries written before per-client chains (they stay on the single chain)
    sa.Column("chain", sa.String(100), nullable=True),
    sa.Column("chain_seq", sa.BigInteger(), nullable=True),
    sa.Column("registry_seq", sa.BigInteger(), nullable=True),
    sa.Index("ix_audit_entries_client", "client_id", "seq"),
    sa.Index("ix_audit_entries_chain", "chain", "chain_seq", unique=True),
)

# Each chain's head: its last chain_seq and hash.
audit_chains = sa.Table(
    "audit_chains",
    metadata,
    sa.Column("chain", sa.String(100), primary_key=True),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

# Row 1: the head of the single chain entries were written on before 0016 (frozen since).
# Row 2: the registry head: how many chains were started and the hash of the last one's first
# entry (each chain's first entry links to the one before, so a whole chain cannot vanish).
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
