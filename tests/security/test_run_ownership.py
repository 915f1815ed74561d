"""A run belongs for good to the runner who brought it, on the real processes: two runners who
upload the same real activity file (friends share files) each get a run of their own, and
neither upload moves, changes or names the other's run. The same holds for one Strava
activity id written for two runners through the ingest service's batch upsert."""

from __future__ import annotations

import re
import uuid
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ..system import System, import_files

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

FILES = Path(__file__).resolve().parents[2] / "services/ingest/tests/files/data"
# A 9 km run with heart rate, recorded by a watch: it sets 1k and 5k records.
SHARED_FILE = "activity-small-fenix2-run.fit"
PASSWORD = "correct horse battery staple"
_CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")


def _text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")


def _runner(system: System) -> tuple[str, dict[str, str]]:
    """A new confirmed runner: their id and the headers of their token."""
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    signup = system.http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 202, signup.text
    link = _CONFIRM_LINK.search(_text_of(system.wait_for_mail(email)))
    assert link is not None
    confirmed = system.http.post("/api/auth/confirm", json={"token": link.group(1)})
    assert confirmed.status_code == 200, confirmed.text
    login = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    system.http.cookies.clear()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = system.http.get("/api/me", headers=headers)
    assert me.status_code == 200, me.text
    return str(me.json()["account"]["id"]), headers


def _upload(system: System, headers: dict[str, str], name: str) -> dict[str, Any]:
    data = (FILES / name).read_bytes()
    [outcome] = import_files(system.http, [("files", (name, data, "application/octet-stream"))],
                             headers=headers)
    result: dict[str, Any] = outcome
    return result


def _get(system: System, headers: dict[str, str], path: str) -> Any:
    response = system.http.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _run_ids(system: System, headers: dict[str, str]) -> list[int]:
    return [run["id"] for run in _get(system, headers, "/api/runs?limit=100")["items"]]


def _events_of(system: System, runner_id: str) -> list[tuple[str, list[int]]]:
    """The run events the dataservice wrote for the runner: ``(name, run ids)``."""
    engine = system.database("dataservice")
    outbox = sa.table("outbox", sa.column("id"), sa.column("name"),
                      sa.column("payload", sa.JSON))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(outbox.c.name, outbox.c.payload)
                .where(outbox.c.name.in_(["run.created", "run.deleted"]))
                .order_by(outbox.c.id)
            ).all()
    finally:
        engine.dispose()
    return [
        (name, payload.get("run_ids") or [run["run_id"] for run in payload.get("runs", [])])
        for name, payload in rows
        if payload["runner_id"] == runner_id
    ]


def test_two_runners_uploading_the_same_file_each_keep_a_run_of_their_own(
    system: System,
) -> None:
    alice_id, alice = _runner(system)
    bob_id, bob = _runner(system)
    alices = _upload(system, alice, SHARED_FILE)
    assert alices["status"] == "imported", alices
    alice_run = _get(system, alice, f"/api/runs/{alices['run_id']}")
    alice_records = _get(system, alice, "/api/records")
    assert {record["run_id"] for record in alice_records["items"]} == {alices["run_id"]}

    bobs = _upload(system, bob, SHARED_FILE)
    bobs_again = _upload(system, bob, SHARED_FILE)

    assert bobs["status"] == "imported", bobs
    assert bobs["run_id"] != alices["run_id"]
    assert (bobs_again["status"], bobs_again["run_id"]) == ("duplicate", bobs["run_id"])
    assert _run_ids(system, alice) == [alices["run_id"]]
    assert _run_ids(system, bob) == [bobs["run_id"]]
    assert _get(system, alice, f"/api/runs/{alices['run_id']}") == alice_run
    assert _get(system, alice, "/api/records") == alice_records
    assert system.http.get(f"/api/runs/{alices['run_id']}", headers=bob).status_code == 404
    assert {record["run_id"] for record in _get(system, bob, "/api/records")["items"]} == {
        bobs["run_id"]
    }
    # Alice's plan, reports and the rest hear nothing about her run; Bob's hear of his.
    assert _events_of(system, alice_id) == [("run.created", [alices["run_id"]])]
    assert _events_of(system, bob_id) == [("run.created", [bobs["run_id"]])]


def test_one_strava_activity_id_for_two_runners_is_two_runs(system: System) -> None:
    alice_id, alice = _runner(system)
    bob_id, bob = _runner(system)
    activity_id = str(uuid.uuid4().int % 10**12)

    def strava_run(runner_id: str, name: str) -> dict[str, Any]:
        return {
            "runner_id": runner_id, "source": "strava", "external_id": activity_id,
            "name": name, "started_at": "2026-09-06T07:00:00Z", "distance_m": 10_000.0,
            "moving_time_s": 3000, "elapsed_time_s": 3100,
        }

    assert system.store_runs([strava_run(alice_id, "Alice's run")])["created"] == 1
    [alice_run_id] = _run_ids(system, alice)
    alice_run = _get(system, alice, f"/api/runs/{alice_run_id}")

    # Bob's, the same id and the same start and distance: a run of his own, not a
    # duplicate of hers, and sent again it updates only his.
    assert system.store_runs([strava_run(bob_id, "Bob's run")])["created"] == 1
    assert system.store_runs([strava_run(bob_id, "Bob's run, renamed")])["updated"] == 1

    [bob_run_id] = _run_ids(system, bob)
    assert bob_run_id != alice_run_id
    assert _run_ids(system, alice) == [alice_run_id]
    assert _get(system, alice, f"/api/runs/{alice_run_id}") == alice_run
    assert _get(system, bob, f"/api/runs/{bob_run_id}")["name"] == "Bob's run, renamed"
    assert _events_of(system, alice_id) == [("run.created", [alice_run_id])]
