"""A run belongs for good to the runner it was written for. Its key ``(source,
external_id)`` is unique within one runner only: two friends' copies of one GPX file (a file's
key is its content hash), or one activity id sent for two runners, are two runs. No write
moves a run to another runner, touches another runner's run or its best efforts, or names
another runner's run in its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_dataservice.models import Run
from runnerly_kit.db import Database

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]
Events = Callable[[str], list[dict[str, Any]]]
SOURCES = ("strava", "file", "manual")


def _steady_streams(pace_s_per_km: float, metres: float) -> dict[str, list[float]]:
    """``time`` and ``distance`` every 30 s of a run at one pace, ending at ``metres``."""
    speed = 1000 / pace_s_per_km
    times = [float(t) for t in range(0, int(metres / speed), 30)] + [metres / speed]
    return {"time": times, "distance": [t * speed for t in times]}


def _shared_run(make_run: RunBuilder, runner_id: str, source: str, **fields: Any) -> dict[str, Any]:
    """The one activity both runners send: 10.5 km at 5:00/km, with streams (it sets
    records), under the same key."""
    return make_run(
        "shared-key", runner_id, source=source, started_at="2026-03-01T07:00:00Z",
        distance_m=10_500, elapsed_time_s=3150, streams=_steady_streams(300, 10_500),
        **fields,
    )


def _only_outcome(answer: dict[str, Any]) -> tuple[str, int]:
    [outcome] = answer["results"]
    return outcome["status"], outcome["run_id"]


def _run_ids(client: TestClient, headers: Headers) -> list[int]:
    return [item["id"] for item in client.get("/runs", headers=headers).json()["items"]]


def _records(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    response = client.get("/records", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _owners(database: Database) -> dict[int, str]:
    with database.sessions() as session:
        return {row[0]: row[1] for row in session.execute(sa.select(Run.id, Run.runner_id))}


@pytest.fixture
def alices_run(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns, source: str
) -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    """Alice's copy of the shared activity, stored first: its id, detail and her records."""
    status, run_id = _only_outcome(post_runs([_shared_run(make_run, "alice", source)]))
    assert status == "created"
    detail = client.get(f"/runs/{run_id}", headers=alice).json()
    records = _records(client, alice)
    assert {item["run_id"] for item in records} == {run_id}
    return run_id, detail, records


@pytest.mark.parametrize("source", SOURCES)
def test_the_same_key_from_another_runner_is_a_run_of_their_own(
    client: TestClient, alice: Headers, bob: Headers, database: Database,
    make_run: RunBuilder, post_runs: PostRuns, outbox_events: Events, source: str,
    alices_run: tuple[int, dict[str, Any], list[dict[str, Any]]],
) -> None:
    alice_id, alice_detail, alice_records = alices_run

    # The same activity, the same start and distance: a duplicate only within one runner.
    status, bob_id = _only_outcome(
        post_runs([_shared_run(make_run, "bob", source, name="Bob's copy")])
    )

    assert status == "created"
    assert bob_id != alice_id
    assert client.get(f"/runs/{alice_id}", headers=alice).json() == alice_detail
    assert _records(client, alice) == alice_records
    assert _run_ids(client, alice) == [alice_id]
    assert _run_ids(client, bob) == [bob_id]
    assert client.get(f"/runs/{alice_id}", headers=bob).status_code == 404
    assert client.get(f"/runs/{bob_id}", headers=bob).json()["name"] == "Bob's copy"
    assert {item["run_id"] for item in _records(client, bob)} == {bob_id}
    assert _owners(database) == {alice_id: "alice", bob_id: "bob"}
    assert outbox_events("run.created") == [
        {"runner_id": "alice", "run_ids": [alice_id]},
        {"runner_id": "bob", "run_ids": [bob_id]},
    ]
    assert outbox_events("run.deleted") == []


