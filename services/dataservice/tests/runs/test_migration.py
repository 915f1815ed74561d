"""Migration 0004: an install whose runs were keyed by ``(source, external_id)`` alone moves
to the key per runner, keeping every run (ids included) and every best effort."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient

from runnerly_dataservice.models import Model
from runnerly_dataservice.runtime import MIGRATIONS_DIR
from runnerly_kit.db import create_engine, is_sqlite, migrate

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]

RUN = (
    "INSERT INTO runs (runner_id, source, external_id, name, sport_type, started_at, "
    "distance_m, moving_time_s, elapsed_time_s, streams, created_at, updated_at) VALUES "
    "(:runner_id, :source, :external_id, 'Run', 'Run', :started_at, :distance_m, "
    ":elapsed_time_s, :elapsed_time_s, :streams, :started_at, :started_at)"
)
# 5.2 km in 26:00 at an even pace, streams every 10 s: a 1k and a 5k effort.
_SECONDS = [float(t) for t in range(0, 1561, 10)]
STREAMS = json.dumps({"time": _SECONDS, "distance": [t * 5200 / 1560 for t in _SECONDS]})


def _old_install(database_url: str) -> sa.Engine:
    """A database at 0003 holding runs of two runners under the old, global key, with the
    best efforts 0003 found for them."""
    migrate(database_url, MIGRATIONS_DIR, "0002")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for runner_id, source, external_id, started_at, distance_m, elapsed, streams in (
            ("ada", "strava", "42", "2026-03-01 07:00:00.000000", 5200.0, 1560, STREAMS),
            ("ada", "file", "sha-ada", "2026-03-08 07:00:00.000000", 10_000.0, 3000, None),
            ("bo", "strava", "43", "2026-03-02 07:00:00.000000", 5200.0, 1560, STREAMS),
        ):
            connection.execute(sa.text(RUN), {
                "runner_id": runner_id, "source": source, "external_id": external_id,
                "started_at": started_at, "distance_m": distance_m,
                "elapsed_time_s": elapsed, "streams": streams,
            })
    migrate(database_url, MIGRATIONS_DIR, "0003")
    return engine


def _rows(engine: sa.Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def _insert(engine: sa.Engine, runner_id: str, source: str, external_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(RUN), {
            "runner_id": runner_id, "source": source, "external_id": external_id,
            "started_at": "2026-04-01 07:00:00.000000", "distance_m": 1000.0,
            "elapsed_time_s": 300, "streams": None,
        })


def test_the_upgrade_keeps_every_run_and_effort_and_keys_runs_per_runner(
    database_url: str,
) -> None:
    engine = _old_install(database_url)
    runs_before = _rows(engine, "SELECT * FROM runs ORDER BY id")
    efforts_before = _rows(engine, "SELECT * FROM best_efforts ORDER BY run_id, distance")
    assert len(efforts_before) == 5  # 1k and 5k of each 5.2 km run, ada's whole 10k

    migrate(database_url, MIGRATIONS_DIR)

    try:
        assert _rows(engine, "SELECT * FROM runs ORDER BY id") == runs_before
        assert _rows(
            engine, "SELECT * FROM best_efforts ORDER BY run_id, distance"
        ) == efforts_before
        # Another runner may hold the same key; the same runner may not.
        _insert(engine, "bo", "strava", "42")
        _insert(engine, "bo", "file", "sha-ada")
        for runner_id, source, external_id in (("ada", "strava", "42"), ("bo", "strava", "43")):
            with pytest.raises(sa.exc.IntegrityError):
                _insert(engine, runner_id, source, external_id)
        # A run's efforts still go with it (the foreign key survived the table's copy).
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM runs WHERE external_id = 'sha-ada'"))
        assert len(_rows(engine, "SELECT * FROM best_efforts")) == 4
        _assert_schema_is_the_models(engine, database_url)
    finally:
        engine.dispose()


def _assert_schema_is_the_models(engine: sa.Engine, database_url: str) -> None:
    inspector = sa.inspect(engine)
    assert [
        (constraint["name"], constraint["column_names"])
        for constraint in inspector.get_unique_constraints("runs")
    ] == [("uq_runs_runner_source_external_id", ["runner_id", "source", "external_id"])]
    sqlite = is_sqlite(database_url)
    if sqlite:
        # SQLite's reflection drops an index's DESC: read its definition instead.
        [(definition,)] = _rows(
            engine, "SELECT sql FROM sqlite_master WHERE name = 'ix_runs_runner_started'"
        )
        assert "started_at DESC" in definition and "id DESC" in definition

    def compared(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        return not (sqlite and kind == "index" and name == "ix_runs_runner_started")

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": compared, "compare_type": True}
        )
        assert compare_metadata(context, Model.metadata) == []


def test_after_the_upgrade_a_second_runners_copy_is_a_run_of_their_own(
    database_url: str, request: pytest.FixtureRequest, make_run: RunBuilder,
    runner_headers: Callable[..., Headers],
) -> None:
    _old_install(database_url).dispose()
    client: TestClient = request.getfixturevalue("client")  # starts the app: it migrates
    post_runs: Callable[[list[dict[str, Any]]], Any] = request.getfixturevalue("post_runs")
    ada, bo = runner_headers("ada"), runner_headers("bo")
    ada_records = client.get("/records", headers=ada).json()

    answer = post_runs([make_run("42", "bo", started_at="2026-03-01T07:00:00Z",
                                 distance_m=5200, elapsed_time_s=1560)])

    [outcome] = answer["results"]
    assert outcome["status"] == "created"
    assert [item["external_id"] for item in client.get("/runs", headers=bo).json()["items"]] \
        == ["43", "42"]
    assert [item["external_id"] for item in client.get("/runs", headers=ada).json()["items"]] \
        == ["sha-ada", "42"]
    assert client.get("/records", headers=ada).json() == ada_records
    assert {item["distance"] for item in ada_records["items"]} == {"1k", "5k", "10k"}
