"""When Strava refuses: nothing is deleted on a guess.

Only a confirmed revocation (Strava's token endpoint refusing the athlete's refresh token)
deletes a runner's Strava runs and forgets the link. Every other refusal (the app
suspended, a permission missing, Strava failing or not answering) pauses the sync, says so
to the runner and the operator, and the sync resumes by itself. Each path that could delete
(backfill, the events, reconciliation) is run against each class of refusal, with the
simulator as Strava."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import httpx2
import pytest
from fastapi.testclient import TestClient

from runnerly_ingest.config import Settings
from runnerly_ingest.models import StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import backfill, calls, repository, webhooks
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_stravasim.clock import FakeClock

Headers = dict[str, str]
StoredRuns = Callable[..., list[Any]]
ATHLETE = 1234567
SUBSCRIPTION = 1
PAGE = 50


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Pages smaller than the demo history: a backfill step is left after the first.
    return settings.model_copy(update={"page_size": PAGE})


class NotAnswering(httpx.BaseTransport):
    """Strava not answering in time: every request times out."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)


def _inactive_app(simulator: TestClient, peers: Any) -> Callable[[], None]:
    simulator.put("/admin/app", json={"active": False})
    return lambda: simulator.put("/admin/app", json={"active": True})


def _fault(body: dict[str, Any]) -> Callable[[TestClient, Any], Callable[[], None]]:
    def make(simulator: TestClient, peers: Any) -> Callable[[], None]:
        simulator.put("/admin/fault", json=body)
        return lambda: simulator.delete("/admin/fault")

    return make


def _timeouts(simulator: TestClient, peers: Any) -> Callable[[], None]:
    answering = peers.router.routes["strava.test"]
    peers.router.routes["strava.test"] = NotAnswering()
    return lambda: peers.router.routes.__setitem__("strava.test", answering)


# Each refusal that proves nothing about the athlete: set it up, get back how to lift it,
# and the reason the runner is shown.
REFUSALS: dict[str, tuple[Callable[[TestClient, Any], Callable[[], None]], str]] = {
    "app inactive (403)": (_inactive_app, "app_refused"),
    "permission missing (403)": (_fault({
        "status": 403, "message": "Forbidden", "resource": "AccessToken",
        "field": "activity:read_permission", "code": "missing"}), "permission_missing"),
    "Strava failing (503)": (_fault({"status": 503}), "strava_unavailable"),
    "Strava not answering (timeout)": (_timeouts, "strava_unavailable"),
}




@dataclass
class World:
    runtime: Runtime
    simulator: TestClient
    peers: Any
    clock: FakeClock
    client: TestClient
    alice: Headers
    stored_runs: StoredRuns
    run_backfill: Callable[..., int]

    def ids(self) -> set[str]:
        return {run["external_id"] for run in self.stored_runs()}

    def link(self) -> StravaLink | None:
        with self.runtime.database.sessions() as session:
            return repository.link(session, 1)

    def status(self) -> dict[str, Any]:
        response = self.client.get("/strava", headers=self.alice)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def a_stored_run(self) -> int:
        return int(sorted(self.ids())[0])


@pytest.fixture
def world(
    runtime: Runtime, simulator: TestClient, peers: Any, clock: FakeClock, client: TestClient,
    alice: Headers, link_strava: Callable[..., httpx2.Response], stored_runs: StoredRuns,
    run_backfill: Callable[..., int],
) -> World:
    assert link_strava(alice).status_code == 200
    with runtime.database.transaction() as session:
        repository.locked_budget(session).subscription_id = SUBSCRIPTION
    return World(runtime, simulator, peers, clock, client, alice, stored_runs, run_backfill)


def _event(object_id: int, aspect: str, object_type: str = "activity",
           updates: dict[str, str] | None = None) -> WebhookEvent:
    return WebhookEvent.model_validate({
        "object_type": object_type, "object_id": object_id, "aspect_type": aspect,
        "owner_id": ATHLETE, "subscription_id": SUBSCRIPTION, "event_time": 1_700_000_000,
        "updates": updates or {}})


def _first_page(world: World) -> None:
    assert backfill.backfill_step(world.runtime, 1) is None
    assert len(world.ids()) > 0
    link = world.link()
    assert link is not None and link.backfill_state == "running"


def _new_run(world: World) -> int:
    world.run_backfill()
    created = world.simulator.post("/admin/activities", json={"sport_type": "Run"})
    activity_id: int = created.json()["activity"]["id"]
    return activity_id


def _synced_run(world: World) -> int:
    world.run_backfill()
    return world.a_stored_run()


def _synced(world: World) -> int:
    world.run_backfill()
    return 0


