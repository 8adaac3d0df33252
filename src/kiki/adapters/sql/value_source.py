"""SqlValueSource: SyncValue's LTV, CAC and baseline, added up by the database.

The database returns integer sums (micros) and counts, grouped by platform; the divisions and
their rounding live in ``kiki.syncvalue.domain.definitions``, so both engines agree exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.value_tables import value_acquisitions as acq
from kiki.adapters.sql.value_tables import value_customers as cust
from kiki.adapters.sql.value_tables import value_orders as orders
from kiki.adapters.sql.value_tables import value_spend as spend
from kiki.core.money import Money
from kiki.core.platform import Platform
from kiki.syncvalue.domain.definitions import Baseline, PlatformValue, ValueReport, Window


class SqlValueSource:
    """Implements SyncValue's ValueSource (and so SyncFlow's) on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def platform_ltv(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        return self.platform_value(
            client_id, platform, lookback_days=lookback_days, as_of=as_of
        ).ltv

    def platform_cac(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> Money | None:
        return self.platform_value(
            client_id, platform, lookback_days=lookback_days, as_of=as_of
        ).cac

    def platform_value(
        self, client_id: str, platform: Platform, *, lookback_days: int, as_of: datetime
    ) -> PlatformValue:
        window = Window(as_of, lookback_days)
        with translate_errors("reading platform value"), reading(self._engine) as conn:
            return _platform_values(conn, client_id, window, only=platform)[0]

    def baseline(self, client_id: str, *, lookback_days: int, as_of: datetime) -> Baseline:
        window = Window(as_of, lookback_days)
        with translate_errors("reading the baseline"), reading(self._engine) as conn:
            return _baseline(conn, client_id, window)

    def value_report(self, client_id: str, *, lookback_days: int, as_of: datetime) -> ValueReport:
        window = Window(as_of, lookback_days)
        with translate_errors("reading values"), reading(self._engine) as conn:
            platforms = _platform_values(conn, client_id, window, only=None)
            return ValueReport(window, platforms, _baseline(conn, client_id, window))

    def has_data(self, client_id: str) -> bool:
        with translate_errors("checking for imported data"), reading(self._engine) as conn:
            return bool(conn.execute(sa.select(_imported(client_id))).scalar())

    def measured(
        self, client_id: str, *, lookback_days: int, as_of: datetime
    ) -> tuple[PlatformValue, ...] | None:
        """Every platform's cohort, revenue and spend in W, in one statement; None when the
        client imported nothing at all (``has_data`` false)."""
        window = Window(as_of, lookback_days)
        first_day, end_day = window.spend_days()
        params = {
            "client": client_id,
            "start": window.start,
            "as_of": window.as_of,
            "first_day": first_day,
            "end_day": end_day,
        }
        with translate_errors("reading platform values"), reading(self._engine) as conn:
            rows = conn.execute(_MEASURED, params).all()
        figures: dict[str, dict[str, int]] = {"customers": {}, "revenue": {}, "spend": {}}
        imported = False
        for what, platform, total in rows:
            if what == "imported":
                imported = bool(total)
            else:
                figures[what][platform] = int(total or 0)
        if not imported:
            return None
        return tuple(
            PlatformValue(
                platform=p,
                customers=figures["customers"].get(p.value, 0),
                revenue=Money(figures["revenue"].get(p.value, 0)),
                spend=Money(figures["spend"].get(p.value, 0)),
            )
            for p in Platform
        )

    def latest_order_at(self, client_id: str) -> datetime | None:
        query = sa.select(sa.func.max(orders.c.ordered_at)).where(orders.c.client_id == client_id)
        with translate_errors("reading the latest order"), reading(self._engine) as conn:
            latest: datetime | None = conn.execute(query).scalar()
        if latest is None:
            return None
        return latest if latest.tzinfo else latest.replace(tzinfo=UTC)


def _imported(client_id: str | sa.BindParameter[str]) -> sa.ColumnElement[bool]:
    """Whether any order, customer or spend row of the client exists (three index probes)."""
    return sa.or_(
        *(sa.exists().where(table.c.client_id == client_id) for table in (orders, cust, spend))
    )


def _measured() -> sa.CompoundSelect[Any]:
    """The statement ``measured`` runs, built once: whether the client imported anything, and
    per platform its cohort, revenue and spend in W (bound: client, start, as_of, days)."""
    client = sa.bindparam("client", type_=acq.c.client_id.type)
    start = sa.bindparam("start", type_=acq.c.acquired_at.type)
    as_of = sa.bindparam("as_of", type_=acq.c.acquired_at.type)
    first_day = sa.bindparam("first_day", type_=spend.c.day.type)
    end_day = sa.bindparam("end_day", type_=spend.c.day.type)
    names = [p.value for p in Platform]
    return sa.union_all(
        sa.select(sa.literal("imported"), sa.literal(""), sa.cast(_imported(client), sa.Integer)),
        sa.select(sa.literal("customers"), acq.c.platform, sa.func.count())
        .where(
            acq.c.client_id == client,
            acq.c.platform.in_(names),
            acq.c.acquired_at >= start,
            acq.c.acquired_at < as_of,
        )
        .group_by(acq.c.platform),
        sa.select(sa.literal("revenue"), orders.c.acq_platform, sa.func.sum(orders.c.amount_micros))
        .where(
            orders.c.client_id == client,
            orders.c.acq_platform.in_(names),
            orders.c.acq_at >= start,
            orders.c.acq_at < as_of,
            orders.c.ordered_at >= orders.c.acq_at,
            orders.c.ordered_at < as_of,
        )
        .group_by(orders.c.acq_platform),
        sa.select(sa.literal("spend"), spend.c.platform, sa.func.sum(spend.c.spend_micros))
        .where(spend.c.client_id == client, spend.c.day >= first_day, spend.c.day < end_day)
        .group_by(spend.c.platform),
    )


_MEASURED = _measured()


def _platform_values(
    conn: Connection, client_id: str, window: Window, *, only: Platform | None
) -> tuple[PlatformValue, ...]:
    # An IN list over the platforms lets both engines walk the (client, platform, time) indexes
    # one range per platform, already grouped.
    names = [p.value for p in Platform] if only is None else [only.value]
    cohorts = (
        sa.select(acq.c.platform, sa.func.count())
        .where(
            acq.c.client_id == client_id,
            acq.c.platform.in_(names),
            acq.c.acquired_at >= window.start,
            acq.c.acquired_at < window.as_of,
        )
        .group_by(acq.c.platform)
    )
    # Each order carries its customer's acquisition, so revenue since acquisition needs no join.
    revenue = (
        sa.select(orders.c.acq_platform, sa.func.sum(orders.c.amount_micros))
        .where(
            orders.c.client_id == client_id,
            orders.c.acq_platform.in_(names),
            orders.c.acq_at >= window.start,
            orders.c.acq_at < window.as_of,
            orders.c.ordered_at >= orders.c.acq_at,
            orders.c.ordered_at < window.as_of,
        )
        .group_by(orders.c.acq_platform)
    )
    first_day, end_day = window.spend_days()
    spent = sa.select(spend.c.platform, sa.func.sum(spend.c.spend_micros)).where(
        spend.c.client_id == client_id, spend.c.day >= first_day, spend.c.day < end_day
    )
    if only is not None:
        spent = spent.where(spend.c.platform == only.value)
    spent = spent.group_by(spend.c.platform)

    customers = _by_platform(conn, cohorts)
    revenues = _by_platform(conn, revenue)
    spends = _by_platform(conn, spent)
    wanted = list(Platform) if only is None else [only]
    return tuple(
        PlatformValue(
            platform=p,
            customers=customers.get(p, 0),
            revenue=Money(revenues.get(p, 0)),
            spend=Money(spends.get(p, 0)),
        )
        for p in wanted
    )


def _by_platform(conn: Connection, query: sa.Select[str, int]) -> dict[Platform, int]:
    return {Platform(name): int(total or 0) for name, total in conn.execute(query)}


def _baseline(conn: Connection, client_id: str, window: Window) -> Baseline:
    in_window = sa.and_(
        orders.c.client_id == client_id,
        orders.c.ordered_at >= window.start,
        orders.c.ordered_at < window.as_of,
    )
    count, revenue = conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(orders.c.amount_micros), 0)).where(
            in_window
        )
    ).one()

    later = orders.alias("later")
    earlier = (
        sa.select(orders.c.customer_id)
        .where(
            orders.c.client_id == client_id,
            orders.c.ordered_at >= window.earlier_start,
            orders.c.ordered_at < window.start,
        )
        .distinct()
        .subquery("earlier_buyers")
    )
    returned = (
        sa.select(sa.literal(1))
        .where(
            later.c.client_id == client_id,
            later.c.customer_id == earlier.c.customer_id,
            later.c.ordered_at >= window.start,
            later.c.ordered_at < window.as_of,
        )
        .exists()
    )
    earlier_count, churned = conn.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((returned, 0), else_=1)), 0)
        ).select_from(earlier)
    ).one()

    first_day, end_day = window.spend_days()
    ad_spend = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(spend.c.spend_micros), 0)).where(
            spend.c.client_id == client_id, spend.c.day >= first_day, spend.c.day < end_day
        )
    ).scalar_one()
    return Baseline(
        window=window,
        revenue=Money(int(revenue)),
        ad_spend=Money(int(ad_spend)),
        orders=int(count),
        earlier_customers=int(earlier_count),
        churned_customers=int(churned),
    )
