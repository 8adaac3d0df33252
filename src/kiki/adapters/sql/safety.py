"""SqlClientStates and SqlCycleLeases: client states and cycle leases beside the ledger.

Leases live in the database the ledger writes to, so a ledger write can check, in its own
transaction, that the lease it was made under is still the client's (a fencing token).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiki.adapters.sql.engine import reading, scope_memo, translate_errors
from kiki.adapters.sql.safety_tables import client_states as cs
from kiki.adapters.sql.safety_tables import cycle_leases as cl
from kiki.syncflow.domain.client_state import ClientState, ClientStatus
from kiki.syncledger.fencing import Lease


class SqlClientStates:
    """Implements ClientStates; a client without a row is ACTIVE."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, client_id: str) -> ClientStatus:
        """In a read scope (a cycle), read once until this context writes."""
        memo = scope_memo(self._engine)
        key = ("client_state", client_id)
        if memo is not None and key in memo:
            return memo[key]  # type: ignore[return-value]
        query = sa.select(cs).where(cs.c.client_id == client_id)
        with translate_errors("reading a client's state"), reading(self._engine) as conn:
            row = conn.execute(query).first()
        status = ClientStatus(client_id, ClientState.ACTIVE) if row is None else _status(row)
        if memo is not None:
            memo[key] = status
        return status

    def set(self, status: ClientStatus) -> None:
        values = {
            "state": status.state.value,
            "reason": status.reason,
            "since": status.since,
            "details_json": json.dumps(dict(status.details), sort_keys=True, default=str),
        }
        with translate_errors("recording a client's state"), self._engine.begin() as conn:
            updated = conn.execute(
                cs.update().where(cs.c.client_id == status.client_id).values(**values)
            ).rowcount
            if updated == 0:
                conn.execute(cs.insert().values(client_id=status.client_id, **values))

    def all(self) -> list[ClientStatus]:
        with translate_errors("reading client states"), reading(self._engine) as conn:
            return [_status(row) for row in conn.execute(sa.select(cs).order_by(cs.c.client_id))]


def _status(row: sa.Row[tuple[object, ...]]) -> ClientStatus:
    m = row._mapping
    return ClientStatus(
        client_id=m["client_id"],
        state=ClientState(m["state"]),
        reason=m["reason"],
        since=m["since"],
        details=json.loads(m["details_json"]),
    )


class SqlCycleLeases:
    """Implements CycleLeases. A lease may be taken once the previous one expired and a grace
    period passed: the grace covers a platform call the old holder started just before its
    lease ran out (it checks the lease before each call), so two holders never act at once."""

    def __init__(self, engine: Engine, *, grace_s: float = 30.0) -> None:
        self._engine = engine
        self._grace = timedelta(seconds=grace_s)
        self._holder = uuid.uuid4().hex  # this process

    def acquire(self, client_id: str, *, ttl_s: float, now: datetime) -> Lease | None:
        expires = now + timedelta(seconds=ttl_s)
        with translate_errors("taking a cycle lease"):
            try:
                with self._engine.begin() as conn:
                    row = conn.execute(
                        sa.select(cl).where(cl.c.client_id == client_id).with_for_update()
                    ).first()
                    if row is None:
                        conn.execute(
                            cl.insert().values(
                                client_id=client_id,
                                holder=self._holder,
                                token=1,
                                expires_at=expires,
                            )
                        )
                        return Lease(client_id, self._holder, 1, expires)
                    if now < row.expires_at + self._grace:
                        return None
                    token = int(row.token) + 1
                    conn.execute(
                        cl.update()
                        .where(cl.c.client_id == client_id, cl.c.token == row.token)
                        .values(holder=self._holder, token=token, expires_at=expires)
                    )
                    return Lease(client_id, self._holder, token, expires)
            except IntegrityError:
                return None  # another process inserted the first lease at the same moment

    def holds(self, lease: Lease, *, now: datetime) -> bool:
        if now >= lease.expires_at:
            return False
        query = sa.select(cl.c.holder, cl.c.token).where(cl.c.client_id == lease.client_id)
        # fresh: never a read scope's snapshot, the lease may have moved since it began
        with (
            translate_errors("checking a cycle lease"),
            reading(self._engine, fresh=True) as conn,
        ):
            row = conn.execute(query).first()
        return row is not None and (row.holder, int(row.token)) == (lease.holder, lease.token)

    def release(self, lease: Lease) -> None:
        """Expire the lease now (the row and its token stay, so tokens keep growing)."""
        with translate_errors("releasing a cycle lease"), self._engine.begin() as conn:
            conn.execute(
                cl.update()
                .where(
                    cl.c.client_id == lease.client_id,
                    cl.c.holder == lease.holder,
                    cl.c.token == lease.token,
                )
                .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
            )
