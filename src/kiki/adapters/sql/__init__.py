"""SQL adapters on SQLAlchemy 2: SQLite embedded, PostgreSQL in production; Alembic migrations."""
