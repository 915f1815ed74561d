"""The webhook endpoints: subscription validation and events acknowledged at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import repository, webhooks

EVENT = {"object_type": "activity", "object_id": 1360128428, "aspect_type": "create",
         "owner_id": 134815, "subscription_id": 120475, "event_time": 1516126040,
         "updates": {}}


def test_subscription_validation_echoes_the_challenge(client: TestClient) -> None:
    params = {"hub.mode": "subscribe", "hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3",
              "hub.verify_token": "verify-me"}

    response = client.get("/strava/webhook", params=params)
    wrong = client.get("/strava/webhook", params={**params, "hub.verify_token": "nope"})

    assert response.status_code == 200
    assert response.json() == {"hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3"}
    assert wrong.status_code == 403


def _subscribed(runtime: Runtime, subscription_id: int | None = 120475) -> None:
    with runtime.database.transaction() as session:
        repository.locked_budget(session).subscription_id = subscription_id


def test_an_event_is_queued_and_acknowledged(
    client: TestClient, runtime: Runtime, alice: dict[str, str], link_strava: Any
) -> None:
    assert link_strava(alice).status_code == 200
    _subscribed(runtime)
    with runtime.database.transaction() as session:
        session.execute(sa.text("DELETE FROM outbox"))
    response = client.post("/strava/webhook", json={**EVENT, "owner_id": 1234567})

    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    with runtime.database.engine.connect() as connection:
        [(name, payload)] = connection.execute(
            sa.text("SELECT name, payload FROM outbox")).all()
    assert name == "ingest.strava.event"
    assert "1360128428" in str(payload)


@pytest.mark.parametrize(("stored", "sent"), [
    (1, 120475),  # another subscription's
    (120475, None),  # naming none
    (None, 120475),  # none held yet: nothing can be ours
    (None, None),
])
def test_events_not_of_the_current_subscription_are_ignored(
    client: TestClient, runtime: Runtime, stored: int | None, sent: int | None
) -> None:
    """Answered 200 all the same, so Strava does not retry them for ever."""
    _subscribed(runtime, stored)

    response = client.post("/strava/webhook", json={**EVENT, "subscription_id": sent})

    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    with runtime.database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one() == 0


def test_malformed_events_are_refused(client: TestClient) -> None:
    assert client.post("/strava/webhook", json={"object_type": "club"}).status_code == 422
    assert client.post("/strava/webhook", content=b"{").status_code == 422


def test_the_push_subscription_is_created_once(runtime: Runtime, peers: Any) -> None:
    calls: list[httpx.Request] = []

    def strava(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.method == "GET":
            return httpx.Response(200, json=[])
        return httpx.Response(201, json={"id": 120475})

    peers.router.routes["strava.test"] = httpx.MockTransport(strava)

    assert webhooks.ensure_subscription(runtime) == 120475
    assert webhooks.ensure_subscription(runtime) == 120475

    assert [call.method for call in calls] == ["GET", "POST"]
    callback = b"callback_url=http%3A%2F%2F127.0.0.1%3A8000%2Fapi%2Fstrava%2Fwebhook"
    assert callback in calls[1].content
