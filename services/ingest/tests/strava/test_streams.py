"""Streams for every Strava run: fetched in the background once the list pages are in,
newest first, one request each, within the shared budget, resumable, and at once for the
run a runner opens; each run is sent again with its streams and splits, so its best
efforts come from them. Run as the worker runs it, against the simulator in process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_ingest.models import PendingStreams, StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import repository, streams, webhooks
from runnerly_ingest.strava.mapping import RUN_SPORT_TYPES, start_epoch
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_stravasim.clock import FakeClock

Headers = dict[str, str]
StoredRuns = Callable[..., list[Any]]
ATHLETE = 1234567
STREAMS_ROUTE = "/api/v3/activities/"


@pytest.fixture
def linked(alice: Headers, link_strava: Callable[..., httpx2.Response]) -> int:
    response = link_strava(alice)
    assert response.status_code == 200, response.text
    return 1


@pytest.fixture
def runs(simulator: TestClient, runtime: Runtime, linked: int) -> list[dict[str, Any]]:
    """The demo athlete's runs, newest first, read straight from the simulator."""
    with runtime.database.sessions() as session:
        link = repository.link(session, linked)
        assert link is not None
        token = runtime.cipher.decrypt(link.access_token)
    listed = simulator.get("/api/v3/athlete/activities", params={"per_page": 200},
                           headers={"Authorization": f"Bearer {token}"}).json()
    simulator.post("/admin/ratelimit/reset")
    found = [a for a in listed if a["sport_type"] in RUN_SPORT_TYPES]
    return sorted(found, key=start_epoch, reverse=True)


@pytest.fixture
def run_streams(runtime: Runtime, clock: FakeClock) -> Callable[..., int]:
    """Run the link's streams steps as the worker would, moving the clock over every
    pause; returns how many pauses it took."""

    def run(link_id: int = 1, max_steps: int = 2000) -> int:
        pauses = 0
        for _ in range(max_steps):
            if not _pending(runtime, link_id):
                return pauses
            resume_at = streams.streams_step(runtime, link_id)
            if resume_at is not None:
                pauses += 1
                clock.set(max(clock.now(), resume_at.timestamp()) + 1)
        raise AssertionError("the streams did not all come")

    return run


def _pending(runtime: Runtime, link_id: int = 1) -> list[int]:
    with runtime.database.sessions() as session:
        return list(session.scalars(
            sa.select(PendingStreams.activity_id).where(PendingStreams.link_id == link_id)))


def _streams_fetched(peers: Any) -> list[int]:
    """The activity ids whose streams ingest asked Strava for, in order."""
    return [
        int(request.url.path.split("/")[-2])
        for request in peers.router.requests
        if request.url.host == "strava.test" and request.url.path.endswith("/streams")
    ]


def _detail(peers: Any, alice: Headers, run: dict[str, Any]) -> dict[str, Any]:
    answer = peers.dataservice.get(f"/runs/{run['id']}", headers=alice)
    assert answer.status_code == 200, answer.text
    detail: dict[str, Any] = answer.json()
    return detail


def _link(runtime: Runtime) -> StravaLink:
    with runtime.database.sessions() as session:
        link = repository.link(session, 1)
        assert link is not None
        return link


def test_every_run_gets_its_streams_splits_and_efforts_after_the_list_pages_newest_first(
    runtime: Runtime, peers: Any, alice: Headers, runs: list[dict[str, Any]],
    run_backfill: Callable[..., int], run_streams: Callable[..., int],
    stored_runs: StoredRuns, runner_headers: Callable[..., Headers],
) -> None:
    # A step queued before the list pages are all in does nothing: runs first, detail after.
    assert streams.streams_step(runtime, 1) is None
    run_backfill()
    assert _streams_fetched(peers) == []
    assert sorted(_pending(runtime)) == sorted(a["id"] for a in runs)  # kept in the database

    run_streams()

    # One request per run, none twice, newest first.
    assert _streams_fetched(peers) == [a["id"] for a in runs]
    for run in stored_runs():
        detail = _detail(peers, alice, run)
        assert detail["streams"]["time"] and detail["streams"]["distance"], run["external_id"]
        splits = detail["splits"]
        assert len(splits) == pytest.approx(detail["streams"]["distance"][-1] / 1000, abs=1)
        assert sum(s["distance_m"] for s in splits) == pytest.approx(
            detail["streams"]["distance"][-1], abs=2)
    assert _link(runtime).streams_next_at is None
    # Best efforts come from the streams: a shorter best is never slower than a longer
    # one's pace (from summaries alone, a 1 km best was slower than the 5 km's pace).
    records = {
        item["distance_m"]: item["elapsed_time_s"]
        for item in peers.dataservice.get(
            "/records", headers=runner_headers("alice", "stats:read")).json()["items"]
    }
    assert len(records) >= 2
    paces = [records[metres] / metres for metres in sorted(records)]
    assert paces == sorted(paces)


def test_small_rate_limits_pause_the_streams_and_never_meet_a_429(
    runtime: Runtime, peers: Any, simulator: TestClient, runs: list[dict[str, Any]],
    run_backfill: Callable[..., int], run_streams: Callable[..., int],
) -> None:
    run_backfill()
    simulator.put("/admin/ratelimit", json={"read_limit_15min": 7, "limit_15min": 9})

    pauses = run_streams()

    assert pauses >= len(runs) // 7 - 1
    assert [s for s in peers.router.statuses if s[2] == 429] == []
    assert sorted(_streams_fetched(peers)) == sorted(a["id"] for a in runs)


