"""The app on a temporary data dir, its database built by the migrations: SQLite always,
PostgreSQL too when ``RUNNERLY_TEST_POSTGRES_URL`` is set (each run in its own database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from runnerly_dataservice.config import Settings
from runnerly_dataservice.main import create_app
from runnerly_dataservice.models import OutboxMessage
from runnerly_dataservice.runtime import Runtime
from runnerly_kit.db import Database
from runnerly_kit.testing import DATABASE_BACKENDS, TestKeys, bearer, database_for_test

RUNNER_SCOPES = (
    "profile:read profile:write runs:read runs:delete races:read races:write stats:read"
)

Headers = dict[str, str]


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "dataservice", tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        broker_url="memory://",
    )


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


@pytest.fixture
def app(settings: Settings, keys: TestKeys) -> FastAPI:
    app = create_app(settings)
    keys.install(app)
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def runtime(app: FastAPI, client: TestClient) -> Runtime:
    """The app's runtime, once the client has started it (and migrated its database)."""
    runtime: Runtime = app.state.runtime
    return runtime


@pytest.fixture
def database(runtime: Runtime) -> Database:
    return runtime.database


@pytest.fixture
def runner_headers(keys: TestKeys) -> Callable[..., Headers]:
    """Headers carrying a runner's token; every runner scope unless ``scopes`` is given."""

    def headers(runner_id: str = "runner-1", scopes: str = RUNNER_SCOPES) -> Headers:
        return bearer(keys.token(runner_id, scopes))

    return headers


@pytest.fixture
def alice(runner_headers: Callable[..., Headers]) -> Headers:
    return runner_headers("alice")


@pytest.fixture
def bob(runner_headers: Callable[..., Headers]) -> Headers:
    return runner_headers("bob")


@pytest.fixture
def ingest(keys: TestKeys) -> Headers:
    return bearer(keys.service_token("ingest", "runs:write"))


@pytest.fixture
def make_run() -> Callable[..., dict[str, Any]]:
    """A valid ``RunUpsert`` body; keyword arguments override its fields."""

    def build(external_id: str = "1", runner_id: str = "alice", **fields: Any) -> dict[str, Any]:
        return {
            "runner_id": runner_id,
            "source": "strava",
            "external_id": external_id,
            "name": f"Run {external_id}",
            "started_at": "2026-03-01T07:00:00Z",
            "distance_m": 10_000.0,
            "moving_time_s": 3000,
            "elapsed_time_s": 3100,
            **fields,
        }

    return build


@pytest.fixture
def post_runs(client: TestClient, ingest: Headers) -> Callable[[list[dict[str, Any]]], Any]:
    """Send a batch as the ingest service; returns the decoded answer after checking 200."""

    def post(runs: list[dict[str, Any]]) -> Any:
        response = client.post("/runs/batch", json={"runs": runs}, headers=ingest)
        assert response.status_code == 200, response.text
        return response.json()

    return post


@pytest.fixture
def outbox_events(database: Database) -> Callable[[str], list[dict[str, Any]]]:
    """The payloads of the events ``name`` written to the outbox, oldest first."""

    def events(name: str) -> list[dict[str, Any]]:
        with database.sessions() as session:
            rows = session.scalars(
                sa.select(OutboxMessage.payload)
                .where(OutboxMessage.kind == "event", OutboxMessage.name == name)
                .order_by(OutboxMessage.id)
            )
            return list(rows)

    return events


@pytest.fixture
def count_rows(database: Database) -> Callable[[str], int]:
    def count(table: str) -> int:
        with database.sessions() as session:
            return int(session.scalar(sa.select(sa.func.count()).select_from(sa.table(table))))

    return count
