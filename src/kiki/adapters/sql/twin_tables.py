"""SyncTwin's tables: gate decisions (shadow mode included), projections, recorded baselines,
learned thresholds."""

from __future__ import annotations

import sqlalchemy as sa

from kiki.adapters.sql.types import UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)

twin_decisions = sa.Table(
    "twin_decisions",
    metadata,
    sa.Column("decision_id", sa.String(64), primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("approved", sa.Boolean(), nullable=False),
    sa.Column("confidence", sa.Float(), nullable=False),
    sa.Column("projected_uplift_micros", sa.BigInteger(), nullable=False),
    sa.Column("seed", sa.String(40), nullable=False),  # up to 128 bits, kept exact as text
    sa.Column("platform", sa.String(30), nullable=False),
    sa.Column("campaign_id", sa.String(100), nullable=True, unique=True),
    sa.Column("strategy_json", sa.Text(), nullable=False),
    sa.Column("baseline_json", sa.Text(), nullable=False),
    sa.Column("result_json", sa.Text(), nullable=False),
    sa.Column("actual_net_profit_micros", sa.BigInteger(), nullable=True),
    sa.Column("outcome_at", UtcDateTime(), nullable=True),
    sa.Index("ix_twin_decisions_client_at", "client_id", "at"),
)

twin_projections = sa.Table(
    "twin_projections",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("day", sa.Integer(), primary_key=True),
    sa.Column("revenue_micros", sa.BigInteger(), nullable=False),
    sa.Column("spend_micros", sa.BigInteger(), nullable=False),
)

twin_baselines = sa.Table(
    "twin_baselines",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("avg_order_value_micros", sa.BigInteger(), nullable=False),
    sa.Column("monthly_revenue_micros", sa.BigInteger(), nullable=False),
    sa.Column("monthly_ad_spend_micros", sa.BigInteger(), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER keys

twin_thresholds = sa.Table(
    "twin_thresholds",
    metadata,
    sa.Column("seq", _ID, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("threshold", sa.Float(), nullable=False),
    sa.Column("evidence_json", sa.Text(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Index("ix_twin_thresholds_client_at", "client_id", "at"),
)
