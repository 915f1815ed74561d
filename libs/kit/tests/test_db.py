"""Engines, migrations and their helpers, on SQLite and (when named) PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from runnerly_kit import db
from runnerly_kit.db import (
    Database,
    UTCDateTime,
    alembic_config,
    create_engine,
    current_revision,
    insert_for,
    is_sqlite,
    migrate,
    new_revision,
)
from runnerly_kit.testing import DATABASE_BACKENDS, _drop_database, database_for_test

MIGRATIONS = Path(__file__).parent / "migrations"


@pytest.fixture(params=DATABASE_BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "kit", tmp_path) as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrate_builds_the_schema_and_records_its_revision(url: str) -> None:
    assert current_revision(url) is None

    migrate(url, MIGRATIONS)

    assert current_revision(url) == "0001"
    assert {"notes", "outbox"} <= _tables(url)
    migrate(url, MIGRATIONS)  # at head already: nothing to do
    assert current_revision(url) == "0001"


def test_a_new_revision_holds_what_the_models_add(url: str, tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for version in (scripts / "versions").glob("*.py"):
        version.unlink()

    new_revision(url, scripts, "notes and outbox")

    [written] = (scripts / "versions").glob("*_notes_and_outbox.py")
    assert "op.create_table" in written.read_text()
    assert _tables(url) <= {"alembic_version"}  # written, not applied
    migrate(url, scripts)
    assert {"notes", "outbox"} <= _tables(url)


def test_a_percent_sign_in_the_url_reaches_the_driver_unchanged() -> None:
    url = "postgresql+psycopg://runnerly:p%40ss%25word@db/runnerly"

    config = alembic_config(url, MIGRATIONS)

    assert config.get_main_option("sqlalchemy.url") == url


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_has_no_file_and_the_same_pragmas(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = Database(url)

    with database.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() == 30000
    database.dispose()

    assert list(tmp_path.iterdir()) == []  # no file, no folder


def test_a_pool_given_by_the_caller_is_used_as_given(tmp_path: Path) -> None:
    # A static pool takes no size: the defaults for the queue pool must not reach it.
    engine = create_engine(f"sqlite:///{tmp_path / 'one.sqlite'}", poolclass=sa.pool.StaticPool)

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
    assert isinstance(engine.pool, sa.pool.StaticPool)
    engine.dispose()


def test_a_sqlite_file_gets_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "demo.sqlite"

    Database(f"sqlite:///{path}").ping()

    assert path.exists()


@pytest.mark.skipif("postgresql" not in DATABASE_BACKENDS, reason="needs PostgreSQL")
def test_a_test_database_that_cannot_be_dropped_is_reported_after_retrying() -> None:
    with database_for_test("postgresql", "kit", Path()) as url:
        # Connected to the database itself, the drop fails however often it is tried.
        inside = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        drops: list[str] = []
        sa.event.listen(
            inside,
            "before_cursor_execute",
            lambda _conn, _cursor, statement, *_: drops.append(statement),
        )
        name = sa.make_url(url).database
        assert name is not None

        with pytest.raises(sa.exc.OperationalError, match="currently open database"):
            _drop_database(inside, name, attempts=2)

        assert len(drops) == 2 and all(drop.startswith("DROP DATABASE") for drop in drops)
        inside.dispose()


def test_utc_datetimes_come_back_aware_in_utc_and_in_time_order(url: str) -> None:
    table = sa.Table("moments", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UTCDateTime))
    paris = timezone(timedelta(hours=2))
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    try:
        table.create(engine)
        with engine.begin() as connection:
            connection.execute(table.insert(), [
                # 08:30 in Paris is 06:30 UTC: earlier than 07:00 UTC, though it reads later.
                {"id": 1, "at": datetime(2026, 6, 1, 8, 30, tzinfo=paris)},
                {"id": 2, "at": datetime(2026, 6, 1, 7, 0, tzinfo=UTC)},
                {"id": 3, "at": None},
            ])
            with pytest.raises(sa.exc.StatementError, match="naive datetimes are ambiguous"):
                connection.execute(table.insert(), {"id": 4, "at": datetime(2026, 6, 1, 7, 0)})
        with engine.connect() as connection:
            known = sa.select(table.c.id, table.c.at).where(table.c.at.is_not(None))
            rows = connection.execute(known.order_by(table.c.at)).all()
            missing = connection.scalar(sa.select(table.c.at).where(table.c.id == 3))
    finally:
        engine.dispose()

    assert [(row.id, row.at) for row in rows] == [
        (1, datetime(2026, 6, 1, 6, 30, tzinfo=UTC)), (2, datetime(2026, 6, 1, 7, 0, tzinfo=UTC))]
    assert all(row.at.utcoffset() == timedelta(0) for row in rows)
    assert missing is None


def test_an_insert_for_the_session_s_database_takes_on_conflict(url: str) -> None:
    table = sa.Table("counts", sa.MetaData(), sa.Column("name", sa.String(8), primary_key=True),
                     sa.Column("seen", sa.Integer))
    database = Database(url)
    try:
        table.create(database.engine)
        with database.transaction() as session:
            session.execute(insert_for(session, table).values(name="a", seen=1))
            # A second insert of the key: nothing, then an update, neither an error.
            session.execute(
                insert_for(session, table).values(name="a", seen=5).on_conflict_do_nothing()
            )
            kept = session.scalar(sa.select(table.c.seen))
            session.execute(
                insert_for(session, table).values(name="a", seen=2).on_conflict_do_update(
                    index_elements=[table.c.name], set_={"seen": table.c.seen + 1}
                )
            )
            updated = session.scalar(sa.select(table.c.seen))
    finally:
        database.dispose()

    assert (kept, updated) == (1, 2)


def _on_the_driver(connection: sa.Connection) -> object:
    cursor = connection.connection.cursor()
    try:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]  # type: ignore[index]
    finally:
        cursor.close()


def _through_sqlalchemy(connection: sa.Connection) -> object:
    return connection.scalar(sa.text("SELECT 1"))


@pytest.mark.parametrize("query", [_on_the_driver, _through_sqlalchemy])
def test_a_read_survives_the_database_dropping_every_connection(
    url: str, query: Callable[[sa.Connection], object]
) -> None:
    """Whether the read goes to the driver's cursor or through SQLAlchemy's execution."""
    database = Database(url)
    try:
        # Two connections in the read pool, both to be cut.
        with database.read_engine.connect() as first, database.read_engine.connect() as second:
            first.scalar(sa.text("SELECT 1"))
            second.scalar(sa.text("SELECT 1"))
        if not is_sqlite(url):
            with database.engine.connect() as connection:
                connection.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )

        assert [database.read(query) for _ in range(3)] == [1, 1, 1]
    finally:
        database.dispose()


def _bad_sql(connection: sa.Connection) -> object:
    return connection.scalar(sa.text("SELECT * FROM no_such_table"))


def _bad_sql_on_the_driver(connection: sa.Connection) -> object:
    cursor = connection.connection.cursor()
    try:
        return cursor.execute("SELECT * FROM no_such_table")
    finally:
        cursor.close()


def _not_the_database(connection: sa.Connection) -> object:
    raise LookupError("the caller's own error")


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (_bad_sql, sa.exc.DBAPIError),
        (_bad_sql_on_the_driver, Exception),
        (_not_the_database, LookupError),
    ],
)
def test_a_read_that_fails_otherwise_is_not_tried_again(
    url: str, query: Callable[[sa.Connection], object], error: type[Exception]
) -> None:
    database = Database(url)
    calls: list[int] = []

    def counted(connection: sa.Connection) -> object:
        calls.append(1)
        return query(connection)

    try:
        with pytest.raises(error):
            database.read(counted)
        assert calls == [1]
    finally:
        database.dispose()



def test_a_process_that_remembers_its_migrations_checks_a_database_at_head_once(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "_at_head", None)
    db.remember_migrations()
    migrate(url, MIGRATIONS)
    assert current_revision(url) == "0001"
    _drop_version_table(url)

    # Brought to head by this process once: Alembic is not run again (it would make the
    # tables anew, and fail on those there).
    migrate(url, MIGRATIONS)

    assert current_revision(url) is None


def test_a_process_checks_every_migration_by_default(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "_at_head", None)
    migrate(url, MIGRATIONS)
    _drop_version_table(url)

    with pytest.raises(sa.exc.DBAPIError):
        migrate(url, MIGRATIONS)


def _drop_version_table(url: str) -> None:
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE alembic_version"))
    finally:
        engine.dispose()
