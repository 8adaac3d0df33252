"""The tables that keep money safe outside the ledger: client states and cycle leases."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.tables import metadata
from kiki.adapters.sql.types import UtcDateTime

client_states = sa.Table(
    "client_states",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("since", UtcDateTime(), nullable=False),
    sa.Column("details_json", sa.Text(), nullable=False),
)

cycle_leases = sa.Table(
    "cycle_leases",
    metadata,
    # a client id (up to 100 characters), or a named pass of one ("guardian:<client>")
    sa.Column("client_id", sa.String(120), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("token", sa.BigInteger(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
)
