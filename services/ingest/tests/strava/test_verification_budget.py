"""Webhook events are verified at Strava on a budget of their own.

Anyone can post to the webhook, and each event costs a read to check it against Strava.
Those reads get a capped share of each 15-minute window and of the day; events waiting for
one activity cost one read; past the share an athlete's events fold into one catch-up
listing. Whatever the flood, the backfill and reconciliation keep the rest of the budget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_ingest.config import Settings
from runnerly_ingest.models import OutboxMessage, StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import backfill, calls, limits, repository, webhooks
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_stravasim.clock import FakeClock

Headers = dict[str, str]
StoredRuns = Callable[..., list[Any]]
ATHLETE = 1234567
SUBSCRIPTION = 7
PAGE = 50
# Small limits, so that a flood passes them quickly: Strava's own, as the simulator plays them.
READ_SHORT, READ_DAILY = 40, 100
SHARE = 0.25
VERIFY_SHORT, VERIFY_DAILY = int(READ_SHORT * SHARE), int(READ_DAILY * SHARE)
ACTIVITY_READ = "GET /api/v3/activities/{activity_id}"
LIST_READ = "GET /api/v3/athlete/activities"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"page_size": PAGE, "verify_share": SHARE})


@pytest.fixture
def linked(
    runtime: Runtime, simulator: TestClient, alice: Headers,
    link_strava: Callable[..., httpx2.Response],
) -> int:
    assert link_strava(alice).status_code == 200
    simulator.put("/admin/ratelimit", json={
        "limit_15min": 600, "limit_daily": 30000,
        "read_limit_15min": READ_SHORT, "read_limit_daily": READ_DAILY})
    simulator.post("/admin/ratelimit/reset")
    with runtime.database.transaction() as session:
        budget = repository.locked_budget(session)
        budget.subscription_id = SUBSCRIPTION
        budget.read_short_limit, budget.read_daily_limit = READ_SHORT, READ_DAILY
    return 1


def _event(object_id: int, aspect: str = "create", owner: int = ATHLETE,
           object_type: str = "activity") -> dict[str, Any]:
    return {"object_type": object_type, "object_id": object_id, "aspect_type": aspect,
            "owner_id": owner, "subscription_id": SUBSCRIPTION, "event_time": 1_700_000_000,
            "updates": {}}


def _post(client: TestClient, events: list[dict[str, Any]]) -> list[str]:
    answers = [client.post("/strava/webhook", json=event) for event in events]
    assert {answer.status_code for answer in answers} == {200}
    return [answer.json()["status"] for answer in answers]


def _queued_events(runtime: Runtime) -> list[dict[str, Any]]:
    """The event tasks queued so far (and forgets them): what the worker would run."""
    with runtime.database.transaction() as session:
        queued = OutboxMessage.name == webhooks.EVENT_TASK
        payloads = session.scalars(
            sa.select(OutboxMessage.payload).where(queued).order_by(OutboxMessage.id)).all()
        session.execute(sa.delete(OutboxMessage).where(queued))
    return [payload["event"] for payload in payloads]


def _beat(runtime: Runtime) -> None:
    """The resume tick's catch-ups."""
    for link_id in webhooks.catch_ups_due(runtime):
        webhooks.catch_up(runtime, link_id)


def _work(runtime: Runtime, events: list[dict[str, Any]]) -> int:
    """Run the queued event tasks as the worker does; how many were paused (retried)."""
    paused = 0
    for event in events:
        try:
            webhooks.handle_event(runtime, WebhookEvent.model_validate(event))
        except calls.Paused:
            paused += 1
    return paused


def _reads(simulator: TestClient, route: str) -> int:
    counts: dict[str, int] = simulator.get("/admin/counters").json()["requests"]
    return counts.get(route, 0)


def _link(runtime: Runtime) -> StravaLink:
    with runtime.database.sessions() as session:
        link = repository.link(session, 1)
        assert link is not None
        return link


def _now(clock: FakeClock) -> datetime:
    return datetime.fromtimestamp(clock.now(), UTC)


def _next_window(clock: FakeClock) -> None:
    clock.set(limits.next_window(_now(clock)).timestamp() + 1)


def test_a_flood_of_events_spends_only_the_verification_share_and_the_backfill_goes_on(
    runtime: Runtime, simulator: TestClient, client: TestClient, linked: int,
    clock: FakeClock, run_backfill: Callable[..., int], stored_runs: StoredRuns,
) -> None:
    # The day starts with a fresh quarter hour, so the windows below stay within it.
    clock.set(limits.next_day(_now(clock)).timestamp() + 60)
    simulator.post("/admin/ratelimit/reset")
    forged_ids = list(range(9_000_000_000, 9_000_000_400))
    real_runs: list[int] = []
    verifications = 0
    for window in range(5):
        created = simulator.post("/admin/activities", json={"sport_type": "Run"}).json()
        real_runs.append(created["activity"]["id"])
        ids = [real_runs[-1], *forged_ids[window * 80:(window + 1) * 80]]
        # Every activity of the athlete announced three times, and as many events of
        # athletes nobody linked.
        events = [_event(i, aspect) for i in ids for aspect in ("create", "update", "delete")]
        events += [_event(i, owner=ATHLETE + 1 + i % 50) for i in ids]
        statuses = _post(client, events)
        queued = _queued_events(runtime)

        # One task per activity: the repeats are folded into it, strangers are not queued.
        assert sorted(e["object_id"] for e in queued) == sorted(ids)
        assert statuses.count("ignored") == len(ids)
        assert _work(runtime, queued) == 0  # folded, never retried in a loop
        spent = _reads(simulator, ACTIVITY_READ) - verifications
        verifications += spent
        assert spent <= VERIFY_SHORT, window
        assert verifications <= VERIFY_DAILY, window
        # The sync keeps its share: a backfill page goes through in this very window.
        if _link(runtime).backfill_state != "done":
            lists = _reads(simulator, LIST_READ)
            assert backfill.backfill_step(runtime, 1) is None
            assert _reads(simulator, LIST_READ) == lists + 1
        assert _link(runtime).catch_up_at is not None
        _next_window(clock)
        _beat(runtime)

    assert verifications == VERIFY_DAILY  # the day's share, not one read more
    assert run_backfill() == 0
    assert _link(runtime).backfill_state == "done"


