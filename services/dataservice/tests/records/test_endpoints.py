from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from runnerly_dataservice.profiles.tasks import forget_user
from runnerly_dataservice.runtime import Runtime
from runnerly_kit.messages import UserDeleted
from runnerly_kit.testing import TestKeys, bearer

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]
CountRows = Callable[[str], int]


def steady_streams(pace_s_per_km: float, metres: float, every_s: float = 30.0) -> dict[str, Any]:
    """``time`` and ``distance`` streams of a run at one pace, ending exactly at ``metres``."""
    speed = 1000 / pace_s_per_km
    times = [0.0]
    while (times[-1] + every_s) * speed < metres:
        times.append(times[-1] + every_s)
    times.append(metres / speed)
    return {"time": times, "distance": [time * speed for time in times]}


def records(client: TestClient, headers: Headers, **params: str) -> dict[str, dict[str, Any]]:
    response = client.get("/records", params=params, headers=headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["distance"] for item in items] == [
        key for key in ("1k", "5k", "10k", "half", "marathon")
        if key in {item["distance"] for item in items}
    ]
    return {item["distance"]: item for item in items}


def run_ids(answer: dict[str, Any]) -> dict[str, int]:
    return {outcome["external_id"]: outcome["run_id"] for outcome in answer["results"]}


@pytest.fixture
def three_runs(make_run: RunBuilder, post_runs: PostRuns) -> dict[str, int]:
    """Alice's steady 10.5 km at 5:00/km in March, fast 5.5 km at 4:00/km in April, and a
    half marathon without streams (21.2 km in 1:45:00) in May."""
    return run_ids(post_runs([
        make_run("steady", started_at="2026-03-01T07:00:00Z", distance_m=10_500,
                 elapsed_time_s=3150, streams=steady_streams(300, 10_500)),
        make_run("fast", started_at="2026-04-01T07:00:00Z", distance_m=5500,
                 elapsed_time_s=1320, streams=steady_streams(240, 5500)),
        make_run("half", started_at="2026-05-01T07:00:00Z", distance_m=21_200,
                 elapsed_time_s=6300),
    ]))


def test_records_are_the_fastest_effort_per_distance_shortest_first(
    client: TestClient, alice: Headers, three_runs: dict[str, int]
) -> None:
    found = records(client, alice)

    assert found == {
        "1k": {"distance": "1k", "distance_m": 1000, "elapsed_time_s": 240,
               "run_id": three_runs["fast"], "started_at": "2026-04-01T07:00:00Z"},
        "5k": {"distance": "5k", "distance_m": 5000, "elapsed_time_s": 1200,
               "run_id": three_runs["fast"], "started_at": "2026-04-01T07:00:00Z"},
        "10k": {"distance": "10k", "distance_m": 10000, "elapsed_time_s": 3000,
                "run_id": three_runs["steady"], "started_at": "2026-03-01T07:00:00Z"},
        # No streams: the whole run stands for the half, 6300 s scaled to 21,097.5 m.
        "half": {"distance": "half", "distance_m": 21097.5, "elapsed_time_s": 6270,
                 "run_id": three_runs["half"], "started_at": "2026-05-01T07:00:00Z"},
    }


def test_records_are_set_among_the_runs_started_in_the_range(
    client: TestClient, alice: Headers, three_runs: dict[str, int]
) -> None:
    march = records(client, alice, after="2026-03-01T07:00:00Z", before="2026-04-01T07:00:00Z")
    # A datetime without an offset is UTC, and ``before`` is exclusive.
    spring = records(client, alice, after="2026-03-15", before="2026-05-01T07:00:00")
    since_april = records(client, alice, after="2026-04-01T09:00:00+02:00")
    empty = records(client, alice, before="2026-03-01")

    assert {key: item["run_id"] for key, item in march.items()} == {
        "1k": three_runs["steady"], "5k": three_runs["steady"], "10k": three_runs["steady"]}
    assert march["1k"]["elapsed_time_s"] == 300
    assert {key: item["run_id"] for key, item in spring.items()} == {
        "1k": three_runs["fast"], "5k": three_runs["fast"]}
    assert set(since_april) == {"1k", "5k", "half"}
    assert empty == {}


