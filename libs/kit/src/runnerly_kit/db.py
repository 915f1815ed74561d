"""Database plumbing: an engine from a URL, sessions owned by the request or task, migrations.

The embedded default is one SQLite file per service; PostgreSQL is a URL away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from runnerly_kit.errors import RunnerlyError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of a service's models. Each service subclasses it once, so each has its own metadata."""

    __abstract__ = True


def metadata() -> sa.MetaData:
    return sa.MetaData(naming_convention=NAMING_CONVENTION)


def insert_for(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of ``table`` (a model or a table) that takes ``on_conflict_do_nothing`` and
    ``on_conflict_do_update``: SQLite and PostgreSQL both have ON CONFLICT, but SQLAlchemy
    offers it on each dialect's own ``insert``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    SQLite keeps datetimes as text without an offset, so values are normalised to UTC before
    they are stored (which also keeps their text order equal to their time order) and are
    given back their UTC offset when read; without this they come back naive and cannot be
    compared with ``datetime.now(UTC)``. A naive value is refused: its zone is a guess.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; give a UTC offset")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# Sync endpoints run on a pool of 40 threads, and a request's session is closed on another
# thread than the one that used it. With fewer connections than threads, every thread can
# end up waiting for a connection while the ones holding connections wait for a thread to
# release them: a deadlock. So the pool may always grow past the thread count.
POOL_SIZE = 10
MAX_OVERFLOW = 60


def create_engine(url: str, **kwargs: Any) -> Engine:
    # "sqlite://" and "sqlite:///:memory:" are both a database in memory, with no file.
    path = sa.make_url(url).database if is_sqlite(url) else None
    in_memory = is_sqlite(url) and path in (None, "", ":memory:")
    if "poolclass" not in kwargs and not in_memory:  # sizes fit the queue pool only
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", MAX_OVERFLOW)
    if is_sqlite(url):
        if path and not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # WAL lets readers go on while one writer writes; the busy timeout makes writers queue
    # instead of failing; NORMAL sync is durable in WAL mode except for power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


T = TypeVar("T")

# Connections of a network database's read engine, per process. Its reads are short and
# run in few threads at once (a request's revocation check, the busiest lists).
READ_POOL_SIZE = 4
READ_MAX_OVERFLOW = 8


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # A network database's one-statement reads take a pool of their own, without the
        # pre-ping and in autocommit: on PostgreSQL a pooled read was otherwise four round
        # trips (ping, BEGIN, the query, ROLLBACK) for one query's worth of work. A
        # connection found dropped is replaced and the read tried once more (``read``).
        self.read_engine = (
            self.engine
            if is_sqlite(url)
            else create_engine(
                url,
                pool_pre_ping=False,
                isolation_level="AUTOCOMMIT",
                pool_size=READ_POOL_SIZE,
                max_overflow=READ_MAX_OVERFLOW,
            )
        )

    def read(self, query: Callable[[sa.Connection], T]) -> T:
        """``query(connection)`` on a read connection: one statement, no transaction (on
        a network database). Reads only: a connection found dropped (the database
        restarted, an idle connection cut) is discarded with the others of its pool, and
        ``query`` run once more on a new one."""
        engine = self.read_engine
        with engine.connect() as connection:
            try:
                return query(connection)
            except Exception as error:
                if engine is self.engine or not _dropped(connection, error):
                    raise
                connection.invalidate()
        # Its pool's other connections went the same way: opened anew from now on.
        engine.dispose()
        with engine.connect() as connection:
            return query(connection)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self.sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def _dropped(connection: sa.Connection, error: Exception) -> bool:
    """Whether ``error`` says the connection is gone, whether it came through SQLAlchemy
    (which then invalidated it already) or straight from the driver's cursor."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    if connection.invalidated or not isinstance(original, connection.dialect.loaded_dbapi.Error):
        return False
    dbapi_connection = connection.connection.dbapi_connection
    return bool(connection.dialect.is_disconnect(original, dbapi_connection, None))


# The databases this process brought to head, once ``remember_migrations`` was called;
# None: every ``migrate`` runs Alembic.
_at_head: set[tuple[str, str]] | None = None


def remember_migrations() -> None:
    """From now on a database this process brought to head is not checked again: for a
    process that runs several parts of each service (``runnerly all``: its app and its
    worker, each of which migrates as it starts), where each check read every script again
    (seconds of every start)."""
    global _at_head
    _at_head = set()


def migrate(url: str, migrations_dir: Path, revision: str = "head") -> None:
    """Bring the database to ``revision`` with the service's Alembic scripts."""
    key = (url, str(migrations_dir))
    if _at_head is not None and revision == "head" and key in _at_head:
        return
    create_engine(url).dispose()  # makes the SQLite file's folder
    command.upgrade(alembic_config(url, migrations_dir), revision)
    if _at_head is not None and revision == "head":
        _at_head.add(key)


def current_revision(url: str) -> str | None:
    """The migration the database is at; None for a database never migrated."""
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def alembic_config(url: str, migrations_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def run_alembic_env(target_metadata: sa.MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite(url),  # SQLite alters tables by copying them
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _render_item(kind: str, item: Any, autogen_context: Any) -> str | Literal[False]:
    """A migration names what the database holds, never the code's types: ``UTCDateTime``
    is written as the column it is (a migration importing the kit would change with it)."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def new_revision(url: str, migrations_dir: Path, message: str) -> None:
    """Autogenerate a migration from the difference between the models and ``url``."""
    migrate(url, migrations_dir)
    command.revision(alembic_config(url, migrations_dir), message=message, autogenerate=True)


def request_session(request: Request) -> Iterator[Session]:
    """The request owns the transaction: commit when the endpoint returns, before the
    response is sent; roll back if it raises."""
    database: Database = request.app.state.database
    with database.sessions() as session:
        try:
            yield session
            session.commit()
        except RunnerlyError as error:
            if error.keeps_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise


# One object, so that every dependency naming it in a request shares its one session.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]
