"""SqlSandboxStore: the sandbox's durable state in its own SQLite or PostgreSQL database.

A client's transactions are serialised before their first read. On SQLite ``make_engine``
opens every transaction with BEGIN IMMEDIATE, which takes the database's write lock up front.
On PostgreSQL each transaction first takes a transaction-scoped advisory lock on a hash of the
client id (it covers a client that has no rows yet, as in ``open_client``, which row locks
cannot); under READ COMMITTED every later statement then sees what the previous holder
committed. Outages are taken with SELECT ... FOR UPDATE on their rows.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import translate_errors
from kiki.adapters.sql.sandbox_rows import (
    account_record,
    account_row,
    campaign_record,
    campaign_row,
    hour_stats,
    stats_row,
    upsert,
)
from kiki.adapters.sql.sandbox_tables import SCHEMA_VERSION, metadata, sandbox_meta
from kiki.adapters.sql.sandbox_tables import sandbox_accounts as accounts_t
from kiki.adapters.sql.sandbox_tables import sandbox_campaigns as campaigns_t
from kiki.adapters.sql.sandbox_tables import sandbox_hourly_stats as stats_t
from kiki.adapters.sql.sandbox_tables import sandbox_outages as outages_t
from kiki.core.errors import StorageError
from kiki.core.platform import Platform
from kiki.platforms.sandbox.model import HourStats
from kiki.platforms.sandbox.store import AccountRecord, CampaignRecord, ClientState, Outage

SANDBOX_FILE = "sandbox.sqlite3"
_LOCK_SPACE = 0x53_42_58  # "SBX": the first key of the two-int advisory locks taken here
_ALL_CLIENTS = ""


def default_sandbox_url(data_dir: Path) -> str:
    """Where the sandbox lives when ``KIKI_SANDBOX_URL`` is not set: a SQLite file."""
    return f"sqlite:///{data_dir / SANDBOX_FILE}"


class SqlSandboxStore:
    """Implements SandboxStore on an engine from ``make_engine`` (whose SQLite transactions
    begin IMMEDIATE); creates its tables on first use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._ready = False
        self._ready_lock = threading.Lock()

    @contextmanager
    def transaction(self, client_id: str) -> Iterator[_SqlTransaction]:
        self._ensure_schema()
        with translate_errors("running a sandbox transaction"), self._engine.begin() as conn:
            _serialise(conn, f"client:{client_id}")
            yield _SqlTransaction(conn, client_id)

    def put_outage(self, outage: Outage) -> None:
        self._ensure_schema()
        row = {
            "platform": outage.platform.value,
            "operation": outage.operation,
            "client_id": outage.client_id or _ALL_CLIENTS,
            "remaining": outage.remaining,
        }
        with translate_errors("injecting an outage"), self._engine.begin() as conn:
            upsert(conn, outages_t, [row])

    def take_outage(self, platform: Platform, operation: str, client_id: str) -> bool:
        self._ensure_schema()
        t = outages_t
        query = (
            sa.select(t)
            .where(
                t.c.platform == platform.value,
                t.c.operation.in_([operation, "*"]),
                t.c.client_id.in_([client_id, _ALL_CLIENTS]),
            )
            .with_for_update()
        )
        with translate_errors("checking for an injected outage"), self._engine.begin() as conn:
            rows = conn.execute(query).all()
            if not rows:
                return False
            row = min(rows, key=lambda r: (r.client_id == _ALL_CLIENTS, r.operation == "*"))
            key = (
                (t.c.platform == row.platform)
                & (t.c.operation == row.operation)
                & (t.c.client_id == row.client_id)
            )
            if row.remaining is not None and row.remaining <= 1:
                conn.execute(t.delete().where(key))
            elif row.remaining is not None:
                conn.execute(t.update().where(key).values(remaining=t.c.remaining - 1))
            return True

    def clear_outages(self, platform: Platform | None = None) -> None:
        self._ensure_schema()
        stmt = outages_t.delete()
        if platform is not None:
            stmt = stmt.where(outages_t.c.platform == platform.value)
        with translate_errors("healing outages"), self._engine.begin() as conn:
            conn.execute(stmt)

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        with self._ready_lock, translate_errors("creating the sandbox's tables"):
            if self._ready:
                return
            with self._engine.begin() as conn:
                _serialise(conn, "schema")
                metadata.create_all(conn)
                version = conn.execute(
                    sa.select(sandbox_meta.c.value).where(sandbox_meta.c.key == "schema_version")
                ).scalar()
                if version is None:
                    conn.execute(
                        sandbox_meta.insert().values(key="schema_version", value=SCHEMA_VERSION)
                    )
                elif version != SCHEMA_VERSION:
                    raise StorageError(
                        f"the sandbox database has schema version {version}; "
                        f"this KIKI reads version {SCHEMA_VERSION}"
                    )
            self._ready = True


