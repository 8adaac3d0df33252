"""The sandbox's own tables, on its own database: created on first use, no Alembic.

The sandbox stands in for an external system, so its tables are not KIKI's: they live behind
``KIKI_SANDBOX_URL`` and carry a schema version in ``sandbox_meta`` instead of migrations.
"""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.types import UtcDateTime

SCHEMA_VERSION = "1"

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sandbox_meta = sa.Table(
    "sandbox_meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

sandbox_accounts = sa.Table(
    "sandbox_accounts",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("platform", sa.String(30), primary_key=True),
    sa.Column("opening_budget_micros", sa.BigInteger(), nullable=False),
    sa.Column("cpm_micros", sa.BigInteger(), nullable=False),
    sa.Column("ctr", sa.Double(), nullable=False),
    sa.Column("cvr", sa.Double(), nullable=False),
    sa.Column("ltv_micros", sa.BigInteger(), nullable=False),
    sa.Column("aov_micros", sa.BigInteger(), nullable=True),
    sa.Column("cpm_factor", sa.Double(), nullable=False),
    sa.Column("cvr_factor", sa.Double(), nullable=False),
    sa.Column("spend_factor", sa.Double(), nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("seed", sa.BigInteger(), nullable=False),
    sa.Column("noise", sa.Double(), nullable=False),
)

sandbox_campaigns = sa.Table(
    "sandbox_campaigns",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("pause_reason", sa.String(40), nullable=True),
    sa.Column("budget_micros", sa.BigInteger(), nullable=False),
    sa.Column("bid_strategy", sa.String(20), nullable=False),
    sa.Column("bid_micros", sa.BigInteger(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("accrued_to", UtcDateTime(), nullable=False),
    sa.Index("ix_sandbox_campaigns_client", "client_id", "platform"),
)

# The primary key is the (campaign, hour) index every read and prune walks.
sandbox_hourly_stats = sa.Table(
    "sandbox_hourly_stats",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("hour", sa.BigInteger(), primary_key=True),  # hours since 1970-01-01T00:00Z
    sa.Column("spend_micros", sa.BigInteger(), nullable=False),
    sa.Column("impressions", sa.Double(), nullable=False),
    sa.Column("clicks", sa.Double(), nullable=False),
    sa.Column("conversions", sa.Double(), nullable=False),
    sa.Column("revenue_micros", sa.BigInteger(), nullable=False),
)

sandbox_outages = sa.Table(
    "sandbox_outages",
    metadata,
    sa.Column("platform", sa.String(30), primary_key=True),
    sa.Column("operation", sa.String(30), primary_key=True),
    sa.Column("client_id", sa.String(100), primary_key=True),  # '' for every client
    sa.Column("remaining", sa.Integer(), nullable=True),  # NULL until healed
)
