"""No transaction is held open while a peer answers: a build reads the peers first, then
stores in a short transaction of its own. Each peer request is checked, as it is made,
against the connections the calling thread holds from the real database's pool."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from runnerly_kit.db import migrate
from runnerly_kit.testing import PeerCallWatch, TestKeys
from runnerly_reports.config import Settings
from runnerly_reports.main import create_app
from runnerly_reports.reports import tasks
from runnerly_reports.runtime import MIGRATIONS_DIR, Runtime, build_runtime

if TYPE_CHECKING:
    from conftest import Clock, FakePeers


@pytest.fixture
def watch(alice: FakePeers) -> PeerCallWatch:
    alice.add_runner("bob", "bob@example.com")
    return PeerCallWatch(alice.handle)


@pytest.fixture
def watched_runtime(settings: Settings, watch: PeerCallWatch, clock: Clock
                    ) -> Iterator[Runtime]:
    # A page of one account: the next page is asked for after the first one's transaction.
    settings = settings.model_copy(update={"accounts_page_size": 1})
    runtime = build_runtime(settings, peer_transport=watch.transport(), clock=clock)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    watch.watch(runtime.database.engine)
    yield runtime
    runtime.close()
    runtime.database.dispose()


def test_the_worker_holds_no_transaction_while_a_peer_answers(
    watched_runtime: Runtime, watch: PeerCallWatch
) -> None:
    assert tasks.queue_month(watched_runtime, "2026-10") == 2
    assert tasks.build_one(watched_runtime, "alice", "2026-10", "alice@example.com") == "sent"
    assert tasks.build_one(watched_runtime, "bob", "2026-10", "bob@example.com") == "sent"

    assert any("/accounts" in call for call in watch.requests)
    assert any("/runs" in call for call in watch.requests)
    assert watch.in_transaction == []


def test_a_runner_asking_for_a_report_holds_no_transaction_while_a_peer_answers(
    settings: Settings, watch: PeerCallWatch, clock: Clock, keys: TestKeys,
    runner_headers: Callable[..., dict[str, str]],
) -> None:
    app = create_app(settings, peer_transport=watch.transport(), clock=clock)
    keys.install(app)
    headers = runner_headers("alice")
    with TestClient(app) as client:
        app.state.outbox.stop()
        watch.watch(app.state.runtime.database.engine)
        for month in ("2026-09", "2026-09", "2026-10"):  # built, then sent again
            response = client.post(f"/reports/{month}/send", headers=headers)
            assert response.status_code == 202, response.text

    assert any("/accounts/me" in call for call in watch.requests)
    assert any("/records" in call for call in watch.requests)
    assert watch.in_transaction == []