# Every path that could delete: what it needs done first (while Strava answers), and the
# step taken (once Strava refuses).
PATHS: dict[str, tuple[Callable[[World], int | None], Callable[[World, Any], object]]] = {
    "backfill": (_first_page, lambda w, _: backfill.backfill_step(w.runtime, 1)),
    "create event": (_new_run, lambda w, i: webhooks.handle_event(w.runtime, _event(i, "create"))),
    "update event": (_synced_run, lambda w, i: webhooks.handle_event(
        w.runtime, _event(i, "update", updates={"title": "Renamed"}))),
    "delete event": (_synced_run, lambda w, i: webhooks.handle_event(
        w.runtime, _event(i, "delete"))),
    "deauthorization event": (_synced, lambda w, _: webhooks.handle_event(
        w.runtime, _event(ATHLETE, "update", "athlete", {"authorized": "false"}))),
    "reconciliation": (_synced, lambda w, _: webhooks.reconcile(w.runtime, 1)),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refusal_that_proves_nothing_pauses_and_deletes_nothing(
    world: World, path: str, refusal: str
) -> None:
    prepare, step = PATHS[path]
    refuse, reason = REFUSALS[refusal]
    prepared = prepare(world)
    before = world.ids()
    refuse(world.simulator, world.peers)

    with contextlib.suppress(calls.Paused):  # an event is retried when the pause ends
        step(world, prepared)

    assert world.ids() == before
    assert world.link() is not None
    paused = world.status()["sync_paused"]
    assert paused is not None and paused["reason"] == reason, paused


@pytest.mark.parametrize("path", PATHS)
def test_a_refused_access_token_is_refreshed_and_the_step_goes_on(
    world: World, path: str
) -> None:
    prepare, step = PATHS[path]
    prepared = prepare(world)
    before = world.ids()
    link = world.link()
    assert link is not None
    old_token = link.access_token
    world.simulator.post("/admin/tokens/expire")  # a 401 on the next call

    step(world, prepared)

    assert before <= world.ids()
    link = world.link()
    assert link is not None and link.access_token != old_token
    assert world.status()["sync_paused"] is None


@pytest.mark.parametrize("path", PATHS)
def test_a_confirmed_revocation_deletes_the_runs_and_forgets_the_link(
    world: World, path: str
) -> None:
    """The athlete revoked access and no event came: the next call is refused, and so is
    the refresh of the token: that is the confirmation."""
    prepare, step = PATHS[path]
    prepared = prepare(world)
    assert world.ids()
    world.simulator.post("/admin/deauthorize", json={"event": False})

    step(world, prepared)

    assert world.ids() == set()
    assert world.link() is None


def test_a_silent_revocation_ends_the_link_at_the_next_refresh(world: World) -> None:
    world.run_backfill()
    world.simulator.post("/admin/deauthorize", json={"event": False})
    link = world.link()
    assert link is not None
    world.clock.set(link.expires_at.timestamp() - 60)  # the token is refreshed first

    webhooks.reconcile(world.runtime, 1)

    assert world.ids() == set()
    assert world.link() is None


def test_a_forged_delete_of_a_run_strava_still_serves_keeps_it(world: World) -> None:
    world.run_backfill()
    before = world.ids()
    kept = world.a_stored_run()

    webhooks.handle_event(world.runtime, _event(kept, "delete"))

    assert world.ids() == before
    assert world.link() is not None


def test_a_delete_is_applied_when_strava_no_longer_has_the_run(world: World) -> None:
    world.run_backfill()
    before = world.ids()
    gone, renamed = sorted(before)[:2]
    world.simulator.delete(f"/admin/activities/{gone}")
    world.simulator.patch(f"/admin/activities/{renamed}", json={"sport_type": "Ride"})

    webhooks.handle_event(world.runtime, _event(int(gone), "delete"))
    webhooks.handle_event(world.runtime, _event(int(renamed), "delete"))

    assert world.ids() == before - {gone, renamed}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_paused_sync_resumes_by_itself_once_strava_answers(
    world: World, refusal: str
) -> None:
    refuse, reason = REFUSALS[refusal]
    _first_page(world)
    lift = refuse(world.simulator, world.peers)

    next_try = backfill.backfill_step(world.runtime, 1)
    assert next_try is not None and next_try > world.runtime.now()
    paused = world.status()["sync_paused"]
    assert paused["reason"] == reason and paused["next_try_at"] is not None
    # Still refused: no request before the next try, and the pause stays.
    assert backfill.due_backfills(world.runtime) == []

    lift()
    world.clock.set(next_try.timestamp() + 1)
    assert backfill.due_backfills(world.runtime) == [1]
    world.run_backfill()

    status = world.status()
    assert status["sync_paused"] is None
    assert status["backfill"]["state"] == "done"


def test_a_paused_reconciliation_resumes_at_the_resume_tick(world: World) -> None:
    world.run_backfill()
    lift = _inactive_app(world.simulator, world.peers)
    webhooks.reconcile(world.runtime, 1)
    paused = world.status()["sync_paused"]
    assert paused is not None
    lift()
    world.simulator.post("/admin/activities", json={"sport_type": "Run"})
    before = world.ids()
    assert webhooks.refused_links_due(world.runtime) == []  # not before the next try

    world.clock.set(world.clock.now() + timedelta(hours=2).total_seconds())
    for link_id in webhooks.refused_links_due(world.runtime):
        webhooks.reconcile(world.runtime, link_id)

    assert world.status()["sync_paused"] is None
    assert len(world.ids()) == len(before) + 1


def test_the_operator_sees_the_refusal_in_readiness_and_metrics(world: World) -> None:
    _first_page(world)
    lift = _inactive_app(world.simulator, world.peers)
    next_try = backfill.backfill_step(world.runtime, 1)
    assert next_try is not None

    ready = world.client.get("/health/ready")
    assert ready.status_code == 200  # the service itself is fine
    detail = ready.json()["details"]["strava"]
    assert "Inactive" in detail and "refuses" in detail
    assert "runnerly_strava_app_refused 1.0" in world.client.get("/metrics").text

    lift()
    world.clock.set(next_try.timestamp() + 1)
    world.run_backfill()
    assert "strava" not in world.client.get("/health/ready").json().get("details", {})
    assert "runnerly_strava_app_refused 0.0" in world.client.get("/metrics").text


def test_unlinking_deletes_whatever_strava_answers(world: World) -> None:
    """The runner's own choice: Strava refusing the deauthorization changes nothing."""
    world.run_backfill()
    _inactive_app(world.simulator, world.peers)

    assert world.client.delete("/strava", headers=world.alice).status_code == 204

    assert world.ids() == set()
    assert world.link() is None