def test_a_range_that_ends_before_it_starts_is_refused(
    client: TestClient, alice: Headers
) -> None:
    backwards = client.get("/records", params={"after": "2026-05-01", "before": "2026-04-01"},
                           headers=alice)
    not_a_date = client.get("/records", params={"after": "last spring"}, headers=alice)
    out_of_range = client.get("/records", params={"before": "9999-12-31T23:00:00-05:00"},
                              headers=alice)

    for response in (backwards, not_a_date, out_of_range):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_runner_reads_only_their_own_records(
    client: TestClient, alice: Headers, bob: Headers, three_runs: dict[str, int],
    runner_headers: Callable[..., Headers],
) -> None:
    bob_naming_alice = client.get("/records", params={"runner_id": "alice"}, headers=bob)
    without_scope = client.get("/records", headers=runner_headers("alice", "runs:read"))

    assert records(client, bob) == {}
    assert bob_naming_alice.status_code == 403
    assert without_scope.status_code == 403
    assert client.get("/records").status_code == 401


def test_a_service_reads_the_records_of_the_runner_it_names(
    client: TestClient, keys: TestKeys, three_runs: dict[str, int],
    make_run: RunBuilder, post_runs: PostRuns,
) -> None:
    post_runs([make_run("bobs", runner_id="bob", distance_m=1000, elapsed_time_s=200)])
    plans = bearer(keys.service_token("plans", "stats:read"))
    without_scope = bearer(keys.service_token("plans", "runs:read"))

    alices = records(client, plans, runner_id="alice")
    bobs = records(client, plans, runner_id="bob", after="2026-03-01", before="2026-04-01")
    unnamed = client.get("/records", headers=plans)

    assert alices["1k"]["run_id"] == three_runs["fast"]
    assert {key: item["elapsed_time_s"] for key, item in bobs.items()} == {"1k": 200}
    assert unnamed.status_code == 422
    assert client.get("/records", params={"runner_id": "alice"},
                      headers=without_scope).status_code == 403


def test_an_updated_run_replaces_its_efforts(
    client: TestClient, alice: Headers, three_runs: dict[str, int], make_run: RunBuilder,
    post_runs: PostRuns, count_rows: CountRows,
) -> None:
    assert count_rows("best_efforts") == 6  # 3 + 2 + 1
    # The fast run, corrected by its source: it was 5.5 km at 6:00/km, moved to June.
    answer = post_runs([
        make_run("fast", started_at="2026-06-01T07:00:00Z", distance_m=5500,
                 elapsed_time_s=1980, streams=steady_streams(360, 5500)),
    ])

    found = records(client, alice)
    june = records(client, alice, after="2026-06-01")

    assert answer["results"][0] == {"source": "strava", "external_id": "fast",
                                    "status": "updated", "run_id": three_runs["fast"]}
    assert count_rows("best_efforts") == 6
    assert (found["1k"]["run_id"], found["1k"]["elapsed_time_s"]) == (three_runs["steady"], 300)
    assert (found["5k"]["run_id"], found["5k"]["elapsed_time_s"]) == (three_runs["steady"], 1500)
    assert {key: (item["elapsed_time_s"], item["started_at"]) for key, item in june.items()} == {
        "1k": (360, "2026-06-01T07:00:00Z"), "5k": (1800, "2026-06-01T07:00:00Z")}


def test_a_run_that_stops_being_a_run_loses_its_efforts(
    client: TestClient, alice: Headers, three_runs: dict[str, int], make_run: RunBuilder,
    post_runs: PostRuns,
) -> None:
    post_runs([make_run("fast", sport_type="Ride", started_at="2026-04-01T07:00:00Z",
                        distance_m=5500, elapsed_time_s=1320,
                        streams=steady_streams(240, 5500))])

    assert records(client, alice)["1k"]["run_id"] == three_runs["steady"]


def test_a_duplicate_sets_no_record(
    client: TestClient, alice: Headers, three_runs: dict[str, int], make_run: RunBuilder,
    post_runs: PostRuns, count_rows: CountRows,
) -> None:
    # The fast run again, from a file: the same activity, not stored, and not a record
    # (even though its streams, a bad recording, are faster).
    answer = post_runs([make_run("fast.gpx", source="file", started_at="2026-04-01T07:00:20Z",
                                 distance_m=5500, elapsed_time_s=1100,
                                 streams=steady_streams(200, 5500))])

    assert answer["results"][0]["status"] == "duplicate"
    assert count_rows("best_efforts") == 6
    assert records(client, alice)["1k"]["elapsed_time_s"] == 240


def test_a_deleted_run_takes_its_efforts_along(
    client: TestClient, alice: Headers, three_runs: dict[str, int], count_rows: CountRows
) -> None:
    response = client.delete(f"/runs/{three_runs['fast']}", headers=alice)

    found = records(client, alice)

    assert response.status_code == 204
    assert count_rows("best_efforts") == 4
    assert {key: item["run_id"] for key, item in found.items()} == {
        "1k": three_runs["steady"], "5k": three_runs["steady"], "10k": three_runs["steady"],
        "half": three_runs["half"]}


