"""SyncValue: customers, orders, daily ad spend and the derived acquisitions, per client.

Revision ID: 0002_syncvalue
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiki.adapters.sql.types import UtcDateTime

revision = "0002_syncvalue"
down_revision = "0001_foundation"
branch_labels = ("syncvalue",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "value_customers",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(200), primary_key=True),
        sa.Column("platform", sa.String(30), nullable=False),
        sa.Column("acquired_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "value_orders",
        sa.Column("seq", _ID, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("order_key", sa.String(70), nullable=False),
        sa.Column("order_id", sa.String(200), nullable=True),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("ordered_at", UtcDateTime(), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("platform", sa.String(30), nullable=True),
        sa.Column("acq_platform", sa.String(30), nullable=True),
        sa.Column("acq_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("amount_micros >= 0", name="ck_value_orders_non_negative_amount"),
        sa.UniqueConstraint("client_id", "order_key", name="uq_value_orders_client_key"),
    )
    # Covering indexes: the baseline reads orders by time, churn and first orders by customer,
    # LTV by the customer's acquisition (copied onto each order) so it is one range scan.
    op.create_index(
        "ix_value_orders_client_at",
        "value_orders",
        ["client_id", "ordered_at", "customer_id", "amount_micros"],
    )
    op.create_index(
        "ix_value_orders_client_customer",
        "value_orders",
        ["client_id", "customer_id", "ordered_at", "amount_micros"],
    )
    op.create_index(
        "ix_value_orders_client_acquisition",
        "value_orders",
        ["client_id", "acq_platform", "acq_at", "ordered_at", "amount_micros"],
    )
    op.create_table(
        "value_spend",
        sa.Column("seq", _ID, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("spend_key", sa.String(70), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(30), nullable=False),
        sa.Column("spend_micros", sa.BigInteger(), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=True),
        sa.Column("clicks", sa.BigInteger(), nullable=True),
        sa.Column("conversions", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("spend_micros >= 0", name="ck_value_spend_non_negative_spend"),
        sa.UniqueConstraint("client_id", "spend_key", name="uq_value_spend_client_key"),
    )
    op.create_index(
        "ix_value_spend_client_day",
        "value_spend",
        ["client_id", "day", "platform", "spend_micros"],
    )
    op.create_table(
        "value_acquisitions",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(200), primary_key=True),
        sa.Column("platform", sa.String(30), nullable=False),
        sa.Column("acquired_at", UtcDateTime(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
    )
    op.create_index(
        "ix_value_acquisitions_client_at",
        "value_acquisitions",
        ["client_id", "platform", "acquired_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_value_acquisitions_client_at", table_name="value_acquisitions")
    op.drop_table("value_acquisitions")
    op.drop_index("ix_value_spend_client_day", table_name="value_spend")
    op.drop_table("value_spend")
    op.drop_index("ix_value_orders_client_acquisition", table_name="value_orders")
    op.drop_index("ix_value_orders_client_customer", table_name="value_orders")
    op.drop_index("ix_value_orders_client_at", table_name="value_orders")
    op.drop_table("value_orders")
    op.drop_table("value_customers")
