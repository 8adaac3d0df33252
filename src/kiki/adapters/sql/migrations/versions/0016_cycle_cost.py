"""A cycle's cost stays flat: the ledger's open pending transfers and its transit legs are
found by index, and the audit trail is one hash chain per client instead of one for everyone.

- ``ledger_open_pending``: every pending transfer no resolution names yet, kept by the ledger
  in the transaction that records the pending transfer or its resolution (backfilled here);
- a partial index on the (legacy) transfers through transit;
- ``audit_entries`` gain ``chain`` (the client id, "" for events of no client), ``chain_seq``
  and ``registry_seq`` (on a chain's first entry); ``audit_chains`` holds each chain's head;
  ``audit_head`` row 2 is the registry head (chains started, hash of the last first entry).
  Row 1, the single chain's head, is frozen: the entries written before stay on that chain.
  On PostgreSQL ``audit_entries.seq`` is drawn from a sequence (SQLite's rowid already is).

Revision ID: 0016_cycle_cost
Revises: 0011_money_safety
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_cycle_cost"
down_revision = "0011_money_safety"
branch_labels = ("cycle_cost",)
depends_on = "0001_foundation"

_TRANSIT = "source = 'transit' OR destination = 'transit'"


def upgrade() -> None:
    op.create_table(
        "ledger_open_pending",
        sa.Column("transfer_id", sa.String(200), primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_ledger_open_pending_client", "ledger_open_pending", ["client_id", "seq"])
    op.execute(
        "INSERT INTO ledger_open_pending (transfer_id, client_id, seq) "
        "SELECT p.transfer_id, p.client_id, p.seq FROM ledger_transfers p "
        "WHERE p.kind = 'PENDING' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r "
        "WHERE r.corrects = p.transfer_id AND r.client_id = p.client_id "
        "AND r.kind IN ('POSTED', 'VOIDED', 'ROLLED_BACK'))"
    )
    op.create_index(
        "ix_ledger_transfers_transit",
        "ledger_transfers",
        ["client_id", "seq"],
        postgresql_where=sa.text(_TRANSIT),
        sqlite_where=sa.text(_TRANSIT),
    )
    op.add_column("audit_entries", sa.Column("chain", sa.String(100), nullable=True))
    op.add_column("audit_entries", sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_entries", sa.Column("registry_seq", sa.BigInteger(), nullable=True))
    op.create_index("ix_audit_entries_chain", "audit_entries", ["chain", "chain_seq"], unique=True)
    op.create_table(
        "audit_chains",
        sa.Column("chain", sa.String(100), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute(
        "INSERT INTO audit_head (id, seq, hash) SELECT 2, 0, hash FROM audit_head WHERE id = 1"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE audit_entries_seq_seq OWNED BY audit_entries.seq")
        op.execute(
            "SELECT setval('audit_entries_seq_seq', "
            "COALESCE((SELECT MAX(seq) FROM audit_entries), 0) + 1, false)"
        )
        op.execute(
            "ALTER TABLE audit_entries ALTER COLUMN seq "
            "SET DEFAULT nextval('audit_entries_seq_seq')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_entries ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE audit_entries_seq_seq")
    op.execute("DELETE FROM audit_head WHERE id = 2")
    op.drop_table("audit_chains")
    op.drop_index("ix_audit_entries_chain", table_name="audit_entries")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("registry_seq")
        batch.drop_column("chain_seq")
        batch.drop_column("chain")
    op.drop_index("ix_ledger_transfers_transit", table_name="ledger_transfers")
    op.drop_index("ix_ledger_open_pending_client", table_name="ledger_open_pending")
    op.drop_table("ledger_open_pending")
