"""SqlValueImporter: streams parsed CSV records into SyncValue's tables in one transaction.

Records arrive lazily and are written in chunks inside a single transaction; if the iterator
raises (a bad row), the transaction rolls back and nothing from the file remains. Keys make a
re-import add nothing: orders and spend rows are upserted on their idempotency key (an
``order_id``'s latest import wins), customers on their id. After customers or orders change,
the client's derived acquisitions are rebuilt in the same transaction and copied onto the
client's orders, which makes LTV revenue one index range scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from kiki.adapters.sql.engine import translate_errors
from kiki.adapters.sql.value_tables import value_acquisitions as acq
from kiki.adapters.sql.value_tables import value_customers as cust
from kiki.adapters.sql.value_tables import value_orders as orders
from kiki.adapters.sql.value_tables import value_spend as spend
from kiki.core.platform import Platform
from kiki.syncvalue.domain.records import (
    CustomerRecord,
    ImportResult,
    OrderRecord,
    RecordKind,
    SpendRecord,
)

CHUNK_ROWS = 5_000
ANALYZE_AFTER_ROWS = 10_000
_T = TypeVar("_T")


class SqlValueImporter:
    def __init__(self, engine: Engine, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self._engine = engine
        self._chunk_rows = chunk_rows

    def import_customers(self, client_id: str, records: Iterable[CustomerRecord]) -> ImportResult:
        def row(r: CustomerRecord) -> dict[str, Any]:
            return {
                "client_id": client_id,
                "customer_id": r.customer_id,
                "platform": r.platform.value,
                "acquired_at": r.acquired_at,
            }

        return self._import(
            RecordKind.CUSTOMERS,
            client_id,
            records,
            table=cust,
            key=("client_id", "customer_id"),
            update=("platform", "acquired_at"),
            to_row=row,
        )

    def import_orders(self, client_id: str, records: Iterable[OrderRecord]) -> ImportResult:
        def row(r: OrderRecord) -> dict[str, Any]:
            return {
                "client_id": client_id,
                "order_key": r.key,
                "order_id": r.order_id,
                "customer_id": r.customer_id,
                "ordered_at": r.ordered_at,
                "amount_micros": r.amount.micros,
                "platform": None if r.platform is None else r.platform.value,
            }

        return self._import(
            RecordKind.ORDERS,
            client_id,
            records,
            table=orders,
            key=("client_id", "order_key"),
            update=("customer_id", "ordered_at", "amount_micros", "platform"),
            to_row=row,
        )

    def import_spend(self, client_id: str, records: Iterable[SpendRecord]) -> ImportResult:
        def row(r: SpendRecord) -> dict[str, Any]:
            return {
                "client_id": client_id,
                "spend_key": r.key,
                "day": r.day,
                "platform": r.platform.value,
                "spend_micros": r.spend.micros,
                "impressions": r.impressions,
                "clicks": r.clicks,
                "conversions": r.conversions,
            }

        # A spend key is its content: a conflict is the very same row, so nothing to update.
        return self._import(
            RecordKind.SPEND,
            client_id,
            records,
            table=spend,
            key=("client_id", "spend_key"),
            update=(),
            to_row=row,
        )

    def _import(
        self,
        kind: RecordKind,
        client_id: str,
        records: Iterable[_T],
        *,
        table: sa.Table,
        key: tuple[str, ...],
        update: tuple[str, ...],
        to_row: Callable[[_T], dict[str, Any]],
    ) -> ImportResult:
        rows_read = 0
        with translate_errors(f"importing {kind.value}"), self._engine.begin() as conn:
            before = _count(conn, table, client_id)
            statement = _upsert(conn, table, key, update)
            for chunk in _chunks(records, self._chunk_rows):
                rows = [to_row(r) for r in chunk]
                rows_read += len(rows)
                if update:
                    # One statement may not touch a row twice on PostgreSQL; the later row wins.
                    rows = list({tuple(r[k] for k in key): r for r in rows}.values())
                conn.execute(statement, rows)
            new = _count(conn, table, client_id) - before
            if kind is not RecordKind.SPEND:
                rebuild_acquisitions(conn, client_id)
            if rows_read >= ANALYZE_AFTER_ROWS:
                analyze(conn)
        return ImportResult(kind=kind, rows=rows_read, new=new)


def _chunks(items: Iterable[_T], size: int) -> Iterator[Sequence[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _count(conn: Connection, table: sa.Table, client_id: str) -> int:
    query = sa.select(sa.func.count()).select_from(table).where(table.c.client_id == client_id)
    return int(conn.execute(query).scalar_one())


def _upsert(
    conn: Connection, table: sa.Table, key: tuple[str, ...], update: tuple[str, ...]
) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    if not update:
        return statement.on_conflict_do_nothing(index_elements=list(key))
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in update}
    )


def rebuild_acquisitions(conn: Connection, client_id: str) -> None:
    """Derive each customer's acquisition: the customers file's, else the first order's.

    A first order without a platform acquires nobody; several orders at the first instant take
    the platform first in the enum's order. Customers with neither get no row (no cohort).
    """
    conn.execute(acq.delete().where(acq.c.client_id == client_id))
    columns = ["client_id", "customer_id", "platform", "acquired_at", "source"]
    from_file = sa.select(
        cust.c.client_id,
        cust.c.customer_id,
        cust.c.platform,
        cust.c.acquired_at,
        sa.literal("customers_file", sa.String),
    ).where(cust.c.client_id == client_id)
    conn.execute(acq.insert().from_select(columns, from_file))

    first = (
        sa.select(orders.c.customer_id, sa.func.min(orders.c.ordered_at).label("first_at"))
        .where(orders.c.client_id == client_id)
        .group_by(orders.c.customer_id)
        .subquery("first_orders")
    )
    rank = sa.case({p.value: p.rank for p in Platform}, value=orders.c.platform)
    platform = sa.case({p.rank: p.value for p in Platform}, value=sa.func.min(rank))
    listed = sa.select(sa.literal(1)).where(
        cust.c.client_id == client_id, cust.c.customer_id == first.c.customer_id
    )
    from_orders = (
        sa.select(
            sa.literal(client_id, sa.String),
            first.c.customer_id,
            platform,
            first.c.first_at,
            sa.literal("first_order", sa.String),
        )
        .join_from(
            first,
            orders,
            sa.and_(
                orders.c.client_id == client_id,
                orders.c.customer_id == first.c.customer_id,
                orders.c.ordered_at == first.c.first_at,
            ),
        )
        .where(orders.c.platform.is_not(None), ~listed.exists())
        .group_by(first.c.customer_id, first.c.first_at)
    )
    conn.execute(acq.insert().from_select(columns, from_orders))

    def acquisition(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
        return (
            sa.select(column)
            .where(acq.c.client_id == client_id, acq.c.customer_id == orders.c.customer_id)
            .scalar_subquery()
        )

    new_platform, new_at = acquisition(acq.c.platform), acquisition(acq.c.acquired_at)
    conn.execute(
        orders.update()
        .where(
            orders.c.client_id == client_id,
            sa.or_(
                orders.c.acq_platform.is_distinct_from(new_platform),
                orders.c.acq_at.is_distinct_from(new_at),
            ),
        )
        .values(acq_platform=new_platform, acq_at=new_at)
    )


def analyze(conn: Connection) -> None:
    """Refresh the planner's statistics after a large import (PostgreSQL plans poorly without)."""
    for table in (cust, orders, spend, acq):
        conn.execute(sa.text(f"ANALYZE {table.name}"))