@pytest.mark.parametrize("source", SOURCES)
def test_a_resent_key_updates_only_the_senders_own_run(
    client: TestClient, alice: Headers, bob: Headers, database: Database,
    make_run: RunBuilder, post_runs: PostRuns, source: str,
    alices_run: tuple[int, dict[str, Any], list[dict[str, Any]]],
) -> None:
    alice_id, alice_detail, alice_records = alices_run
    _, bob_id = _only_outcome(post_runs([_shared_run(make_run, "bob", source)]))
    bob_detail = client.get(f"/runs/{bob_id}", headers=bob).json()

    # Bob's copy again, corrected (a ride now, no records): his run changes, hers does not.
    bobs_again = post_runs([_shared_run(make_run, "bob", source, name="Bob's ride",
                                        sport_type="Ride")])
    alice_after_bob = client.get(f"/runs/{alice_id}", headers=alice).json()
    alice_records_after_bob = _records(client, alice)
    # And hers again: his stays as he left it.
    alices_again = post_runs([_shared_run(make_run, "alice", source, name="Alice's run")])

    assert _only_outcome(bobs_again) == ("updated", bob_id)
    assert alice_after_bob == alice_detail
    assert alice_records_after_bob == alice_records
    assert _records(client, bob) == []
    assert _only_outcome(alices_again) == ("updated", alice_id)
    assert client.get(f"/runs/{alice_id}", headers=alice).json()["name"] == "Alice's run"
    bob_now = client.get(f"/runs/{bob_id}", headers=bob).json()
    assert (bob_now["name"], bob_now["sport_type"]) == ("Bob's ride", "Ride")
    assert bob_now["created_at"] == bob_detail["created_at"]
    assert _owners(database) == {alice_id: "alice", bob_id: "bob"}


@pytest.mark.parametrize("source", SOURCES)
def test_one_batch_with_the_same_key_for_two_runners_stores_two_runs(
    client: TestClient, alice: Headers, bob: Headers, database: Database,
    make_run: RunBuilder, post_runs: PostRuns, source: str,
) -> None:
    answer = post_runs([_shared_run(make_run, "alice", source),
                        _shared_run(make_run, "bob", source)])

    statuses = [(item["status"], item["run_id"]) for item in answer["results"]]
    assert (answer["created"], answer["updated"], answer["duplicates"]) == (2, 0, 0)
    assert [status for status, _ in statuses] == ["created", "created"]
    alice_id, bob_id = (run_id for _, run_id in statuses)
    assert _run_ids(client, alice) == [alice_id]
    assert _run_ids(client, bob) == [bob_id]
    assert _owners(database) == {alice_id: "alice", bob_id: "bob"}


@pytest.mark.parametrize("source", ["file"])
def test_a_duplicate_names_only_the_senders_own_run(
    client: TestClient, alice: Headers, bob: Headers, make_run: RunBuilder,
    post_runs: PostRuns, source: str,
    alices_run: tuple[int, dict[str, Any], list[dict[str, Any]]],
) -> None:
    alice_id = alices_run[0]
    # Bob has the activity from Strava; then he uploads Alice's file of it.
    _, bob_strava_id = _only_outcome(post_runs([
        make_run("9001", "bob", started_at="2026-03-01T07:00:20Z", distance_m=10_450)
    ]))

    status, named = _only_outcome(post_runs([_shared_run(make_run, "bob", source)]))

    assert (status, named) == ("duplicate", bob_strava_id)
    assert named != alice_id
    assert _run_ids(client, bob) == [bob_strava_id]
    assert _run_ids(client, alice) == [alice_id]


@pytest.mark.parametrize("source", SOURCES)
def test_deleting_ones_copy_leaves_the_other_runners(
    client: TestClient, alice: Headers, bob: Headers, ingest: Headers,
    make_run: RunBuilder, post_runs: PostRuns, outbox_events: Events, source: str,
    alices_run: tuple[int, dict[str, Any], list[dict[str, Any]]],
) -> None:
    alice_id, alice_detail, alice_records = alices_run

    def bobs_copy() -> int:
        status, run_id = _only_outcome(post_runs([_shared_run(make_run, "bob", source)]))
        assert (status, run_id != alice_id) == ("created", True)
        return int(run_id)

    # Every way Bob's copy goes: by external id, by source, by id.
    bob_ids = [bobs_copy()]
    by_external_id = client.delete("/runs/by-source", headers=ingest, params={
        "runner_id": "bob", "source": source, "external_id": "shared-key"})
    bob_ids.append(bobs_copy())
    by_source = client.delete("/runs/by-source", headers=ingest,
                              params={"runner_id": "bob", "source": source})
    bob_ids.append(bobs_copy())
    by_id = client.delete(f"/runs/{bob_ids[2]}", headers=bob)

    assert by_external_id.json() == {"deleted": 1}
    assert by_source.json() == {"deleted": 1}
    assert by_id.status_code == 204
    assert client.get(f"/runs/{alice_id}", headers=alice).json() == alice_detail
    assert _records(client, alice) == alice_records
    assert _run_ids(client, bob) == []
    assert [
        (event["runner_id"], [run["run_id"] for run in event["runs"]])
        for event in outbox_events("run.deleted")
    ] == [("bob", [bob_ids[0]]), ("bob", [bob_ids[1]]), ("bob", [bob_ids[2]])]
