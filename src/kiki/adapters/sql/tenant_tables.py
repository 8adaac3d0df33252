"""The service's tables: tenants, their API keys (hashes only), clients, idempotency records."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.tables import metadata
from kiki.adapters.sql.types import UtcDateTime

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("tenant_id", sa.String(60), primary_key=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(20), primary_key=True),
    sa.Column("tenant_id", sa.String(60), sa.ForeignKey("tenants.tenant_id"), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    # An operator key may act beyond its tenant's clients (migration 0014_answers).
    sa.Column("operator", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Index("ix_api_keys_tenant", "tenant_id"),
)

tenant_clients = sa.Table(
    "tenant_clients",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("tenant_id", sa.String(60), sa.ForeignKey("tenants.tenant_id"), nullable=False),
    sa.Column("attached_at", UtcDateTime(), nullable=False),
    sa.Index("ix_tenant_clients_tenant", "tenant_id"),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("tenant_id", sa.String(60), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # PENDING, then DONE
    sa.Column("response_json", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
)
