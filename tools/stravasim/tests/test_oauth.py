from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from runnerly_stravasim.clock import FakeClock
from runnerly_stravasim.config import Settings
from runnerly_stravasim.main import create_app
from runnerly_stravasim.testing import REDIRECT, authorize, exchange

SECRET = "stravasim-demo-secret"


def test_health(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    assert client.get("/health/ready").status_code == 200


def test_approval_page_names_the_athlete_and_the_app(client: TestClient) -> None:
    page = client.get(
        "/oauth/authorize",
        params={
            "client_id": "12345",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "read,activity:read_all",
            "state": "xyz",
        },
    )
    assert page.status_code == 200
    assert "Authorize Runnerly to read your activities" in page.text
    athlete = client.app.state.sim.athlete()  # type: ignore[attr-defined]
    assert f"{athlete['firstname']} {athlete['lastname']}" in page.text
    assert 'value="authorize"' in page.text and 'value="cancel"' in page.text


def test_authorize_redirects_with_code_state_and_granted_scope(client: TestClient) -> None:
    page = client.get(
        "/oauth/authorize",
        params={
            "client_id": "12345",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "read,activity:read_all",
            "state": "xyz",
        },
    )
    assert page.status_code == 200
    response = client.post(
        "/oauth/authorize",
        data={
            "client_id": "12345",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "read,activity:read_all",
            "state": "xyz",
            "decision": "authorize",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    assert query["scope"] == ["read,activity:read_all"]
    assert len(query["code"][0]) == 40


def test_cancel_redirects_with_access_denied(client: TestClient) -> None:
    response = client.post(
        "/oauth/authorize",
        data={
            "client_id": "12345",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "read",
            "state": "xyz",
            "decision": "cancel",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["access_denied"] and "code" not in query


def test_authorize_refuses_unknown_client_and_foreign_callback_domain(client: TestClient) -> None:
    base = {"redirect_uri": REDIRECT, "response_type": "code", "scope": "read"}
    bad_client = client.get("/oauth/authorize", params={**base, "client_id": "999"})
    assert bad_client.status_code == 400
    assert bad_client.json() == {
        "message": "Bad Request",
        "errors": [{"resource": "Application", "field": "client_id", "code": "invalid"}],
    }
    foreign = client.get(
        "/oauth/authorize",
        params={**base, "client_id": "12345", "redirect_uri": "https://evil.example/cb"},
    )
    assert foreign.status_code == 400
    assert foreign.json()["errors"][0]["field"] == "redirect_uri"


def test_auto_approve_redirects_at_once(settings: Settings, clock: FakeClock) -> None:
    settings.auto_approve = True
    with TestClient(create_app(settings, clock)) as client:
        response = client.get(
            "/oauth/authorize",
            params={
                "client_id": "12345",
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "scope": "read,activity:read_all",
                "state": "a",
            },
            follow_redirects=False,
        )
    assert response.status_code == 302
    assert "code=" in response.headers["location"]


def test_code_exchange_returns_tokens_and_the_athlete(client: TestClient, clock: FakeClock) -> None:
    body = exchange(client, authorize(client))
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 21600
    assert body["expires_at"] == int(clock.now()) + 21600
    assert body["access_token"] != body["refresh_token"]
    assert body["athlete"]["id"] == 1234567
    assert body["athlete"]["resource_state"] == 2


def test_codes_are_single_use_and_expire(client: TestClient, clock: FakeClock) -> None:
    code = authorize(client)
    exchange(client, code)
    again = client.post(
        "/oauth/token",
        data={
            "client_id": "12345",
            "client_secret": SECRET,
            "code": code,
            "grant_type": "authorization_code",
        },
    )
    assert again.status_code == 400
    assert again.json()["errors"][0] == {
        "resource": "AuthorizationCode",
        "field": "code",
        "code": "invalid",
    }
    late = authorize(client)
    clock.advance(601)
    expired = client.post(
        "/oauth/token",
        data={
            "client_id": "12345",
            "client_secret": SECRET,
            "code": late,
            "grant_type": "authorization_code",
        },
    )
    assert expired.status_code == 400


def test_bad_client_secret_is_refused(client: TestClient) -> None:
    response = client.post(
        "/oauth/token",
        json={
            "client_id": "12345",
            "client_secret": "nope",
            "code": authorize(client),
            "grant_type": "authorization_code",
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "client_secret"


def _refresh(client: TestClient, token: str) -> dict[str, object]:
    response = client.post(
        "/oauth/token",
        data={
            "client_id": "12345",
            "client_secret": SECRET,
            "grant_type": "refresh_token",
            "refresh_token": token,
        },
    )
    return {"status": response.status_code, **response.json()}


def test_refresh_rotates_and_the_old_token_lives_until_the_new_one_is_used(
    client: TestClient, clock: FakeClock
) -> None:
    first = exchange(client, authorize(client))
    clock.advance(5 * 3600 + 60)  # under an hour left: a new access token
    second = _refresh(client, first["refresh_token"])
    assert second["status"] == 200 and "athlete" not in second
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["expires_in"] == 21600
    # The old refresh token still works while the new one is unused...
    again = _refresh(client, first["refresh_token"])
    assert again["status"] == 200
    # ...and dies once a newer one is used.
    third = _refresh(client, str(second["refresh_token"]))
    assert third["status"] == 200
    assert _refresh(client, first["refresh_token"])["status"] == 400
    assert _refresh(client, str(again["refresh_token"]))["status"] == 400


def test_refresh_keeps_an_access_token_with_more_than_an_hour_left(client: TestClient) -> None:
    first = exchange(client, authorize(client))
    second = _refresh(client, first["refresh_token"])
    assert second["access_token"] == first["access_token"]
    assert second["expires_at"] == first["expires_at"]


def test_expired_access_token_is_refused(client: TestClient, clock: FakeClock) -> None:
    body = exchange(client, authorize(client))
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v3/athlete", headers=headers).status_code == 200
    clock.advance(21600)
    response = client.get("/api/v3/athlete", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "message": "Authorization Error",
        "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
    }


def test_access_token_ttl_is_a_setting(settings: Settings, clock: FakeClock) -> None:
    settings.access_token_ttl = 60
    with TestClient(create_app(settings, clock)) as client:
        body = exchange(client, authorize(client))
    assert body["expires_in"] == 60


def test_deauthorize_revokes_every_token(client: TestClient) -> None:
    body = exchange(client, authorize(client))
    other = exchange(client, authorize(client))
    response = client.post("/oauth/deauthorize", data={"access_token": body["access_token"]})
    assert response.status_code == 200
    assert response.json() == {"access_token": body["access_token"]}
    for token in (body["access_token"], other["access_token"]):
        denied = client.get("/api/v3/athlete", headers={"Authorization": f"Bearer {token}"})
        assert denied.status_code == 401
    assert _refresh(client, body["refresh_token"])["status"] == 400


def test_token_only_with_activity_scope_reads_activities(client: TestClient) -> None:
    body = exchange(client, authorize(client, scope="read"))
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v3/athlete", headers=headers).status_code == 200
    response = client.get("/api/v3/athlete/activities", headers=headers)
    assert response.status_code == 401
    assert response.json()["errors"][0] == {
        "resource": "AccessToken",
        "field": "activity:read_permission",
        "code": "missing",
    }


def test_state_persists_across_restarts(settings: Settings, clock: FakeClock) -> None:
    with TestClient(create_app(settings, clock)) as client:
        body = exchange(client, authorize(client))
        ids = [
            a["id"]
            for a in client.get(
                "/api/v3/athlete/activities",
                headers={"Authorization": f"Bearer {body['access_token']}"},
            ).json()
        ]
    with TestClient(create_app(settings, clock)) as client:
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        again = client.get("/api/v3/athlete/activities", headers=headers)
        assert again.status_code == 200
        assert [a["id"] for a in again.json()] == ids


def test_revoke_takes_the_token_from_the_header_and_revokes_every_token(
    client: TestClient,
) -> None:
    body = exchange(client, authorize(client))
    other = exchange(client, authorize(client))
    response = client.post(
        "/oauth/revoke", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert response.status_code == 200
    assert response.json() == {"access_token": body["access_token"]}
    for token in (body["access_token"], other["access_token"]):
        denied = client.get("/api/v3/athlete", headers={"Authorization": f"Bearer {token}"})
        assert denied.status_code == 401
    assert _refresh(client, body["refresh_token"])["status"] == 400


def test_revoke_refuses_a_token_outside_the_header(client: TestClient) -> None:
    """Strava's revoke takes the token in ``Authorization: Bearer`` only."""
    body = exchange(client, authorize(client))
    token = body["access_token"]
    for sent in (client.post("/oauth/revoke", data={"access_token": token}),
                 client.post("/oauth/revoke", params={"access_token": token}),
                 client.post("/oauth/revoke")):
        assert sent.status_code == 401, sent.text
        assert sent.json()["errors"][0]["field"] == "access_token"
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v3/athlete", headers=headers).status_code == 200
