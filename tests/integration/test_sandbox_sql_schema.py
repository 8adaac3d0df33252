"""The SQL sandbox store's own schema: made on first use, versioned, shared by every store."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kiki.adapters.sql.engine import make_engine
from kiki.adapters.sql.sandbox_store import SqlSandboxStore, default_sandbox_url
from kiki.adapters.sql.sandbox_tables import SCHEMA_VERSION, sandbox_meta
from kiki.core.errors import StorageError
from kiki.core.platform import Platform
from kiki.platforms.sandbox.store import Outage


def test_the_default_sandbox_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    assert default_sandbox_url(tmp_path) == f"sqlite:///{tmp_path}/sandbox.sqlite3"


def test_the_tables_and_their_version_are_made_on_first_use(tmp_path: Path) -> None:
    engine = make_engine(default_sandbox_url(tmp_path))
    assert sa.inspect(engine).get_table_names() == []
    SqlSandboxStore(engine).clear_outages()
    names = set(sa.inspect(engine).get_table_names())
    assert {"sandbox_accounts", "sandbox_campaigns", "sandbox_hourly_stats"} <= names
    with engine.connect() as conn:
        assert conn.execute(sa.select(sandbox_meta.c.value)).scalar_one() == SCHEMA_VERSION
    engine.dispose()


def test_a_second_store_on_the_same_file_sees_the_first_ones_writes(tmp_path: Path) -> None:
    first, second = (make_engine(default_sandbox_url(tmp_path)) for _ in range(2))
    SqlSandboxStore(first).put_outage(Outage(Platform.META, "read", remaining=1))
    assert SqlSandboxStore(second).take_outage(Platform.META, "read", "acme")
    assert not SqlSandboxStore(first).take_outage(Platform.META, "read", "acme")
    first.dispose()
    second.dispose()


def test_a_sandbox_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    engine = make_engine(default_sandbox_url(tmp_path))
    SqlSandboxStore(engine).clear_outages()
    with engine.begin() as conn:
        conn.execute(sandbox_meta.update().values(value="999"))
    with pytest.raises(StorageError, match="schema version 999"):
        SqlSandboxStore(engine).clear_outages()
    engine.dispose()
