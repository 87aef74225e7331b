"""The state database and the storage directory of the workers: SQLAlchemy models (`models`),
connection and Alembic migrations (`db`, `migrations/`), the transitions and queries of the batch
state machine (`state`), the storage directory with atomic, deterministic file names (`storage`),
and how stage data is written there (`codec`).

The one place that knows table names and the file layout. The pipeline never imports it.
"""
