"""The runs list on a network database: what it sends, and a connection that went away."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.db import Database

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]


@pytest.fixture
def postgresql(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("what a read sends over the network: PostgreSQL only")


@pytest.fixture
def statements() -> Iterator[list[tuple[str, bool]]]:
    """Every statement any pooled PostgreSQL connection executes meanwhile (a pool's pre-ping
    included: it runs on the driver's cursor, outside SQLAlchemy's events), and whether it
    ran outside a transaction (else the driver sent a BEGIN first, and a ROLLBACK follows)."""
    import psycopg

    sent: list[tuple[str, bool]] = []

    class Counting(psycopg.Cursor[Any]):
        def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            # The outbox relay's own work, which runs meanwhile in its thread, aside.
            if threading.current_thread().name != "outbox-relay":
                sent.append((" ".join(str(query).split()), self.connection.autocommit))
            return super().execute(query, *args, **kwargs)

    def count(dbapi_connection: Any, *_: Any) -> None:
        if isinstance(dbapi_connection, psycopg.Connection):
            dbapi_connection.cursor_factory = Counting

    sa.event.listen(sa.pool.Pool, "checkout", count)
    try:
        yield sent
    finally:
        sa.event.remove(sa.pool.Pool, "checkout", count)


@pytest.mark.usefixtures("postgresql")
def test_a_page_of_runs_is_two_statements_and_no_transaction(
    client: TestClient,
    alice: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    statements: list[tuple[str, bool]],
) -> None:
    post_runs(
        [make_run(str(day), started_at=f"2026-03-{day:02d}T07:00:00Z") for day in range(1, 4)]
    )
    reads = 6
    statements.clear()

    pages = [client.get("/runs?limit=2", headers=alice) for _ in range(reads)]

    assert {page.status_code for page in pages} == {200}
    # Each read is the token's revocation lookup and the page's query, nothing more: no
    # ping before them, no BEGIN or ROLLBACK around them.
    tables = [
        sql.split(" FROM ")[1].split()[0] if " FROM " in sql else sql for sql, _ in statements
    ]
    assert tables == ["revocations", "runs"] * reads
    assert all(autocommit for _, autocommit in statements)


@pytest.mark.usefixtures("postgresql")
def test_a_read_after_the_database_dropped_its_connections_still_answers(
    client: TestClient,
    alice: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    database: Database,
) -> None:
    post_runs(
        [make_run(str(day), started_at=f"2026-03-{day:02d}T07:00:00Z") for day in range(1, 4)]
    )
    before = [client.get("/runs?limit=2", headers=alice).json() for _ in range(4)]

    # What a restart of PostgreSQL does to every pooled connection of the app.
    with database.engine.connect() as connection:
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    after = [client.get("/runs?limit=2", headers=alice) for _ in range(4)]

    assert [page.status_code for page in after] == [200] * 4
    assert [page.json() for page in after] == before
