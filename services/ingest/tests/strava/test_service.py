"""The sync: backfill, rate limits, token refresh, webhooks, reconciliation, forgetting;
run as the worker runs it, against the simulator in process with a shared fake clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_ingest.models import StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import backfill, calls, repository, tasks, webhooks
from runnerly_ingest.strava.mapping import RUN_SPORT_TYPES, start_epoch
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_kit.messages import UserDeleted

Headers = dict[str, str]
Link = Callable[..., httpx2.Response]
StoredRuns = Callable[..., list[Any]]
ATHLETE = 1234567


@pytest.fixture
def linked(alice: Headers, link_strava: Link) -> int:
    response = link_strava(alice)
    assert response.status_code == 200, response.text
    return 1


@pytest.fixture
def history(runtime: Runtime, simulator: TestClient, linked: int) -> list[dict[str, Any]]:
    """Every activity of the demo athlete, read straight from the simulator (then its rate
    counters are reset, so the test counts only ingest's requests)."""
    with runtime.database.sessions() as session:
        link = repository.link(session, linked)
        assert link is not None
        token = runtime.cipher.decrypt(link.access_token)
    activities: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = simulator.get("/api/v3/athlete/activities", params={"per_page": 200, "page": page},
                              headers={"Authorization": f"Bearer {token}"}).json()
        activities.extend(batch)
        if len(batch) < 200:
            break
        page += 1
    simulator.post("/admin/ratelimit/reset")
    return activities


def _link(runtime: Runtime, link_id: int = 1) -> StravaLink | None:
    with runtime.database.sessions() as session:
        return repository.link(session, link_id)


def _requests(simulator: TestClient, route: str) -> int:
    counts: dict[str, int] = simulator.get("/admin/counters").json()["requests"]
    return counts.get(route, 0)


def _list_requests(activities: int, page_size: int) -> int:
    """The list requests of a backfill of activities started in distinct seconds: a page
    after the first lists the previous page's oldest activity again; a short page ends it."""
    pages, unseen = 0, activities
    while True:
        pages += 1
        again = 0 if pages == 1 else 1
        listed = min(page_size, again + unseen)
        unseen -= listed - again
        if listed < page_size:
            return pages


def test_the_backfill_imports_exactly_the_runs(
    runtime: Runtime,
    history: list[dict[str, Any]],
    run_backfill: Callable[..., int],
    stored_runs: StoredRuns,
    simulator: TestClient,
) -> None:
    runs = [a for a in history if a["sport_type"] in RUN_SPORT_TYPES]
    assert 0 < len(runs) < len(history)  # the demo athlete rides, walks and swims too
    listed = _requests(simulator, "GET /api/v3/athlete/activities")

    run_backfill()

    link = _link(runtime)
    assert link is not None
    assert link.backfill_state == "done"
    assert link.activities_seen == len(history)
    assert link.runs_imported == len(runs)
    stored = stored_runs()
    assert sorted(run["external_id"] for run in stored) == sorted(str(a["id"]) for a in runs)
    assert {run["source"] for run in stored} == {"strava"}
    # 200 a page: the fewest list requests, and no streams unless asked for.
    assert _requests(simulator, "GET /api/v3/athlete/activities") - listed == _list_requests(
        len(history), 200
    )
    assert _requests(simulator, "GET /api/v3/activities/{activity_id}/streams") == 0


def test_a_run_is_mapped_with_cadence_in_steps_and_an_iana_time_zone(
    history: list[dict[str, Any]], run_backfill: Callable[..., int], stored_runs: StoredRuns
) -> None:
    run_backfill()

    strava = next(a for a in history if a["sport_type"] == "Run" and a.get("average_cadence"))
    stored = next(r for r in stored_runs() if r["external_id"] == str(strava["id"]))
    assert stored["distance_m"] == pytest.approx(strava["distance"])
    assert stored["moving_time_s"] == strava["moving_time"]
    assert stored["average_cadence"] == pytest.approx(strava["average_cadence"] * 2)
    assert stored["time_zone"] == strava["timezone"].split(" ")[-1]


def test_small_rate_limits_the_backfill_pauses_and_never_meets_a_429(
    runtime: Runtime,
    history: list[dict[str, Any]],
    run_backfill: Callable[..., int],
    stored_runs: StoredRuns,
    simulator: TestClient,
    peers: Any,
) -> None:
    runtime.settings.page_size = 25
    simulator.put("/admin/ratelimit", json={"read_limit_15min": 2, "limit_15min": 3})
    pages = _list_requests(len(history), 25)
    listed = _requests(simulator, "GET /api/v3/athlete/activities")

    pauses = run_backfill()

    assert pauses >= pages // 2 - 1
    assert [s for s in peers.router.statuses if s[2] == 429] == []
    assert _requests(simulator, "GET /api/v3/athlete/activities") - listed == pages
    link = _link(runtime)
    assert link is not None and link.backfill_state == "done"
    runs = [a for a in history if a["sport_type"] in RUN_SPORT_TYPES]
    assert len(stored_runs()) == len(runs)


def test_a_429_pauses_until_the_window_resets_without_losing_the_page(
    runtime: Runtime,
    history: list[dict[str, Any]],
    run_backfill: Callable[..., int],
    simulator: TestClient,
    stored_runs: StoredRuns,
) -> None:
    # Someone else spent the app's budget: Strava answers 429 before our headers told us.
    simulator.put("/admin/ratelimit", json={"read_limit_15min": 0})

    first = backfill.backfill_step(runtime, 1)

    assert first is not None  # paused, until the next quarter hour
    assert first.minute % 15 == 0
    link = _link(runtime)
    assert link is not None and link.backfill_state == "paused" and link.activities_seen == 0
    assert backfill.due_backfills(runtime) == []  # not before the window resets
    simulator.put("/admin/ratelimit", json={"read_limit_15min": 100})
    run_backfill()
    assert len(stored_runs()) == len([a for a in history if a["sport_type"] in RUN_SPORT_TYPES])


def test_a_step_resumes_from_the_persisted_cursor(
    runtime: Runtime,
    history: list[dict[str, Any]],
    run_backfill: Callable[..., int],
    stored_runs: StoredRuns,
    clock: Any,
) -> None:
    runtime.settings.page_size = 50
    backfill.backfill_step(runtime, 1)
    link = _link(runtime)
    assert link is not None and link.activities_seen == 50 and link.backfill_before is not None
    # The next step is queued; killed mid-page, it leaves its lease: once the lease lapses
    # (and the queued step counts as lost) the page is done again.
    clock.advance(runtime.settings.lease_seconds + 1)
    with runtime.database.transaction() as session:
        row = repository.link(session, 1)
        assert row is not None
        row.lease_until = runtime.now() - timedelta(seconds=1)
    assert backfill.due_backfills(runtime) == [1]

    run_backfill()

    link = _link(runtime)
    assert link is not None and link.activities_seen == len(history)
    ids = [run["external_id"] for run in stored_runs()]
    assert len(ids) == len(set(ids)) == len(
        [a for a in history if a["sport_type"] in RUN_SPORT_TYPES]
    )


def test_a_queued_step_is_queued_again_only_once_it_counts_as_lost(
    runtime: Runtime, linked: int, clock: Any
) -> None:
    """Beat's resume tick must not queue a second step beside one still waiting in the
    queue: the athlete would get two turns in every round, and more at every tick."""
    lease = runtime.settings.lease_seconds

    assert backfill.due_backfills(runtime) == []  # the first step is queued, not lost
    clock.advance(lease - 1)
    assert backfill.due_backfills(runtime) == []
    clock.advance(2)
    assert backfill.due_backfills(runtime) == [linked]  # no worker took it: lost
    assert backfill.due_backfills(runtime) == []  # queued again, once
    clock.advance(lease + 1)
    assert backfill.due_backfills(runtime) == [linked]


def test_activities_started_in_the_same_second_across_a_page_boundary_are_both_imported(
    runtime: Runtime,
    history: list[dict[str, Any]],
    run_backfill: Callable[..., int],
    stored_runs: StoredRuns,
    simulator: TestClient,
) -> None:
    runtime.settings.page_size = 25
    assert len({a["start_date"] for a in history}) == len(history)
    last_of_first_page = history[24]
    # A run started in that very second, of another distance (not the same activity): the
    # simulator lists it first of the two (newest first, then by id), so the first page now
    # ends with it and the older one of that second opens the second page.
    twin = simulator.post("/admin/activities", json={
        "sport_type": "Run", "name": "Same second",
        "start": start_epoch(last_of_first_page),
        "distance": last_of_first_page["distance"] * 1.5 + 1000,
    })
    assert twin.status_code == 201, twin.text
    everything = [*history, twin.json()["activity"]]

    run_backfill()

    link = _link(runtime)
    assert link is not None and link.backfill_state == "done"
    assert link.activities_seen == len(everything)
    runs = [a for a in everything if a["sport_type"] in RUN_SPORT_TYPES]
    assert link.runs_imported == len(runs)
    stored = [run["external_id"] for run in stored_runs()]
    assert sorted(stored) == sorted(str(a["id"]) for a in runs)


def test_a_page_of_one_second_only_does_not_stall_the_backfill(
    runtime: Runtime,
    history: list[dict[str, Any]],
    run_backfill: Callable[..., int],
    stored_runs: StoredRuns,
    simulator: TestClient,
) -> None:
    runtime.settings.page_size = 2
    newest = start_epoch(history[0]) + 3600
    for distance in (5_000, 8_000, 12_000):  # three runs in one second: more than a page
        created = simulator.post("/admin/activities", json={
            "sport_type": "Run", "start": newest, "distance": distance})
        assert created.status_code == 201, created.text

    run_backfill(max_steps=400)

    link = _link(runtime)
    assert link is not None and link.backfill_state == "done"
    # Paging by time cannot go through a second holding more than a page: the first page's
    # two are imported, the third is left to reconciliation and webhooks, nothing older.
    assert link.activities_seen == len(history) + 2
    assert len(stored_runs()) == len([a for a in history if a["sport_type"] in RUN_SPORT_TYPES]) + 2


def test_a_leased_step_is_not_run_twice(runtime: Runtime, linked: int) -> None:
    with runtime.database.transaction() as session:
        assert repository.take_lease(session, 1, runtime.now(),
                                     runtime.now() + timedelta(seconds=30))

    assert backfill.backfill_step(runtime, 1) is None
    link = _link(runtime)
    assert link is not None and link.activities_seen == 0


def test_fair_share_makes_a_greedy_athlete_wait_while_others_are_served(
    runtime: Runtime, linked: int
) -> None:
    runtime.settings.athlete_daily_share = 0.1
    now = runtime.now()
    with runtime.database.transaction() as session:
        link = repository.link(session, 1)
        assert link is not None
        link.requests_day = now.date().isoformat()
        link.requests_today = 100
        session.add(StravaLink(
            runner_id="bob", athlete_id=99, access_token="x", refresh_token="x",
            expires_at=now, scopes="activity:read_all", linked_at=now,
            backfill_state="pending", activities_seen=0, runs_imported=0, requests_today=0))

    resume_at = backfill.backfill_step(runtime, 1)

    assert resume_at is not None and resume_at.hour == 0 and resume_at > now
    link = _link(runtime)
    assert link is not None and link.backfill_state == "paused"


def test_an_expiring_token_is_refreshed_and_the_rotation_persisted(
    runtime: Runtime, linked: int, simulator: TestClient, clock: Any
) -> None:
    with runtime.database.transaction() as session:
        link = repository.link(session, 1)
        assert link is not None
        old_access = runtime.cipher.decrypt(link.access_token)
        old_refresh = runtime.cipher.decrypt(link.refresh_token)
        expires_at = link.expires_at
    # Four minutes before the six-hour token expires: inside the refresh margin.
    clock.set(expires_at.timestamp() - 240)

    token = calls.access_token(runtime, 1)

    link = _link(runtime)
    assert link is not None
    assert token != old_access
    assert runtime.cipher.decrypt(link.access_token) == token
    assert link.expires_at > runtime.now() + timedelta(hours=5)
    # The refresh token Strava handed back is the one kept (rotated or not), and it works.
    refresh = runtime.cipher.decrypt(link.refresh_token)
    assert refresh
    assert calls.access_token(runtime, 1) == token  # fresh: no second refresh
    assert simulator.get("/api/v3/athlete", headers={"Authorization": f"Bearer {token}"}
                         ).status_code == 200
    assert old_refresh  # spent or not, it was replaced by what Strava answered


def _event(object_id: int, aspect: str, object_type: str = "activity",
           updates: dict[str, str] | None = None) -> WebhookEvent:
    return WebhookEvent.model_validate({
        "object_type": object_type, "object_id": object_id, "aspect_type": aspect,
        "owner_id": ATHLETE, "subscription_id": 1, "event_time": 1_700_000_000,
        "updates": updates or {}})


def test_webhook_create_update_and_delete_are_reflected(
    runtime: Runtime, linked: int, run_backfill: Callable[..., int],
    simulator: TestClient, stored_runs: StoredRuns,
) -> None:
    run_backfill()
    before = len(stored_runs())
    created = simulator.post("/admin/activities", json={"sport_type": "Run", "name": "Tempo"})
    activity_id = created.json()["activity"]["id"]

    webhooks.handle_event(runtime, _event(activity_id, "create"))
    assert len(stored_runs()) == before + 1

    simulator.patch(f"/admin/activities/{activity_id}", json={"name": "Tempo 10k"})
    webhooks.handle_event(runtime, _event(activity_id, "update", updates={"title": "Tempo 10k"}))
    [run] = [r for r in stored_runs() if r["external_id"] == str(activity_id)]
    assert run["name"] == "Tempo 10k"

    simulator.patch(f"/admin/activities/{activity_id}", json={"sport_type": "Ride"})
    webhooks.handle_event(runtime, _event(activity_id, "update", updates={"type": "Ride"}))
    assert len(stored_runs()) == before  # no longer a run

    some_run = stored_runs()[0]
    simulator.delete(f"/admin/activities/{some_run['external_id']}")
    webhooks.handle_event(runtime, _event(int(some_run["external_id"]), "delete"))
    assert len(stored_runs()) == before - 1


def test_webhook_deauthorization_forgets_the_athlete_and_their_strava_runs(
    runtime: Runtime, linked: int, run_backfill: Callable[..., int],
    simulator: TestClient, stored_runs: StoredRuns,
) -> None:
    run_backfill()
    assert stored_runs()
    simulator.post("/admin/deauthorize")

    webhooks.handle_event(runtime, _event(ATHLETE, "update", "athlete", {"authorized": "false"}))

    assert stored_runs() == []
    assert _link(runtime) is None


def test_a_deauthorization_older_than_the_link_leaves_it_linked(
    runtime: Runtime, client: TestClient, alice: Headers, link_strava: Link,
    run_backfill: Callable[..., int], stored_runs: StoredRuns,
) -> None:
    """Unlinking deauthorizes at Strava, whose event may be handled only after the runner
    linked the same athlete again: the new link's tokens work, so it stays."""
    assert link_strava(alice).status_code == 200
    assert client.delete("/strava", headers=alice).status_code == 204
    assert link_strava(alice).status_code == 200
    [relinked] = _links(runtime)
    run_backfill(relinked.id)

    webhooks.handle_event(runtime, _event(ATHLETE, "update", "athlete", {"authorized": "false"}))

    assert [link.id for link in _links(runtime)] == [relinked.id]
    assert stored_runs()


def _links(runtime: Runtime) -> list[StravaLink]:
    with runtime.database.sessions() as session:
        return list(session.scalars(sa.select(StravaLink)))


def test_events_of_unknown_athletes_are_ignored(runtime: Runtime, linked: int) -> None:
    event = _event(1, "create").model_copy(update={"owner_id": 42})

    webhooks.handle_event(runtime, event)  # no error, nothing fetched

    assert _link(runtime) is not None


def test_reconciliation_catches_an_activity_whose_event_was_lost(
    runtime: Runtime, linked: int, run_backfill: Callable[..., int],
    simulator: TestClient, stored_runs: StoredRuns, clock: Any,
) -> None:
    run_backfill()
    before = len(stored_runs())
    clock.advance(3600)
    simulator.post("/admin/activities", json={"sport_type": "TrailRun", "name": "Hills"})
    simulator.post("/admin/activities", json={"sport_type": "Swim", "name": "Pool"})

    webhooks.reconcile(runtime, 1)

    assert len(stored_runs()) == before + 1
    assert webhooks.reconcile_targets(runtime) == [1]


def test_user_deleted_forgets_the_link(runtime: Runtime, linked: int) -> None:
    event = UserDeleted(user_id="alice", email="alice@example.com")
    tasks.forget_user(runtime, event)
    tasks.forget_user(runtime, event)  # idempotent

    assert _link(runtime) is None


def test_the_tokens_column_never_holds_a_token_in_clear(
    runtime: Runtime, linked: int
) -> None:
    with runtime.database.engine.connect() as connection:
        raw = " ".join(str(v) for v in connection.execute(
            sa.text("SELECT * FROM strava_links")).one())
    token = calls.access_token(runtime, 1)
    assert token not in raw
