"""Engines for SQLite and PostgreSQL, configured for safe concurrent writes, and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kiki.core.errors import StorageError


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``: ``postgresql://`` via psycopg 3; a SQLite file's folder is made."""
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)


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
        # Take the write lock up front: read-then-write transactions (audit head, ledger
        # idempotency) then serialise instead of failing with SQLITE_BUSY half-way.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def translate_errors(action: str) -> Iterator[None]:
    """Turn SQLAlchemy's errors into StorageError, chained, in one place."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StorageError(
            f"database error while {action}: {exc.__class__.__name__}: {exc}"
        ) from exc


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "kiki.adapters.sql:migrations")
    # ConfigParser interpolates '%': a URL such as '?options=-csearch_path%3Dx' must be escaped.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (every component's head by default)."""
    with translate_errors("migrating the schema"):
        command.upgrade(alembic_config(engine), revision)
