"""SqlLedger: the Ledger port on SQLite or PostgreSQL, append-only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.safety_tables import cycle_leases as leases
from kiki.adapters.sql.tables import ledger_open_pending as open_
from kiki.adapters.sql.tables import ledger_transfers as t
from kiki.core.money import Money
from kiki.syncledger.errors import FencedOutError, TransferConflictError
from kiki.syncledger.fencing import Lease
from kiki.syncledger.ledger import IN_TRANSIT, RESOLUTIONS, Transfer, TransferKind


class SqlLedger:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, transfer: Transfer, *, fence: Lease | None = None) -> bool:
        with translate_errors("recording a transfer"):
            try:
                with self._engine.begin() as conn:
                    if fence is not None:
                        _check_fence(conn, fence)
                    existing = self._find(conn, transfer.transfer_id)
                    if existing is None:
                        seq = conn.execute(
                            t.insert().values(**_row(transfer)).returning(t.c.seq)
                        ).scalar_one()
                        _keep_open(conn, transfer, int(seq))
                        return True
            except IntegrityError:
                # A concurrent writer recorded the same id first: compare with theirs.
                with reading(self._engine, fresh=True) as conn:
                    existing = self._find(conn, transfer.transfer_id)
        if existing is None or not existing.same_content(transfer):
            raise TransferConflictError(
                f"transfer {transfer.transfer_id!r} is already recorded with different content"
            )
        return False

    def transfers(
        self,
        *,
        client_id: str | None = None,
        since: datetime | None = None,
        shift_id: str | None = None,
        reconciling: bool = False,
    ) -> list[Transfer]:
        query = sa.select(t).order_by(t.c.seq)
        if client_id is not None:
            query = query.where(t.c.client_id == client_id)
        if since is not None:
            query = query.where(t.c.at >= since)
        if shift_id is not None:
            query = query.where(t.c.shift_id == shift_id)
        if reconciling:
            query = query.where(_reconciling(client_id))
        with translate_errors("reading transfers"), reading(self._engine) as conn:
            return [_transfer(row) for row in conn.execute(query)]

    @staticmethod
    def _find(conn: sa.Connection, transfer_id: str) -> Transfer | None:
        row = conn.execute(sa.select(t).where(t.c.transfer_id == transfer_id)).first()
        return None if row is None else _transfer(row)


def _keep_open(conn: sa.Connection, transfer: Transfer, seq: int) -> None:
    """In the recording transaction: a pending transfer opens, its resolution closes it."""
    if transfer.kind is TransferKind.PENDING:
        conn.execute(
            open_.insert().values(
                transfer_id=transfer.transfer_id, client_id=transfer.client_id, seq=seq
            )
        )
    elif transfer.kind in RESOLUTIONS and transfer.corrects:
        conn.execute(
            open_.delete().where(
                open_.c.transfer_id == transfer.corrects,
                open_.c.client_id == transfer.client_id,
            )
        )


def _reconciling(client_id: str | None) -> sa.ColumnElement[bool]:
    """What ``reconciling_view`` keeps, by index: the transfers through transit (the partial
    index; literal values so that both planners can use it) and every transfer from the
    client's first open pending transfer on."""
    transit: sa.ColumnElement[str] = sa.literal_column(f"'{IN_TRANSIT}'")
    first_open = sa.select(sa.func.min(open_.c.seq))
    if client_id is not None:
        first_open = first_open.where(open_.c.client_id == client_id)
    return sa.or_(
        t.c.source == transit,
        t.c.destination == transit,
        t.c.seq >= first_open.scalar_subquery(),
    )


def _check_fence(conn: sa.Connection, fence: Lease) -> None:
    """In the writing transaction: is ``fence`` still the client's lease? (SQLite's write lock,
    taken at BEGIN, and PostgreSQL's row lock keep it so until the commit.)"""
    query = (
        sa.select(leases.c.holder, leases.c.token)
        .where(leases.c.client_id == fence.client_id)
        .with_for_update()
    )
    row = conn.execute(query).first()
    if row is None or (row.holder, int(row.token)) != (fence.holder, fence.token):
        raise FencedOutError(
            f"the cycle lease of {fence.client_id!r} moved to another holder: not recorded"
        )


def _row(transfer: Transfer) -> dict[str, object]:
    return {
        "transfer_id": transfer.transfer_id,
        "client_id": transfer.client_id,
        "shift_id": transfer.shift_id,
        "kind": transfer.kind.value,
        "source": transfer.source,
        "destination": transfer.destination,
        "amount_micros": transfer.amount.micros,
        "reason": transfer.reason,
        "at": transfer.at,
        "corrects": transfer.corrects,
        "bound_for": transfer.bound_for,
        "source_before_micros": _micros(transfer.source_before),
        "destination_before_micros": _micros(transfer.destination_before),
    }


def _micros(amount: Money | None) -> int | None:
    return None if amount is None else amount.micros


def _money(micros: object) -> Money | None:
    return None if micros is None else Money(int(micros))  # type: ignore[call-overload]


def _transfer(row: sa.Row[tuple[object, ...]]) -> Transfer:
    m = row._mapping
    return Transfer(
        transfer_id=m["transfer_id"],
        client_id=m["client_id"],
        shift_id=m["shift_id"],
        kind=TransferKind(m["kind"]),
        source=m["source"],
        destination=m["destination"],
        amount=Money(int(m["amount_micros"])),
        reason=m["reason"],
        at=m["at"],
        corrects=m["corrects"],
        bound_for=m["bound_for"],
        source_before=_money(m["source_before_micros"]),
        destination_before=_money(m["destination_before_micros"]),
    )
