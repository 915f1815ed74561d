from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

APP = {"client_id": "12345", "client_secret": "stravasim-demo-secret"}
SUBS = "/api/v3/push_subscriptions"


def _subscribe(client: TestClient, callback: Any, verify: str = "runnerly") -> Any:
    return client.post(SUBS, data={**APP, "callback_url": callback.url, "verify_token": verify})


def _wait(callback: Any, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while len(callback.events) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    events: list[dict[str, Any]] = callback.events
    return events


def test_subscription_is_validated_by_echo(client: TestClient, callback: Any) -> None:
    response = _subscribe(client, callback, verify="my-token")
    assert response.status_code == 201
    sub_id = response.json()["id"]
    assert response.json() == {"id": sub_id}
    (query,) = callback.challenges
    assert query["hub.mode"] == ["subscribe"] and query["hub.verify_token"] == ["my-token"]
    assert len(query["hub.challenge"][0]) >= 8
    listed = client.get(SUBS, params=APP).json()
    assert len(listed) == 1
    assert listed[0]["id"] == sub_id and listed[0]["callback_url"] == callback.url
    assert listed[0]["application_id"] == 12345
    assert {"created_at", "updated_at"} <= listed[0].keys()
    again = _subscribe(client, callback)
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "already exists"
    assert client.delete(f"{SUBS}/{sub_id}", params=APP).status_code == 204
    assert client.get(SUBS, params=APP).json() == []


def test_wrong_echo_slow_or_failing_callback_is_refused(client: TestClient, callback: Any) -> None:
    for mode in ("wrong", "slow", "error"):
        callback.mode = mode
        response = _subscribe(client, callback)
        assert response.status_code == 400, mode
        assert response.json() == {
            "message": "Bad Request",
            "errors": [
                {"resource": "PushSubscription", "field": "callback url", "code": "not verifiable"}
            ],
        }
    unreachable = client.post(
        SUBS, data={**APP, "callback_url": "http://127.0.0.1:9/x", "verify_token": "v"}
    )
    assert unreachable.status_code == 400
    assert client.get(SUBS, params=APP).json() == []


def test_subscriptions_need_the_app_credentials(client: TestClient, callback: Any) -> None:
    response = client.post(
        SUBS,
        data={
            "client_id": "12345",
            "client_secret": "wrong",
            "callback_url": callback.url,
            "verify_token": "v",
        },
    )
    assert response.status_code == 401
    assert client.get(SUBS, params={"client_id": "12345"}).status_code == 401


def test_activity_events_are_delivered(
    client: TestClient, callback: Any, auth: dict[str, str]
) -> None:
    sub_id = _subscribe(client, callback).json()["id"]
    created = client.post(
        "/admin/activities",
        json={"sport_type": "Run", "name": "Test run", "distance": 5000, "moving_time": 1500},
    )
    assert created.status_code == 201
    activity = created.json()["activity"]
    assert activity["distance"] == 5000.0
    events = _wait(callback, 1)
    assert events[0]["object_type"] == "activity" and events[0]["aspect_type"] == "create"
    assert events[0]["object_id"] == activity["id"]
    assert events[0]["owner_id"] == 1234567 and events[0]["subscription_id"] == sub_id
    assert events[0]["updates"] == {} and isinstance(events[0]["event_time"], int)
    # The new activity is what the API serves, newest first.
    newest = client.get("/api/v3/athlete/activities", headers=auth).json()[0]
    assert newest["id"] == activity["id"]

    client.patch(
        f"/admin/activities/{activity['id']}",
        json={"name": "Renamed", "sport_type": "TrailRun", "private": True},
    )
    events = _wait(callback, 2)
    assert events[1]["aspect_type"] == "update"
    assert events[1]["updates"] == {"title": "Renamed", "type": "Run", "private": "true"}
    detail = client.get(f"/api/v3/activities/{activity['id']}", headers=auth).json()
    assert detail["name"] == "Renamed" and detail["sport_type"] == "TrailRun" and detail["private"]

    client.delete(f"/admin/activities/{activity['id']}")
    events = _wait(callback, 3)
    assert events[2]["aspect_type"] == "delete" and events[2]["object_id"] == activity["id"]
    assert client.get(f"/api/v3/activities/{activity['id']}", headers=auth).status_code == 404


def test_deauthorize_sends_the_athlete_event(
    client: TestClient, callback: Any, tokens: dict[str, Any]
) -> None:
    _subscribe(client, callback)
    response = client.post(
        "/oauth/deauthorize", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert response.status_code == 200
    (event,) = _wait(callback, 1)
    assert event["object_type"] == "athlete" and event["aspect_type"] == "update"
    assert event["object_id"] == 1234567 and event["owner_id"] == 1234567
    assert event["updates"] == {"authorized": "false"}


def test_admin_deauthorize_revokes_and_announces(
    client: TestClient, callback: Any, auth: dict[str, str]
) -> None:
    _subscribe(client, callback)
    assert client.post("/admin/deauthorize").json()["revoked"] is True
    assert client.get("/api/v3/athlete", headers=auth).status_code == 401
    assert _wait(callback, 1)[0]["updates"] == {"authorized": "false"}


def test_delivery_retries_until_the_callback_answers(client: TestClient, callback: Any) -> None:
    _subscribe(client, callback)
    callback.fail_posts = 2
    client.post("/admin/activities", json={"sport_type": "Walk"})
    assert len(_wait(callback, 1)) == 1
    (record,) = client.get("/admin/events").json()
    assert record["status"] == "delivered" and record["attempts"] == 3


def test_delivery_gives_up_after_three_retries(client: TestClient, callback: Any) -> None:
    _subscribe(client, callback)
    callback.fail_posts = 10
    client.post("/admin/activities", json={"sport_type": "Ride"})
    (record,) = client.get("/admin/events").json()
    assert record["status"] == "failed" and record["attempts"] == 4
    assert callback.events == []


def test_no_subscription_no_event(client: TestClient) -> None:
    created = client.post("/admin/activities", json={"sport_type": "Swim"})
    assert created.json()["event_id"] is None


def test_admin_rejects_bad_input(client: TestClient) -> None:
    assert client.post("/admin/activities", json={"distance": -1}).status_code == 422
    assert client.patch("/admin/activities/1", json={"name": "x"}).status_code == 404


def _create(client: TestClient, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        created = client.post("/admin/activities", json={"sport_type": "Run"})
        assert created.status_code == 201
        ids.append(created.json()["activity"]["id"])
    return ids


def _statuses(client: TestClient) -> list[str]:
    return [e["status"] for e in client.get("/admin/events").json()]


def test_the_next_events_can_be_dropped(client: TestClient, callback: Any) -> None:
    _subscribe(client, callback)
    assert client.put("/admin/webhooks", json={"drop_next": 2}).json()["drop_next"] == 2
    ids = _create(client, 3)
    # The third is delivered; the first two never reach the callback, not even later.
    assert [e["object_id"] for e in _wait(callback, 1)] == [ids[2]]
    assert _statuses(client) == ["dropped", "dropped", "delivered"]
    assert [e["attempts"] for e in client.get("/admin/events").json()] == [0, 0, 1]
    _create(client, 1)
    assert len(_wait(callback, 2)) == 2  # the count is spent: delivery is back


def test_a_share_of_events_is_dropped_evenly(client: TestClient, callback: Any) -> None:
    _subscribe(client, callback)
    client.put("/admin/webhooks", json={"drop_share": 0.25})
    _create(client, 8)
    _wait(callback, 6)
    assert _statuses(client).count("dropped") == 2
    assert _statuses(client).count("delivered") == 6
    assert len(callback.events) == 6
    client.delete("/admin/webhooks")
    _create(client, 4)
    assert len(_wait(callback, 10)) == 10


def test_events_can_be_delivered_twice(client: TestClient, callback: Any) -> None:
    _subscribe(client, callback)
    assert client.put("/admin/webhooks", json={"duplicate": True}).json()["duplicate"] is True
    ids = _create(client, 2)
    events = _wait(callback, 4)
    assert [e["object_id"] for e in events] == [ids[0], ids[0], ids[1], ids[1]]
    assert events[0] == events[1] and events[2] == events[3]
    assert _statuses(client) == ["duplicated", "duplicated"]
    # The deauthorization event is an event like any other.
    client.post("/admin/deauthorize")
    assert [e["updates"] for e in _wait(callback, 6)[4:]] == [{"authorized": "false"}] * 2


def test_webhook_scenarios_refuse_nonsense(client: TestClient) -> None:
    for body in ({"drop_next": -1}, {"drop_share": 1.5}, {"drop": 1}):
        answer = client.put("/admin/webhooks", json=body)
        assert answer.status_code == 422
        assert set(answer.json()) == {"message", "errors"}
