"""Engines for SQLite and PostgreSQL, configured for safe concurrent writes, and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kiki.core.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config


def make_engine(url: str, *, concurrency: int = 1, **kwargs: Any) -> Engine:
    """An engine for ``url``: ``postgresql://`` via psycopg 3; a SQLite file's folder is made.

    No ping on checkout (it cost every lookup a round trip): a connection the server dropped
    fails its statement, SQLAlchemy then discards the whole pool, and the next checkout
    connects afresh; ``pool_recycle`` retires connections before servers time them out. A
    concurrent cycle holds one connection for its read scope; its writes and lease checks are
    short and share the spares (16 in all), so the pool stays within a default PostgreSQL's 100
    connections up to a concurrency of 64 (two per cycle made 64 cycles fail at checkout).
    """
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    pool: dict[str, Any] = {
        "pool_size": max(5, concurrency + 8),
        "max_overflow": 8,
        "pool_recycle": 1800,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            kwargs = {**pool, **kwargs}
        return _sqlite_engine(parsed, **kwargs)
    engine = sa.create_engine(parsed, **{**pool, **kwargs})
    watch_writes(engine)
    return engine


def _sqlite_engine(url: sa.URL, **kwargs: Any) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN, so that it can be BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if url.database and url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        _writing(connection)
        # Writers take the write lock up front: read-then-write transactions (audit head,
        # ledger idempotency) then serialise instead of failing with SQLITE_BUSY half-way.
        # Readers begin deferred: under WAL they read a snapshot and wait for nobody.
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


_READ_ONLY = "kiki_read_only"


@dataclass
class _Scope:
    """One connection and read transaction shared by every read of ``engine`` in a context."""

    engine: Engine
    conn: sa.Connection
    memo: dict[object, object] = field(default_factory=dict)


_SCOPE: ContextVar[_Scope | None] = ContextVar("kiki_read_scope", default=None)


@contextmanager
def reading(engine: Engine, *, fresh: bool = False) -> Iterator[sa.Connection]:
    """A connection for reads only: on SQLite its transactions begin deferred, so that readers
    neither take nor wait for the write lock. Use ``engine.begin()`` for anything that writes.

    Inside ``read_scope(engine)`` this is the scope's connection, in its one read transaction;
    ``fresh`` asks for a connection of its own anyway (a lease check must see the latest
    commit, never a snapshot taken earlier)."""
    scope = _SCOPE.get()
    if scope is not None and scope.engine is engine and not fresh:
        yield scope.conn
        return
    with engine.connect().execution_options(**{_READ_ONLY: True}) as conn:
        yield conn


@contextmanager
def read_scope(engine: Engine) -> Iterator[None]:
    """Every ``reading(engine)`` in this context (thread) shares one connection and one read
    transaction, so a cycle's reads cost one checkout and one BEGIN. A write through
    ``engine.begin()`` in the same context ends that read transaction and empties the memo, so
    whatever is read after it, in a new transaction, sees the write. Nested scopes are one.
    An in-memory SQLite database has one connection per thread, which a scope cannot share
    with writers: there the scope does nothing."""
    current = _SCOPE.get()
    if (current is not None and current.engine is engine) or _single_connection(engine):
        yield
        return
    with engine.connect().execution_options(**{_READ_ONLY: True}) as conn:
        token = _SCOPE.set(_Scope(engine, conn))
        try:
            yield
        finally:
            _SCOPE.reset(token)


def _single_connection(engine: Engine) -> bool:
    database = engine.url.database
    return engine.dialect.name == "sqlite" and (not database or database == ":memory:")


def scope_memo(engine: Engine) -> dict[object, object] | None:
    """The current read scope's memo for ``engine`` (None outside a scope): answers that stay
    true until this context writes (each ``engine.begin()`` empties it)."""
    scope = _SCOPE.get()
    return scope.memo if scope is not None and scope.engine is engine else None


def _writing(connection: sa.Connection) -> None:
    """On BEGIN of a writing connection: end the scope's read transaction, forget its memo."""
    if connection.get_execution_options().get(_READ_ONLY):
        return
    scope = _SCOPE.get()
    if scope is not None and scope.engine is connection.engine and scope.conn is not connection:
        scope.memo.clear()
        if scope.conn.in_transaction():
            scope.conn.rollback()


def watch_writes(engine: Engine) -> None:
    """Make ``engine``'s writers end read scopes (SQLite engines do it in their BEGIN hook)."""
    if engine.dialect.name != "sqlite":
        event.listen(engine, "begin", _writing)


@contextmanager
def translate_errors(action: str) -> Iterator[None]:
    """Turn SQLAlchemy's errors into StorageError, chained, in one place. The message names
    the action and the kind of failure only: a driver's text carries the SQL statement and its
    parameters, which callers must never see (the chained exception keeps them for the log)."""
    try:
        yield
    except SQLAlchemyError as exc:
        kind = type(getattr(exc, "orig", None) or exc).__name__
        raise StorageError(f"database error while {action} ({kind})") from exc


# The head revision of every branch; a test checks this against Alembic's own scripts, so a new
# migration that forgets to update it fails CI. When the database is already at these heads,
# ``upgrade`` does not load Alembic at all (it costs a command a third of a second).
HEADS = frozenset(
    {
        "0002_syncvalue",
        "0005_live",
        "0006_twin_thresholds",
        "0010_guardian",
        "0016_cycle_cost",
        "0012_connections",
        "0013_mirror",
        "0014_answers",
    }
)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # noqa: PLC0415  # see HEADS

    config = Config()
    config.set_main_option("script_location", "kiki.adapters.sql:migrations")
    # ConfigParser interpolates '%': a URL such as '?options=-csearch_path%3Dx' must be escaped.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (every component's head by default)."""
    if revision == "heads" and current_heads(engine) == HEADS:
        return
    from alembic import command  # noqa: PLC0415  # see HEADS

    with translate_errors("migrating the schema"):
        command.upgrade(alembic_config(engine), revision)


def current_heads(engine: Engine) -> frozenset[str]:
    """The revisions the database says it is at (none for a new database)."""
    with translate_errors("reading the schema version"), reading(engine) as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return frozenset()
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        return frozenset(str(r[0]) for r in rows)
