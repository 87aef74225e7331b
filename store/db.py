"""Connecting to the state database and upgrading its schema (Alembic, migrations in this package).

SQLite by default (a file next to the storage directory), PostgreSQL by `SOHOA_DATABASE_URL`
(`postgresql://...` is read as psycopg 3). SQLite runs in WAL mode with a busy timeout and every
transaction starts `BEGIN IMMEDIATE`, so worker threads and processes sharing the file wait for
each other instead of failing on a lock upgrade.

PostgreSQL: a pooled connection is checked with a ping before use only when it has been idle for
`PING_AFTER_IDLE_SECONDS` (a server restarted or a firewall that dropped it meanwhile); SQLAlchemy's
`pool_pre_ping` pinged before every transaction, a round trip of ~10 a page for connections used
milliseconds before. A connection that dies while in use fails its transaction, as it did with the
pre-ping: SQLAlchemy then replaces every connection of the pool, and the step is retried (a
transient error). Reads that need no transaction (`read_session_factory`) run in autocommit: under
PostgreSQL's READ COMMITTED each statement saw its own snapshot anyway, and BEGIN and COMMIT were two
more round trips each time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
#: Seconds a SQLite connection waits for another writer before giving up (then the actor retries).
SQLITE_BUSY_SECONDS = 30
#: Seconds a pooled PostgreSQL connection may stay idle before it is pinged on its next checkout.
PING_AFTER_IDLE_SECONDS = 10.0


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 (the driver sohoa installs)."""
    parsed = make_url(
        url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url
    )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # LIFO: the connection a thread just returned is the one it takes next (the others go idle
    # and get their ping when used again).
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_use_lifo=True)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (or a new one).
            raise exc.DisconnectionError() from error

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads that need no transaction: autocommit on PostgreSQL (no BEGIN and COMMIT
    round trips); on SQLite the usual transactions (its `BEGIN IMMEDIATE` hook owns them)."""
    if engine.dialect.name == "sqlite":
        return session_factory(engine)
    return sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back if it raises."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> str | None:
    """Bring the database to `revision` (creating it when empty); returns the revision reached."""
    from alembic import command

    engine = make_engine(url)
    try:
        config = alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return current_revision(engine)
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
