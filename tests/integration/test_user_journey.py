"""A new runner's journey through the public API, on the real processes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from .conftest import CONFIRM_LINK, System, text_of, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
PASSWORD = "correct horse battery staple"


def sign_up(system: System) -> tuple[str, dict[str, Any]]:
    """Sign up, confirm through the mailed link, log in: returns the email and tokens."""
    email = f"runner-{uuid.uuid4().hex[:10]}@example.com"
    response = system.http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 202, response.text

    mail = system.wait_for_mail(email)
    match = CONFIRM_LINK.search(text_of(mail))
    assert match, text_of(mail)
    assert text_of(mail).startswith(system.url) or system.url in text_of(mail)
    confirmed = system.http.post("/api/auth/confirm", json={"token": match.group(1)})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed"] is True

    login = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return email, login.json()


def auth(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def ingest_token(system: System) -> str:
    """The ingest service's own token (client_credentials), as ingest itself gets it."""
    import json

    secret = json.loads((system.data_dir / "secrets.json").read_text())["ingest"]
    tokendealer = system.url.rsplit(":", 1)[0] + f":{int(system.url.rsplit(':', 1)[1]) + 1}"
    response = httpx.post(
        f"{tokendealer}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "runs:write"},
        auth=("ingest", secret),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def dataservice_url(system: System) -> str:
    host, port = system.url.rsplit(":", 1)
    return f"{host}:{int(port) + 2}"


def some_runs(runner_id: str, count: int, source: str = "strava") -> list[dict[str, Any]]:
    start = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    return [
        {
            "runner_id": runner_id,
            "source": source,
            "external_id": f"{runner_id}-{i}",
            "name": f"Morning run {i}",
            "sport_type": "Run",
            "started_at": (start + timedelta(days=i % 60, minutes=i)).isoformat(),
            "distance_m": 5000.0 + i,
            "moving_time_s": 1500 + i,
            "elapsed_time_s": 1600 + i,
            "elevation_gain_m": 20.0,
        }
        for i in range(count)
    ]


def test_a_new_runner_journey(system: System) -> None:
    email, tokens = sign_up(system)
    me = system.http.get("/api/me", headers=auth(tokens))
    assert me.status_code == 200, me.text
    runner_id = me.json()["account"]["id"]
    assert me.json()["account"]["email"] == email

    patched = system.http.patch(
        "/api/me", headers=auth(tokens), json={"display_name": "Ada", "time_zone": "Europe/Paris"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["profile"]["display_name"] == "Ada"

    # Runs arrive through the dataservice's idempotent upsert (as ingest will send them).
    batch = httpx.post(
        f"{dataservice_url(system)}/runs/batch",
        headers={"Authorization": f"Bearer {ingest_token(system)}"},
        json={"runs": some_runs(runner_id, 25)},
    )
    assert batch.status_code == 200, batch.text
    assert (batch.json()["created"], batch.json()["updated"]) == (25, 0)

    first = system.http.get("/api/runs", headers=auth(tokens), params={"limit": 10})
    assert first.status_code == 200, first.text
    page = first.json()
    assert len(page["items"]) == 10 and page["next_cursor"]
    seen = [run["id"] for run in page["items"]]
    while page["next_cursor"]:
        page = system.http.get(
            "/api/runs", headers=auth(tokens), params={"limit": 10, "cursor": page["next_cursor"]}
        ).json()
        seen += [run["id"] for run in page["items"]]
    assert len(seen) == len(set(seen)) == 25

    stats = system.http.get("/api/stats", headers=auth(tokens), params={"period": "year"})
    assert stats.status_code == 200, stats.text
    assert sum(b["runs"] for b in stats.json()["buckets"]) == 25

    # Races: one runner adds a race, another sees it and enters it.
    race_day = (date.today() + timedelta(days=60)).isoformat()
    created = system.http.post(
        "/api/races",
        headers=auth(tokens),
        json={
            "name": "Lyon Urban Trail",
            "date": race_day,
            "distance_m": 21097.5,
            "location": "Lyon",
        },
    )
    assert created.status_code == 201, created.text
    race_id = created.json()["id"]

    _, other = sign_up(system)
    races = system.http.get("/api/races", headers=auth(other))
    assert race_id in [race["id"] for race in races.json()["items"]]
    entered = system.http.put(f"/api/races/{race_id}/entry", headers=auth(other))
    assert entered.status_code == 200, entered.text
    assert entered.json()["entrants"] == 1 and entered.json()["entered"] is True

    # Another runner cannot see this runner's runs.
    assert system.http.get(f"/api/runs/{seen[0]}", headers=auth(other)).status_code == 404

    # Deleting the account makes every service forget the runner.
    deleted = system.http.delete("/api/me", headers=auth(tokens))
    assert deleted.status_code == 204, deleted.text
    relogin = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert relogin.status_code == 401
    runs = system.database("dataservice")
    wait_until(lambda: _count_runs(runs, runner_id) == 0, 30, "the runner's runs to be deleted")
    runs.dispose()


def _count_runs(engine: sa.Engine, runner_id: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT count(*) FROM runs WHERE runner_id = :r"), {"r": runner_id}
            ).scalar_one()
        )


def test_health_reports_every_service(system: System) -> None:
    response = system.http.get("/api/health")

    assert response.status_code == 200
    assert set(response.json()["services"]) == {
        "dashboard", "tokendealer", "dataservice", "mailer", "ingest", "plans", "reports"
    }


def test_bad_input_is_a_clear_problem_not_a_500(system: System) -> None:
    response = system.http.post(
        "/api/auth/signup", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
