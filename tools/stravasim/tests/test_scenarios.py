"""Scenario controls for what goes wrong at Strava: a suspended app, an athlete who revokes
access without an event reaching anyone, access tokens that expire early, injected faults;
and every error, whatever its route, in Strava's ``Fault`` shape."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from runnerly_stravasim.testing import CLIENT_ID, CLIENT_SECRET

INACTIVE = {"resource": "Application", "field": "Status", "code": "Inactive"}


def _is_fault(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("message"), str)
        and isinstance(body.get("errors"), list)
        and all(set(e) == {"resource", "field", "code"} for e in body["errors"])
    )


def _refresh(client: TestClient, refresh_token: str) -> Any:
    return client.post("/oauth/token", data={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token", "refresh_token": refresh_token})


def test_an_inactive_app_is_refused_on_every_call_until_active_again(
    client: TestClient, tokens: dict[str, Any], auth: dict[str, str]
) -> None:
    assert client.put("/admin/app", json={"active": False}).status_code == 200
    calls = [
        client.get("/api/v3/athlete", headers=auth),
        client.get("/api/v3/athlete/activities", headers=auth),
        client.get("/api/v3/activities/1", headers=auth),
        _refresh(client, tokens["refresh_token"]),
        client.post("/oauth/deauthorize", headers=auth),
        client.post("/oauth/revoke", headers=auth),
        client.get("/api/v3/push_subscriptions",
                   params={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}),
    ]
    for answer in calls:
        assert answer.status_code == 403, answer.text
        assert answer.json() == {"message": "Forbidden", "errors": [INACTIVE]}

    assert client.put("/admin/app", json={"active": True}).status_code == 200
    assert client.get("/api/v3/athlete", headers=auth).status_code == 200
    assert _refresh(client, tokens["refresh_token"]).status_code == 200


def test_a_silent_revocation_refuses_the_tokens_and_sends_no_event(
    client: TestClient, tokens: dict[str, Any], auth: dict[str, str], callback: Any
) -> None:
    client.post("/api/v3/push_subscriptions", data={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "callback_url": callback.url,
        "verify_token": "runnerly"})
    revoked = client.post("/admin/deauthorize", json={"event": False})
    assert revoked.json()["revoked"] is True
    assert client.get("/api/v3/athlete", headers=auth).status_code == 401
    refused = _refresh(client, tokens["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}]
    assert revoked.json()["event_id"] is None
    assert client.get("/admin/events").json() == []


def test_expired_access_tokens_are_refused_and_a_refresh_brings_a_new_one(
    client: TestClient, tokens: dict[str, Any], auth: dict[str, str]
) -> None:
    assert client.post("/admin/tokens/expire").status_code == 200
    refused = client.get("/api/v3/athlete", headers=auth)
    assert refused.status_code == 401
    fresh = _refresh(client, tokens["refresh_token"]).json()
    assert fresh["access_token"] != tokens["access_token"]
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert client.get("/api/v3/athlete", headers=headers).status_code == 200


def test_an_injected_fault_answers_every_api_call_until_cleared(
    client: TestClient, tokens: dict[str, Any], auth: dict[str, str]
) -> None:
    fault = {"status": 403, "message": "Forbidden", "resource": "AccessToken",
             "field": "activity:read_permission", "code": "missing"}
    assert client.put("/admin/fault", json=fault).status_code == 200
    answer = client.get("/api/v3/athlete/activities", headers=auth)
    assert answer.status_code == 403
    assert answer.json()["errors"] == [
        {"resource": "AccessToken", "field": "activity:read_permission", "code": "missing"}]
    assert _refresh(client, tokens["refresh_token"]).status_code == 200  # the API only

    assert client.put("/admin/fault", json={"status": 503}).status_code == 200
    unavailable = client.get("/api/v3/athlete", headers=auth)
    assert unavailable.status_code == 503 and _is_fault(unavailable.json())

    assert client.delete("/admin/fault").status_code == 200
    assert client.get("/api/v3/athlete", headers=auth).status_code == 200


def test_every_error_is_a_strava_fault(client: TestClient, auth: dict[str, str]) -> None:
    answers = [
        client.get("/api/v3/no-such-thing", headers=auth),  # unknown route: 404
        client.get("/api/v3/activities/424242", headers=auth),  # unknown activity
        client.put("/api/v3/athlete", headers=auth),  # method not allowed
        client.post("/admin/clock/advance", json={"seconds": -1}),  # invalid body
        client.get("/api/v3/athlete"),  # no token
    ]
    for answer in answers:
        assert answer.status_code >= 400, answer.text
        assert _is_fault(answer.json()), answer.text
    assert answers[0].status_code == 404
