"""Linking Strava through the ingest API, against the simulator in process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_ingest.models import ConnectState, StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import tasks
from runnerly_kit.messages import UserDeleted

Headers = dict[str, str]
Link = Callable[..., httpx2.Response]


def test_connect_gives_strava_authorize_url_with_a_bound_state(
    client: TestClient, alice: Headers, runtime: Runtime
) -> None:
    response = client.get("/strava/connect", headers=alice)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["demo_mode"] is True
    url = httpx2.URL(body["authorize_url"])
    assert str(url).startswith("http://strava.test/oauth/authorize?")
    params = url.params
    assert params["client_id"] == "12345"
    assert params["redirect_uri"] == "http://127.0.0.1:8000/api/strava/callback"
    assert params["response_type"] == "code"
    assert params["approval_prompt"] == "auto"
    assert params["scope"] == "read,activity:read_all"
    with runtime.database.sessions() as session:
        [stored] = session.scalars(sa.select(ConnectState)).all()
    # Only a hash of the state is kept, bound to the runner.
    assert stored.runner_id == "alice"
    assert params["state"] not in stored.state_hash


def test_linking_stores_encrypted_tokens_and_queues_the_backfill(
    client: TestClient, alice: Headers, link_strava: Link, runtime: Runtime
) -> None:
    response = link_strava(alice)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["linked"] is True
    assert body["athlete_id"] == 1234567
    assert body["backfill"]["state"] == "pending"
    with runtime.database.engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT access_token, refresh_token FROM strava_links")).one()
        outbox = connection.execute(sa.text("SELECT name FROM outbox ORDER BY id")).scalars()
        names = list(outbox)
    access = runtime.cipher.decrypt(row.access_token)
    assert access and access not in row.access_token
    assert runtime.cipher.decrypt(row.refresh_token) not in row.refresh_token
    assert names == ["strava.linked", "ingest.strava.backfill"]
    assert client.get("/strava", headers=alice).json()["linked"] is True


def test_an_account_deleted_while_strava_answers_the_callback_is_not_linked(
    client: TestClient, alice: Headers, runtime: Runtime, link_strava: Link,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exchange = runtime.strava.exchange_code

    def deleted_meanwhile(code: str) -> Any:
        grant = exchange(code)  # the callback's token was checked before this
        handlers = runtime.revocations.event_handlers(
            {UserDeleted: lambda event: tasks.forget_user(runtime, event)}, forget=None
        )
        handlers[UserDeleted](UserDeleted(user_id="alice"))
        return grant

    monkeypatch.setattr(runtime.strava, "exchange_code", deleted_meanwhile)
    response = link_strava(alice)

    assert response.status_code == 401, response.text
    assert response.json()["title"] == "Account deleted"
    with runtime.database.sessions() as session:
        assert session.scalars(sa.select(StravaLink)).all() == []
        assert session.scalars(sa.select(ConnectState)).all() == []


def test_another_runners_state_is_refused_and_stays_usable_by_its_owner(
    client: TestClient, alice: Headers, bob: Headers, simulator: TestClient
) -> None:
    url = httpx2.URL(client.get("/strava/connect", headers=alice).json()["authorize_url"])
    back = httpx2.URL(simulator.get(url.raw_path.decode(), follow_redirects=False)
                      .headers["location"]).params
    body = {"code": back["code"], "state": back["state"], "scope": back["scope"]}

    stolen = client.post("/strava/callback", json=body, headers=bob)
    own = client.post("/strava/callback", json=body, headers=alice)
    reused = client.post("/strava/callback", json=body, headers=alice)

    assert stolen.status_code == 403
    assert stolen.headers["content-type"] == "application/problem+json"
    assert client.get("/strava", headers=bob).json()["linked"] is False
    assert own.status_code == 200, own.text
    assert reused.status_code == 400


def test_an_expired_state_is_refused(
    client: TestClient, alice: Headers, runtime: Runtime, simulator: TestClient
) -> None:
    url = httpx2.URL(client.get("/strava/connect", headers=alice).json()["authorize_url"])
    back = httpx2.URL(simulator.get(url.raw_path.decode(), follow_redirects=False)
                      .headers["location"]).params
    with runtime.database.transaction() as session:
        state = session.scalars(sa.select(ConnectState)).one()
        state.expires_at = runtime.now() - timedelta(seconds=1)

    response = client.post("/strava/callback", headers=alice, json={
        "code": back["code"], "state": back["state"], "scope": back["scope"]})

    assert response.status_code == 400
    assert "expired" in response.json()["detail"]
    with runtime.database.sessions() as session:
        assert session.scalars(sa.select(ConnectState)).all() == []  # consumed all the same


def test_without_the_activity_scope_nothing_is_linked(
    client: TestClient, alice: Headers, link_strava: Link
) -> None:
    response = link_strava(alice, scope="read")

    assert response.status_code == 400
    assert "activities" in response.json()["detail"]
    assert client.get("/strava", headers=alice).json() == {
        "linked": False, "demo_mode": True, "athlete_id": None, "athlete_name": None,
        "backfill": None, "last_sync_at": None, "rate_limited_until": None,
        "sync_paused": None}


def test_an_athlete_linked_to_another_runner_is_a_conflict(
    alice: Headers, bob: Headers, link_strava: Link
) -> None:
    assert link_strava(alice).status_code == 200
    response = link_strava(bob)

    assert response.status_code == 409


def test_unlink_deletes_strava_runs_keeps_file_runs_and_forgets_tokens(
    client: TestClient,
    alice: Headers,
    link_strava: Link,
    run_backfill: Callable[..., int],
    stored_runs: Callable[..., list[Any]],
    runtime: Runtime,
) -> None:
    link_strava(alice)
    run_backfill()
    assert {run["source"] for run in stored_runs()} == {"strava"}

    response = client.delete("/strava", headers=alice)

    assert response.status_code == 204
    assert stored_runs() == []
    with runtime.database.sessions() as session:
        assert session.scalars(sa.select(StravaLink)).all() == []
    assert client.delete("/strava", headers=alice).status_code == 404
    assert client.get("/strava", headers=alice).json()["linked"] is False


def test_strava_endpoints_need_a_runners_token(
    client: TestClient, runner_headers: Callable[..., Headers]
) -> None:
    reader = runner_headers("alice", "runs:read")
    assert client.get("/strava/connect").status_code == 401
    assert client.get("/strava/connect", headers=reader).status_code == 403
    assert client.get("/strava", headers=reader).status_code == 200
    assert client.delete("/strava", headers=reader).status_code == 403
