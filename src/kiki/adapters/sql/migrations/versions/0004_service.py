"""The service: tenants, API key hashes, tenant clients, idempotency records.

Revision ID: 0004_service
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0004_service"
down_revision = "0001_foundation"
branch_labels = ("service",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.String(60), primary_key=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(20), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(60),
            sa.ForeignKey("tenants.tenant_id", name="fk_api_keys_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_index("ix_api_keys_tenant", "api_keys", ["tenant_id"])
    op.create_table(
        "tenant_clients",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(60),
            sa.ForeignKey("tenants.tenant_id", name="fk_tenant_clients_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("attached_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_tenant_clients_tenant", "tenant_clients", ["tenant_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(60), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("ix_tenant_clients_tenant", table_name="tenant_clients")
    op.drop_table("tenant_clients")
    op.drop_index("ix_api_keys_tenant", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("tenants")