def test_a_leased_step_does_nothing_and_a_lost_one_is_taken_up_again(
    runtime: Runtime, peers: Any, clock: FakeClock, run_backfill: Callable[..., int],
    run_streams: Callable[..., int], runs: list[dict[str, Any]],
) -> None:
    run_backfill()
    assert streams.due_streams(runtime) == []  # the backfill's last page queued a step
    # A worker took the step and was killed: its lease holds, a duplicate does nothing.
    with runtime.database.transaction() as session:
        assert repository.take_streams_lease(session, 1, runtime.now(),
                                             runtime.now() + timedelta(seconds=30))
    assert streams.streams_step(runtime, 1) is None
    assert _streams_fetched(peers) == []

    clock.advance(runtime.settings.lease_seconds + 1)
    assert streams.due_streams(runtime) == [1]
    assert streams.due_streams(runtime) == []  # queued again once, not at every tick
    run_streams()
    assert sorted(_streams_fetched(peers)) == sorted(a["id"] for a in runs)


def test_a_refusal_pauses_the_streams_and_deletes_nothing(
    runtime: Runtime, simulator: TestClient, run_backfill: Callable[..., int],
    run_streams: Callable[..., int], stored_runs: StoredRuns, runs: list[dict[str, Any]],
) -> None:
    run_backfill()
    simulator.put("/admin/app", json={"active": False})

    until = streams.streams_step(runtime, 1)

    assert until is not None and _link(runtime).streams_next_at == until
    assert len(stored_runs()) == len(runs) == len(_pending(runtime))
    simulator.put("/admin/app", json={"active": True})
    run_streams()
    assert _pending(runtime) == []


def test_runs_from_webhooks_and_reconciliation_get_theirs(
    runtime: Runtime, peers: Any, simulator: TestClient, clock: FakeClock, linked: int,
    run_backfill: Callable[..., int], run_streams: Callable[..., int],
) -> None:
    run_backfill()
    pushed = simulator.post("/admin/activities", json={"sport_type": "Run"}).json()["activity"]
    webhooks.handle_event(runtime, WebhookEvent.model_validate({
        "object_type": "activity", "object_id": pushed["id"], "aspect_type": "create",
        "owner_id": ATHLETE, "subscription_id": 1}))
    clock.advance(3600)
    missed = simulator.post("/admin/activities", json={"sport_type": "Run"}).json()["activity"]
    webhooks.reconcile(runtime, 1)
    assert {pushed["id"], missed["id"]} <= set(_pending(runtime))

    run_streams()

    # Newest first, ahead of the backfill's runs.
    assert _streams_fetched(peers)[:2] == [missed["id"], pushed["id"]]


def test_a_run_a_runner_opens_is_fetched_at_once_ahead_of_the_others(
    runtime: Runtime, client: TestClient, alice: Headers, bob: Headers, peers: Any,
    runs: list[dict[str, Any]], run_backfill: Callable[..., int],
) -> None:
    run_backfill()
    oldest = runs[-1]["id"]

    # Only the owner's own runs: another runner (whatever their link) hurries nothing.
    assert client.post(f"/strava/streams/{oldest}", headers=bob).json() == {"pending": False}
    answer = client.post(f"/strava/streams/{oldest}", headers=alice)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"pending": True}

    assert streams.streams_step(runtime, 1, requested=True) is None

    assert _streams_fetched(peers) == [oldest]
    assert oldest not in _pending(runtime)
    assert client.post(f"/strava/streams/{oldest}", headers=alice).json() == {"pending": False}
    # The link's own turns go on where they were, newest first.
    streams.streams_step(runtime, 1)
    assert _streams_fetched(peers)[1:] == [a["id"] for a in runs[: streams.STREAMS_PER_STEP]]


def test_a_runner_without_strava_or_with_a_wrong_id_hurries_nothing(
    client: TestClient, alice: Headers, linked: int, runner_headers: Callable[..., Headers],
) -> None:
    assert client.post("/strava/streams/1", headers=alice).json() == {"pending": False}
    assert client.post("/strava/streams/0", headers=alice).status_code == 422
    no_scope = runner_headers("alice", "profile:read")
    assert client.post("/strava/streams/1", headers=no_scope).status_code == 403


def test_background_streams_can_be_turned_off_and_an_opened_run_still_gets_its_own(
    runtime: Runtime, client: TestClient, alice: Headers, peers: Any,
    runs: list[dict[str, Any]], run_backfill: Callable[..., int],
) -> None:
    runtime.settings.background_streams = False
    run_backfill()

    assert streams.streams_step(runtime, 1) is None
    assert streams.due_streams(runtime) == []
    assert _streams_fetched(peers) == []

    assert client.post(f"/strava/streams/{runs[3]['id']}", headers=alice).json() == {
        "pending": True}
    streams.streams_step(runtime, 1, requested=True)
    assert _streams_fetched(peers) == [runs[3]["id"]]


def test_unlinking_forgets_the_streams_still_to_fetch(
    runtime: Runtime, client: TestClient, alice: Headers, linked: int,
    run_backfill: Callable[..., int],
) -> None:
    run_backfill()
    assert _pending(runtime)

    assert client.delete("/strava", headers=alice).status_code == 204

    assert _pending(runtime) == []