class _SqlTransaction:
    """Implements SandboxTransaction on one connection inside its transaction."""

    def __init__(self, conn: sa.Connection, client_id: str) -> None:
        self._conn = conn
        self._client_id = client_id

    def state(self) -> ClientState:
        accounts = self._conn.execute(
            sa.select(accounts_t).where(accounts_t.c.client_id == self._client_id)
        ).mappings()
        campaigns = self._conn.execute(
            sa.select(campaigns_t)
            .where(campaigns_t.c.client_id == self._client_id)
            .order_by(campaigns_t.c.created_at, campaigns_t.c.campaign_id)
        ).mappings()
        return ClientState(
            tuple(sorted((account_record(r) for r in accounts), key=lambda a: a.platform.rank)),
            tuple(campaign_record(r) for r in campaigns),
        )

    def save(
        self,
        *,
        accounts: Sequence[AccountRecord] = (),
        campaigns: Sequence[CampaignRecord] = (),
    ) -> None:
        owners = [a.client_id for a in accounts] + [c.ref.client_id for c in campaigns]
        if any(owner != self._client_id for owner in owners):
            raise ValueError(f"a transaction of {self._client_id!r} saves only its records")
        upsert(self._conn, accounts_t, [account_row(a) for a in accounts])
        upsert(self._conn, campaigns_t, [campaign_row(c) for c in campaigns])

    def add_stats(
        self, stats: Mapping[str, Sequence[HourStats]], *, prune_before_hour: int
    ) -> None:
        rows = [stats_row(cid, bucket) for cid, buckets in stats.items() for bucket in buckets]
        added = ("spend_micros", "impressions", "clicks", "conversions", "revenue_micros")
        upsert(self._conn, stats_t, rows, added=added)
        self._conn.execute(
            stats_t.delete().where(
                stats_t.c.campaign_id.in_(self._campaign_ids()),
                stats_t.c.hour < prune_before_hour,
            )
        )

    def stats(
        self, campaign_ids: Collection[str], *, first_hour: int, last_hour: int
    ) -> dict[str, list[HourStats]]:
        query = (
            sa.select(stats_t)
            .where(
                stats_t.c.campaign_id.in_(list(campaign_ids)),
                stats_t.c.hour >= first_hour,
                stats_t.c.hour <= last_hour,
            )
            .order_by(stats_t.c.campaign_id, stats_t.c.hour)
        )
        found: dict[str, list[HourStats]] = {}
        for row in self._conn.execute(query).mappings():
            found.setdefault(row["campaign_id"], []).append(hour_stats(row))
        return found

    def clear(self) -> None:
        self._conn.execute(stats_t.delete().where(stats_t.c.campaign_id.in_(self._campaign_ids())))
        self._conn.execute(campaigns_t.delete().where(campaigns_t.c.client_id == self._client_id))
        self._conn.execute(accounts_t.delete().where(accounts_t.c.client_id == self._client_id))

    def _campaign_ids(self) -> sa.Select[tuple[str]]:
        return sa.select(campaigns_t.c.campaign_id).where(
            campaigns_t.c.client_id == self._client_id
        )


def _serialise(conn: sa.Connection, name: str) -> None:
    """On PostgreSQL, wait for a transaction-scoped advisory lock on ``name``; SQLite's
    BEGIN IMMEDIATE has already locked the whole database."""
    if conn.dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
    key = int.from_bytes(digest, "big", signed=True)
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_SPACE, key)))
