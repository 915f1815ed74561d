from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_connect_and_callback_link_the_session_runner(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    connect = client.get("/api/strava/connect")
    assert connect.status_code == 200
    state = connect.json()["authorize_url"].split("state=")[1]

    back = client.get("/api/strava/callback", params={
        "code": "c0de", "state": state, "scope": "read,activity:read_all"},
        follow_redirects=False)

    assert back.status_code == 303
    assert back.headers["location"] == "/settings?strava=linked"
    [sent] = fake.sent("ingest", "POST", "/strava/callback")
    assert sent.headers["authorization"] == f"Bearer {me.tokens['access_token']}"
    assert client.get("/api/strava").json()["backfill"]["runs_imported"] == 150


def test_a_refused_or_denied_callback_redirects_with_a_reason(
    client: TestClient, fake: Any, login: Any
) -> None:
    login()
    denied = client.get("/api/strava/callback", params={"error": "access_denied"},
                        follow_redirects=False)
    foreign = client.get("/api/strava/callback", params={"code": "c", "state": "not-mine"},
                         follow_redirects=False)

    assert denied.headers["location"] == "/settings?strava=error&reason=access_denied"
    assert foreign.headers["location"] == "/settings?strava=error&reason=wrong_account"
    assert fake.sent("ingest", "POST", "/strava/callback")[0].url.path == "/strava/callback"


def test_unlink_needs_the_csrf_token(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    fake.strava_links[me.account.id] = 1

    assert_problem(client.delete("/api/strava"), 403)
    assert client.delete("/api/strava", headers=me.csrf).status_code == 204
    assert_problem(client.delete("/api/strava", headers=me.csrf), 404)


def test_strava_needs_a_login(client: TestClient, assert_problem: Any) -> None:
    assert_problem(client.get("/api/strava"), 401)
    assert_problem(client.get("/api/strava/connect"), 401)


def test_webhooks_are_public_and_forwarded_verbatim(client: TestClient, fake: Any) -> None:
    validation = client.get("/api/strava/webhook", params={
        "hub.mode": "subscribe", "hub.challenge": "abc", "hub.verify_token": "verify-me"})
    event = client.post("/api/strava/webhook", json={"object_type": "activity"})
    oversized = client.post("/api/strava/webhook", content=b"x" * 20_000)

    assert validation.json() == {"hub.challenge": "abc"}
    assert event.status_code == 200 and event.json() == {"status": "accepted"}
    [sent] = fake.sent("ingest", "POST", "/strava/webhook")
    assert sent.content == b'{"object_type":"activity"}'
    assert oversized.status_code == 413
