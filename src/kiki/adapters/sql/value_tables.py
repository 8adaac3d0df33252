"""SyncValue's tables (customers, orders, daily spend, derived acquisitions), as SQLAlchemy Core.

Money is BigInteger micros. The indexes serve the aggregations in ``value_source``: cohorts by
(client, platform, acquired_at); orders by (client, ordered_at) for the baseline, by (client,
customer, ordered_at) for churn and first orders, and by the customer's acquisition, copied onto
each order (``acq_platform``, ``acq_at``), so that LTV revenue is one index range scan per
platform instead of a join; spend by (client, day).
"""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.types import UtcDateTime

value_metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

value_customers = sa.Table(
    "value_customers",
    value_metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("customer_id", sa.String(200), primary_key=True),
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("acquired_at", UtcDateTime(), nullable=False),
)

value_orders = sa.Table(
    "value_orders",
    value_metadata,
    sa.Column("seq", _ID, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("order_key", sa.String(70), nullable=False),
    sa.Column("order_id", sa.String(200), nullable=True),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("ordered_at", UtcDateTime(), nullable=False),
    sa.Column("amount_micros", sa.BigInteger(), nullable=False),
    sa.Column("platform", sa.String(30), nullable=True),
    # The customer's acquisition (from value_acquisitions), kept in step by the importer.
    sa.Column("acq_platform", sa.String(30), nullable=True),
    sa.Column("acq_at", UtcDateTime(), nullable=True),
    sa.CheckConstraint("amount_micros >= 0", name="non_negative_amount"),
    sa.UniqueConstraint("client_id", "order_key", name="uq_value_orders_client_key"),
    sa.Index(
        "ix_value_orders_client_at", "client_id", "ordered_at", "customer_id", "amount_micros"
    ),
    sa.Index(
        "ix_value_orders_client_customer",
        "client_id",
        "customer_id",
        "ordered_at",
        "amount_micros",
    ),
    sa.Index(
        "ix_value_orders_client_acquisition",
        "client_id",
        "acq_platform",
        "acq_at",
        "ordered_at",
        "amount_micros",
    ),
)

value_spend = sa.Table(
    "value_spend",
    value_metadata,
    sa.Column("seq", _ID, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("spend_key", sa.String(70), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("spend_micros", sa.BigInteger(), nullable=False),
    sa.Column("impressions", sa.BigInteger(), nullable=True),
    sa.Column("clicks", sa.BigInteger(), nullable=True),
    sa.Column("conversions", sa.BigInteger(), nullable=True),
    sa.CheckConstraint("spend_micros >= 0", name="non_negative_spend"),
    sa.UniqueConstraint("client_id", "spend_key", name="uq_value_spend_client_key"),
    sa.Index("ix_value_spend_client_day", "client_id", "day", "platform", "spend_micros"),
)

# Derived, rebuilt for a client in the same transaction as each customers or orders import:
# the customers file's platform and time, else the platform and time of the first order.
value_acquisitions = sa.Table(
    "value_acquisitions",
    value_metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("customer_id", sa.String(200), primary_key=True),
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("acquired_at", UtcDateTime(), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Index("ix_value_acquisitions_client_at", "client_id", "platform", "acquired_at"),
)
