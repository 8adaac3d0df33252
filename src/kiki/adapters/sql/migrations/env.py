"""Alembic environment: migrate the engine handed in by ``kiki.adapters.sql.engine.upgrade``."""

from __future__ import annotations

from alembic import context

from kiki.adapters.sql.engine import make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine(
    config.get_main_option("sqlalchemy.url") or ""
)

with engine.connect() as connection:
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
