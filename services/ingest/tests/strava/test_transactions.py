"""No transaction is held open while Strava or the dataservice answers: every path that calls
them reads first, closes, calls, then writes in a short transaction of its own. Each request
is checked, as it is made, against the connections the calling thread holds from ingest's
real database pool; the paths are those of a runner (link, unlink, imports), of the worker
(backfill, streams, events, reconciliation, token refresh, revocation) and of the account
going away, and the races where the link goes while a page or a stream is on its way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from runnerly_ingest.config import Settings
from runnerly_ingest.main import create_app
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import backfill, repository, service, streams, webhooks
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_kit.testing import PeerCallWatch, TestKeys
from runnerly_stravasim.clock import FakeClock

Headers = dict[str, str]
ATHLETE = 1234567
SUBSCRIPTION = 1
PAGE = 50
DATA = Path(__file__).parents[1] / "files" / "data"


@dataclass
class Watched:
    """The watch, and what to do (once) just before a request whose path holds a text is
    sent: the link going away while a page or a stream is on its way."""

    watch: PeerCallWatch
    before: dict[str, Callable[[], None]] = field(default_factory=dict)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Pages smaller than the demo history: the backfill takes more than one step.
    return settings.model_copy(update={"page_size": PAGE})


@pytest.fixture
def watched(peers: Any) -> Watched:
    hooks: dict[str, Callable[[], None]] = {}

    def serve(request: httpx.Request) -> httpx.Response:
        for text in [t for t in hooks if t in request.url.path]:
            hooks.pop(text)()
        response: httpx.Response = peers.router.handle_request(request)
        return response

    return Watched(PeerCallWatch(serve), hooks)


@pytest.fixture
def app(settings: Settings, keys: TestKeys, watched: Watched, clock: FakeClock) -> FastAPI:
    app = create_app(
        settings,
        strava_transport=watched.watch.transport(),
        peer_transport=watched.watch.transport(),
        clock=lambda: datetime.fromtimestamp(clock.now(), UTC),
    )
    keys.install(app)
    watched.watch.watch(app.state.runtime.database.engine)
    return app


@dataclass
class World:
    runtime: Runtime
    client: TestClient
    simulator: TestClient
    clock: FakeClock
    alice: Headers
    link_strava: Callable[..., httpx2.Response]
    run_backfill: Callable[..., int]
    upload: Callable[..., Any]
    watched: Watched

    def link(self) -> Any:
        with self.runtime.database.sessions() as session:
            return repository.link_of_runner(session, "alice")

    def linked(self) -> int:
        """Link alice; the requests of the link are the first path's, not the others'."""
        response = self.link_strava(self.alice)
        assert response.status_code == 200, response.text
        with self.runtime.database.transaction() as session:
            repository.locked_budget(session).subscription_id = SUBSCRIPTION
        self.watched.watch.requests.clear()
        self.watched.watch.in_transaction.clear()
        link = self.link()
        assert link is not None
        return int(link.id)

    def unlink_now(self) -> None:
        with self.runtime.database.transaction() as session:
            link = repository.link_of_runner(session, "alice")
            assert link is not None
            repository.delete_link(session, link)

    def event(self, object_id: int, aspect: str, object_type: str = "activity",
              updates: dict[str, str] | None = None) -> None:
        webhooks.handle_event(self.runtime, WebhookEvent.model_validate({
            "object_type": object_type, "object_id": object_id, "aspect_type": aspect,
            "owner_id": ATHLETE, "subscription_id": SUBSCRIPTION, "event_time": 1_700_000_000,
            "updates": updates or {}}))


@pytest.fixture
def world(
    runtime: Runtime, client: TestClient, simulator: TestClient, clock: FakeClock,
    alice: Headers, link_strava: Callable[..., httpx2.Response],
    run_backfill: Callable[..., int], upload: Callable[..., Any], watched: Watched,
) -> Iterator[World]:
    yield World(runtime, client, simulator, clock, alice, link_strava, run_backfill, upload,
                watched)


def _link_and_link_again(world: World) -> None:
    assert world.link_strava(world.alice).status_code == 200
    assert world.link_strava(world.alice).status_code == 200  # approved again


def _backfill_and_streams(world: World) -> None:
    link_id = world.linked()
    world.run_backfill(link_id)
    assert streams.streams_step(world.runtime, link_id) is None
    with world.runtime.database.sessions() as session:
        [pending, *_] = repository.next_pending_streams(session, link_id, 1)
        activity_id = pending.activity_id
    opened = world.client.post(f"/strava/streams/{activity_id}", headers=world.alice)
    assert opened.json() == {"pending": True}
    assert streams.streams_step(world.runtime, link_id, requested=True) is None


def _token_refresh(world: World) -> None:
    link_id = world.linked()
    world.run_backfill(link_id)
    link = world.link()
    world.clock.set(link.expires_at.timestamp() - 60)  # inside the refresh margin
    webhooks.reconcile(world.runtime, link_id)
    world.simulator.post("/admin/tokens/expire")  # refused (401): refreshed, sent again
    webhooks.reconcile(world.runtime, link_id)


def _events(world: World) -> None:
    link_id = world.linked()
    world.run_backfill(link_id)
    created = world.simulator.post("/admin/activities", json={"sport_type": "Run"})
    activity_id = int(created.json()["activity"]["id"])
    world.event(activity_id, "create")
    world.simulator.delete(f"/admin/activities/{activity_id}")
    world.event(activity_id, "delete")
    world.event(ATHLETE, "update", "athlete", {"authorized": "false"})  # stale: tokens work
    webhooks.catch_up(world.runtime, link_id)


def _unlink(world: World) -> None:
    world.linked()
    world.run_backfill()
    assert world.client.delete("/strava", headers=world.alice).status_code == 204


def _account_deleted(world: World) -> None:
    world.linked()
    service.forget_runner(world.runtime, "alice")


def _revoked(world: World) -> None:
    link_id = world.linked()
    world.run_backfill(link_id)
    world.simulator.post("/admin/deauthorize", json={"event": False})
    world.simulator.post("/admin/tokens/expire")
    webhooks.reconcile(world.runtime, link_id)
    assert world.link() is None


def _unlinked_while_a_page_is_on_its_way(world: World) -> None:
    link_id = world.linked()
    world.watched.before["/runs/batch"] = world.unlink_now
    assert backfill.backfill_step(world.runtime, link_id) is None
    assert world.link() is None


def _unlinked_while_streams_are_on_their_way(world: World) -> None:
    link_id = world.linked()
    world.run_backfill(link_id)
    world.watched.before["/streams"] = world.unlink_now
    assert streams.streams_step(world.runtime, link_id) is None
    assert world.link() is None


def _imports(world: World) -> None:
    files = [("files", (name, (DATA / name).read_bytes(), "application/octet-stream"))
             for name in ("korita-zbevnica.gpx", "activity-small-fenix2-run.fit")]
    outcomes = world.upload(files, world.alice, data={"as_run": ["korita-zbevnica.gpx"]})
    assert {outcome["status"] for outcome in outcomes} == {"imported"}


PATHS: dict[str, tuple[Callable[[World], None], str]] = {
    # What the path does, and a request it must make (so the check cannot pass idle).
    "link, and link again": (_link_and_link_again, "/oauth/token"),
    "backfill and streams": (_backfill_and_streams, "/streams"),
    "token refresh": (_token_refresh, "/oauth/token"),
    "webhook events and catch-up": (_events, "/activities/"),
    "unlink": (_unlink, "/oauth/revoke"),
    "account deleted": (_account_deleted, "/oauth/revoke"),
    "revocation confirmed": (_revoked, "/runs/by-source"),
    "unlinked while a page is on its way": (_unlinked_while_a_page_is_on_its_way,
                                            "/runs/by-source"),
    "unlinked while streams are on their way": (_unlinked_while_streams_are_on_their_way,
                                                "/runs/by-source"),
    "file imports": (_imports, "/runs/batch"),
}


@pytest.mark.parametrize("path", PATHS)
def test_no_transaction_is_held_while_strava_or_a_peer_answers(world: World, path: str
                                                                ) -> None:
    scenario, expected = PATHS[path]

    scenario(world)

    requests = world.watched.watch.requests
    assert any(expected in call for call in requests), requests
    assert world.watched.watch.in_transaction == []
