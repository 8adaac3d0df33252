"""Shared fixtures: real SQLite and PostgreSQL databases, a real Redis, isolated per test.

PostgreSQL and Redis URLs come from KIKI_TEST_POSTGRES_URL and KIKI_TEST_REDIS_URL (defaults:
the servers on 127.0.0.1). Outside CI a missing server skips its tests with the reason; under
CI=true it fails them.

Tests never leave loopback: ``tests.loopback_guard`` makes any socket connection from this
process to an address outside 127.0.0.0/8, ::1 or a Unix socket raise before it is attempted.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import make_engine, upgrade
from tests.loopback_guard import guard_sockets

guard_sockets()

POSTGRES_URL = os.environ.get("KIKI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KIKI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, exc: BaseException) -> None:
    message = f"{what} is not reachable ({exc.__class__.__name__}: {exc})"
    if IN_CI:
        pytest.fail(f"{message}; under CI=true a missing server is a failure", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def sqlite_engine(tmp_path: object) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/kiki.sqlite3")  # type: ignore[str-bytes-safe]
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A fresh schema on the real PostgreSQL, migrated, dropped afterwards."""
    with postgres_schema() as engine:
        yield engine


@contextmanager
def postgres_schema() -> Iterator[Engine]:
    """An engine on a fresh, migrated schema of the real PostgreSQL; the schema is dropped after."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_URL}", exc)
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each test using it runs on SQLite and on PostgreSQL."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis  # only the Redis tests need the client

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL}", exc)
    finally:
        client.close()
    return REDIS_URL
