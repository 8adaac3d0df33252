"""SQL stores for tenancy: tenants and key hashes, the client directory, idempotency records."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.tenant_tables import api_keys, idempotency_keys, tenant_clients, tenants
from kiki.tenancy.errors import ClientTakenError, TenantExistsError, UnknownTenantError
from kiki.tenancy.keys import ApiKeyInfo, IssuedKey, TenantSummary
from kiki.tenancy.ports import IdempotencyRecord, LiveKey


class SqlTenantStore:
    """Implements TenantStore."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, tenant_id: str, *, now: datetime) -> None:
        with translate_errors("creating a tenant"):
            try:
                with self._engine.begin() as conn:
                    if conn.execute(
                        sa.select(tenants.c.tenant_id).where(_tenant(tenant_id))
                    ).first():
                        raise TenantExistsError(f"tenant {tenant_id!r} exists already")
                    conn.execute(tenants.insert().values(tenant_id=tenant_id, created_at=now))
            except IntegrityError as exc:  # a concurrent create won the race
                raise TenantExistsError(f"tenant {tenant_id!r} exists already") from exc

    def add_key(self, key: IssuedKey, *, key_hash: str, now: datetime) -> None:
        with translate_errors("storing an API key"), self._engine.begin() as conn:
            _require_tenant(conn, key.tenant_id)
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    tenant_id=key.tenant_id,
                    key_hash=key_hash,
                    created_at=now,
                    operator=key.operator,
                )
            )

    def live_key(self, key_hash: str) -> LiveKey | None:
        with translate_errors("checking an API key"), reading(self._engine) as conn:
            row = conn.execute(
                sa.select(api_keys.c.tenant_id, api_keys.c.key_hash, api_keys.c.operator).where(
                    api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None)
                )
            ).first()
        if row is None:
            return None
        return LiveKey(row.tenant_id, row.key_hash, operator=bool(row.operator))

    def revoke(self, tenant_id: str, *, key_id: str | None, now: datetime) -> int:
        with translate_errors("revoking API keys"), self._engine.begin() as conn:
            _require_tenant(conn, tenant_id)
            where = [api_keys.c.tenant_id == tenant_id, api_keys.c.revoked_at.is_(None)]
            if key_id is not None:
                where.append(api_keys.c.key_id == key_id)
            result = conn.execute(api_keys.update().where(*where).values(revoked_at=now))
            return int(result.rowcount)

    def summaries(self) -> list[TenantSummary]:
        with translate_errors("listing tenants"), reading(self._engine) as conn:
            rows = conn.execute(sa.select(tenants).order_by(tenants.c.tenant_id)).all()
            key_rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.created_at)).all()
            client_rows = conn.execute(
                sa.select(tenant_clients).order_by(tenant_clients.c.client_id)
            ).all()
        keys: dict[str, list[ApiKeyInfo]] = defaultdict(list)
        for k in key_rows:
            keys[k.tenant_id].append(
                ApiKeyInfo(k.key_id, k.created_at, k.revoked_at, operator=bool(k.operator))
            )
        clients: dict[str, list[str]] = defaultdict(list)
        for c in client_rows:
            clients[c.tenant_id].append(c.client_id)
        return [
            TenantSummary(
                r.tenant_id, r.created_at, tuple(keys[r.tenant_id]), tuple(clients[r.tenant_id])
            )
            for r in rows
        ]


