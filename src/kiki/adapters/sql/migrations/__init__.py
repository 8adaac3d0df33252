"""Alembic migrations; each component's tables sit on its own branch; ``heads`` runs them all."""
