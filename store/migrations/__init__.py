"""Alembic migrations of the state database, shipped inside the package (`sohoa db upgrade`)."""