def test_runs_deleted_by_the_ingest_service_take_their_efforts_along(
    client: TestClient, alice: Headers, ingest: Headers, three_runs: dict[str, int],
    make_run: RunBuilder, post_runs: PostRuns, count_rows: CountRows,
) -> None:
    post_runs([make_run("upload", source="file", started_at="2026-07-01T07:00:00Z",
                        distance_m=1010, elapsed_time_s=303)])
    assert count_rows("best_efforts") == 7

    by_id = client.delete("/runs/by-source", headers=ingest, params={
        "runner_id": "alice", "source": "strava", "external_id": ["fast", "half"]})
    assert by_id.status_code == 200, by_id.text
    assert set(records(client, alice)) == {"1k", "5k", "10k"}
    assert count_rows("best_efforts") == 4

    by_source = client.delete("/runs/by-source", headers=ingest,
                              params={"runner_id": "alice", "source": "strava"})
    assert by_source.status_code == 200, by_source.text
    assert records(client, alice) == {
        "1k": {"distance": "1k", "distance_m": 1000, "elapsed_time_s": 300,
               "run_id": run_id_of(client, alice, "upload"),
               "started_at": "2026-07-01T07:00:00Z"}}
    assert count_rows("best_efforts") == 1


def run_id_of(client: TestClient, headers: Headers, external_id: str) -> int:
    """The id of the runner's run ``external_id``, as the runs list shows it."""
    items = client.get("/runs", headers=headers).json()["items"]
    return next(int(item["id"]) for item in items if item["external_id"] == external_id)


def test_a_forgotten_runner_leaves_no_efforts(
    client: TestClient, alice: Headers, runtime: Runtime, three_runs: dict[str, int],
    make_run: RunBuilder, post_runs: PostRuns, count_rows: CountRows,
) -> None:
    post_runs([make_run("bobs", runner_id="bob", distance_m=1000, elapsed_time_s=200)])

    forget_user(runtime, UserDeleted(user_id="alice", email="alice@example.com"))

    assert records(client, alice) == {}
    assert count_rows("best_efforts") == 1


def test_streams_arriving_for_a_known_run_set_its_efforts_from_them(
    client: TestClient, alice: Headers, three_runs: dict[str, int], make_run: RunBuilder,
    post_runs: PostRuns,
) -> None:
    # The half, first known by its summary only, gets its streams: a fast first 5 km
    # (3:50/km), then 5:30/km. Its efforts come from them, so its 1 km is never slower
    # than its 5 km's pace.
    fast = steady_streams(230, 5000)
    slow = steady_streams(330, 16_200)
    streams = {
        "time": fast["time"] + [1150 + t for t in slow["time"][1:]],
        "distance": fast["distance"] + [5000 + d for d in slow["distance"][1:]],
    }
    post_runs([make_run("half", started_at="2026-05-01T07:00:00Z", distance_m=21_200,
                        elapsed_time_s=6300, streams=streams)])

    found = records(client, alice)

    assert (found["5k"]["run_id"], found["5k"]["elapsed_time_s"]) == (three_runs["half"], 1150)
    assert found["1k"]["elapsed_time_s"] <= found["5k"]["elapsed_time_s"] / 5


def test_a_summary_sent_again_without_streams_keeps_the_streams_and_their_efforts(
    client: TestClient, alice: Headers, three_runs: dict[str, int], make_run: RunBuilder,
    post_runs: PostRuns,
) -> None:
    # A source re-sends what it lists (a reconciliation, a changed title) without the
    # streams it fetched on its own: the run keeps them, and the efforts found in them.
    before = client.get(f"/runs/{three_runs['fast']}", headers=alice).json()
    post_runs([make_run("fast", name="Renamed", started_at="2026-04-01T07:00:00Z",
                        distance_m=5500, elapsed_time_s=1320)])

    after = client.get(f"/runs/{three_runs['fast']}", headers=alice).json()
    found = records(client, alice)

    assert after["name"] == "Renamed"
    assert after["streams"] == before["streams"] is not None
    assert (found["1k"]["run_id"], found["1k"]["elapsed_time_s"]) == (three_runs["fast"], 240)
    assert (found["5k"]["run_id"], found["5k"]["elapsed_time_s"]) == (three_runs["fast"], 1200)
