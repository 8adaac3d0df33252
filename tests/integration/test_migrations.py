"""The schema's migrations: the recorded heads are Alembic's, and a current database is left be."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from kiki.adapters.sql.engine import HEADS, alembic_config, current_heads, upgrade


def test_the_recorded_heads_are_alembics_own(sqlite_engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_engine))
    assert frozenset(script.get_heads()) == HEADS


def test_a_migrated_database_is_at_every_head_and_upgrading_again_is_a_no_op(
    engine: Engine,
) -> None:
    assert current_heads(engine) == HEADS
    upgrade(engine)
    assert current_heads(engine) == HEADS