class SqlClientDirectory:
    """Implements ClientDirectory: which tenant each client id belongs to."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._owners: dict[str, str] = {}  # dict reads and writes are atomic under the GIL

    def attach(self, tenant_id: str, client_id: str, *, now: datetime) -> None:
        with translate_errors("attaching a client"):
            try:
                with self._engine.begin() as conn:
                    _require_tenant(conn, tenant_id)
                    owner = conn.execute(
                        sa.select(tenant_clients.c.tenant_id).where(
                            tenant_clients.c.client_id == client_id
                        )
                    ).scalar_one_or_none()
                    if owner == tenant_id:
                        return
                    if owner is not None:
                        raise ClientTakenError(f"client id {client_id!r} is taken")
                    conn.execute(
                        tenant_clients.insert().values(
                            client_id=client_id, tenant_id=tenant_id, attached_at=now
                        )
                    )
            except IntegrityError as exc:  # a concurrent attach won the race
                raise ClientTakenError(f"client id {client_id!r} is taken") from exc

    def owner(self, client_id: str) -> str | None:
        """The client's tenant. A client never changes tenant (there is no detach), so a found
        owner is remembered for the life of the process; an absent one is asked again."""
        known = self._owners.get(client_id)
        if known is not None:
            return known
        with translate_errors("looking up a client"), reading(self._engine) as conn:
            owner: str | None = conn.execute(
                sa.select(tenant_clients.c.tenant_id).where(tenant_clients.c.client_id == client_id)
            ).scalar_one_or_none()
        if owner is not None:
            self._owners[client_id] = owner
        return owner

    def clients(self, tenant_id: str | None = None) -> list[str]:
        query = sa.select(tenant_clients.c.client_id).order_by(tenant_clients.c.client_id)
        if tenant_id is not None:
            query = query.where(tenant_clients.c.tenant_id == tenant_id)
        with translate_errors("listing clients"), reading(self._engine) as conn:
            return [str(c) for c in conn.execute(query).scalars()]


class SqlIdempotencyStore:
    """Implements IdempotencyStore; the primary key (tenant, key) makes the claim atomic.

    A claim that never completed (its request was cut off by a crash) is a lease: once
    ``lease_s`` has passed since it was taken, a retry with the same request takes it over and
    runs again, which is safe because what moves money is keyed by its own ids.
    """

    def __init__(self, engine: Engine, *, lease_s: float = 60.0) -> None:
        self._engine = engine
        self._lease = timedelta(seconds=lease_s)

    def claim(
        self, tenant_id: str, key: str, fingerprint: str, *, now: datetime
    ) -> IdempotencyRecord | None:
        with translate_errors("claiming an idempotency key"):
            try:
                with self._engine.begin() as conn:
                    row = conn.execute(
                        sa.select(idempotency_keys).where(_idem(tenant_id, key)).with_for_update()
                    ).first()
                    if row is not None and _expired(row, fingerprint, now - self._lease):
                        conn.execute(
                            idempotency_keys.update()
                            .where(_idem(tenant_id, key))
                            .values(created_at=now)
                        )
                        return None
                    if row is not None:
                        return IdempotencyRecord(row.request_hash, row.response_json)
                    conn.execute(
                        idempotency_keys.insert().values(
                            tenant_id=tenant_id,
                            key=key,
                            request_hash=fingerprint,
                            status="PENDING",
                            created_at=now,
                        )
                    )
                    return None
            except IntegrityError:  # a concurrent claim of the same key won
                with reading(self._engine) as conn:
                    return self._find(conn, tenant_id, key)

    def complete(self, tenant_id: str, key: str, response_json: str, *, now: datetime) -> None:
        with translate_errors("completing an idempotency key"), self._engine.begin() as conn:
            conn.execute(
                idempotency_keys.update()
                .where(_idem(tenant_id, key))
                .values(status="DONE", response_json=response_json, completed_at=now)
            )

    def release(self, tenant_id: str, key: str) -> None:
        with translate_errors("releasing an idempotency key"), self._engine.begin() as conn:
            conn.execute(
                idempotency_keys.delete().where(
                    _idem(tenant_id, key), idempotency_keys.c.status == "PENDING"
                )
            )

    @staticmethod
    def _find(conn: sa.Connection, tenant_id: str, key: str) -> IdempotencyRecord | None:
        row = conn.execute(sa.select(idempotency_keys).where(_idem(tenant_id, key))).first()
        if row is None:
            return None
        return IdempotencyRecord(fingerprint=row.request_hash, response_json=row.response_json)


def _expired(row: sa.Row[tuple[object, ...]], fingerprint: str, claimed_before: datetime) -> bool:
    """An unfinished claim of the same request whose lease has run out."""
    m = row._mapping
    return bool(
        m["status"] == "PENDING"
        and m["request_hash"] == fingerprint
        and m["created_at"] <= claimed_before
    )


def _tenant(tenant_id: str) -> sa.ColumnElement[bool]:
    return tenants.c.tenant_id == tenant_id


def _idem(tenant_id: str, key: str) -> sa.ColumnElement[bool]:
    return sa.and_(idempotency_keys.c.tenant_id == tenant_id, idempotency_keys.c.key == key)


def _require_tenant(conn: sa.Connection, tenant_id: str) -> None:
    if conn.execute(sa.select(tenants.c.tenant_id).where(_tenant(tenant_id))).first() is None:
        raise UnknownTenantError(f"no tenant {tenant_id!r}")