def _run(simulator: TestClient, clock: FakeClock, hours_ago: int) -> int:
    """A new run at Strava, apart from the others (not a duplicate of one)."""
    created = simulator.post("/admin/activities", json={
        "sport_type": "Run", "start": int(clock.now()) - 3600 * hours_ago - 600,
        "distance": 5000 + 1000 * hours_ago}).json()
    activity_id: int = created["activity"]["id"]
    return activity_id


def test_folded_events_are_caught_up_by_one_listing_once_the_share_is_back(
    runtime: Runtime, simulator: TestClient, client: TestClient, linked: int,
    clock: FakeClock, run_backfill: Callable[..., int], stored_runs: StoredRuns,
) -> None:
    renamed = simulator.post("/admin/activities", json={"sport_type": "Run"}).json()
    renamed_id = renamed["activity"]["id"]
    run_backfill()
    clock.advance(3600)
    simulator.post("/admin/ratelimit/reset")
    simulator.patch(f"/admin/activities/{renamed_id}", json={"name": "Renamed at Strava"})
    new = [_run(simulator, clock, hours_ago=k) for k in (1, 2, 3)]
    forged = list(range(9_100_000_000, 9_100_000_000 + 3 * VERIFY_SHORT))
    # The forged ones first: the real events come when the share is spent.
    _post(client, [_event(i) for i in forged] + [_event(i) for i in new]
          + [_event(renamed_id, "update")])

    _work(runtime, _queued_events(runtime))

    assert _reads(simulator, ACTIVITY_READ) == VERIFY_SHORT
    due = _link(runtime).catch_up_at
    assert due is not None
    assert not {str(i) for i in new} <= {r["external_id"] for r in stored_runs()}
    # Events arriving while the catch-up is due fold into it at once.
    _post(client, [_event(i) for i in forged])
    _work(runtime, _queued_events(runtime))
    assert _reads(simulator, ACTIVITY_READ) == VERIFY_SHORT
    assert webhooks.catch_ups_due(runtime) == []  # not before the share is back

    clock.set(due.timestamp() + 1)
    lists = _reads(simulator, LIST_READ)
    assert webhooks.catch_ups_due(runtime) == [1]
    webhooks.catch_up(runtime, 1)

    assert _reads(simulator, LIST_READ) == lists + 1  # one listing for every folded event
    runs = {r["external_id"]: r for r in stored_runs()}
    assert {str(i) for i in new} <= runs.keys()
    assert runs[str(renamed_id)]["name"] == "Renamed at Strava"
    assert _link(runtime).catch_up_at is None
    assert webhooks.catch_ups_due(runtime) == []
    # Verified one by one again.
    another = _run(simulator, clock, hours_ago=0)
    _post(client, [_event(another)])
    _work(runtime, _queued_events(runtime))
    assert str(another) in {r["external_id"] for r in stored_runs()}


def test_an_event_whose_task_was_lost_is_queued_again_once_it_counts_as_lost(
    runtime: Runtime, client: TestClient, linked: int, clock: FakeClock,
) -> None:
    assert _post(client, [_event(1)]) == ["accepted"]
    assert len(_queued_events(runtime)) == 1  # and never run: lost

    _post(client, [_event(1)])
    assert _queued_events(runtime) == []  # folded into the one still waiting
    clock.advance(repository.PENDING_EVENT_LOST.total_seconds() + 1)
    _post(client, [_event(1), _event(1)])

    assert len(_queued_events(runtime)) == 1


def test_a_link_removed_while_its_events_wait_leaves_nothing_behind(
    runtime: Runtime, client: TestClient, linked: int, alice: Headers,
) -> None:
    _post(client, [_event(i) for i in range(10)])
    assert client.delete("/strava", headers=alice).status_code == 204

    with runtime.database.sessions() as session:
        assert session.execute(sa.text("SELECT count(*) FROM strava_pending_events")).scalar() == 0
    _work(runtime, _queued_events(runtime))  # the queued tasks find no link: nothing to do


def test_the_verification_share_is_a_bounded_setting() -> None:
    assert Settings().verify_share == pytest.approx(0.25)
    for wrong in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="verify_share"):
            Settings(verify_share=wrong)
    assert timedelta(days=webhooks.CATCH_UP_LOOKBACK_DAYS) >= timedelta(days=1)
