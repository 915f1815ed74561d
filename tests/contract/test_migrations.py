"""Each service's migrations build exactly the schema its models declare, on both databases.

The models are what the code reads and writes; the migrations are what an operator's
database gets. A column, an index or a table in one and not the other works in tests that
build tables from the models and fails in production, or lingers unused.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from runnerly.topology import SERVICES
from runnerly_kit.db import migrate
from runnerly_kit.testing import DATABASE_BACKENDS, database_for_test


@pytest.fixture(params=DATABASE_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def migrated(backend: str, service: str, tmp_path: Path) -> Iterator[sa.Engine]:
    models = importlib.import_module(f"runnerly_{service}.models")
    with database_for_test(backend, service, tmp_path) as url:
        migrate(url, Path(models.__file__).parents[1] / "migrations")
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_migrations_build_what_the_models_declare(service: str, migrated: sa.Engine) -> None:
    metadata = importlib.import_module(f"runnerly_{service}.models").Model.metadata
    with migrated.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, metadata)
        if connection.dialect.name == "sqlite":
            differences = _without_reordered_indexes(differences)

    assert differences == [], f"{service}: migrations and models differ"


def _without_reordered_indexes(differences: list[Any]) -> list[Any]:
    """SQLite reports an index's columns but not their order (``started_at DESC``), so an
    index with an ordered column reads as removed and added again under the same name: the
    pair is dropped when the columns match. PostgreSQL, which reports the order, checks it."""
    removed = {diff[1].name: _columns(diff[1]) for diff in differences if diff[0] == "remove_index"}
    added = {diff[1].name: _columns(diff[1]) for diff in differences if diff[0] == "add_index"}
    same = {name for name, columns in added.items() if removed.get(name) == columns}
    return [
        diff
        for diff in differences
        if not (diff[0] in ("remove_index", "add_index") and diff[1].name in same)
    ]


def _columns(index: sa.Index) -> list[str]:
    return [
        str(getattr(expression, "element", expression)).split()[0].split(".")[-1]
        for expression in index.expressions
    ]


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_datetime_column_gives_back_an_aware_utc_datetime(service: str) -> None:
    """SQLite keeps no offset: a plain ``DateTime`` column reads back naive there, and an
    answer built from it breaks its contract (``date-time`` with an offset) on the embedded
    default only. The kit's ``UTCDateTime`` gives the offset back on both databases."""
    metadata = importlib.import_module(f"runnerly_{service}.models").Model.metadata
    plain = sorted(
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.DateTime)
    )
    assert plain == [], f"{service}: use runnerly_kit.db.UTCDateTime"
