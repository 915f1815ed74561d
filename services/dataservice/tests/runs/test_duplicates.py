"""The same activity arriving twice (a re-upload, or from a file and from Strava) is stored
once: runs of one runner that started within 60 s of each other and whose distances differ
by at most 2 % are one activity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]


def _outcomes(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["external_id"], item["status"]) for item in result["results"]]


def test_a_file_of_a_run_already_synced_from_strava_is_a_duplicate(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    strava = post_runs([make_run("111", started_at="2026-03-01T07:00:00Z", distance_m=10_000)])
    run_id = strava["results"][0]["run_id"]
    file = make_run("sha-a", source="file", started_at="2026-03-01T07:00:45Z",
                    distance_m=10_150)

    result = post_runs([file])

    assert (result["created"], result["updated"], result["duplicates"]) == (0, 0, 1)
    assert result["results"] == [
        {"source": "file", "external_id": "sha-a", "status": "duplicate", "run_id": run_id}
    ]
    assert [item["id"] for item in client.get("/runs", headers=alice).json()["items"]] == [run_id]


def test_strava_after_a_file_is_a_duplicate_and_a_resend_stays_one(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    file = post_runs([make_run("sha-b", source="file")])
    again = post_runs([make_run("sha-b", source="file")])
    strava = post_runs([make_run("222", started_at="2026-03-01T06:59:10Z", distance_m=9_850)])

    assert _outcomes(file) == [("sha-b", "created")]
    assert _outcomes(again) == [("sha-b", "updated")]
    assert _outcomes(strava) == [("222", "duplicate")]
    assert strava["results"][0]["run_id"] == file["results"][0]["run_id"]
    assert len(client.get("/runs", headers=alice).json()["items"]) == 1


def test_runs_outside_the_tolerances_are_distinct(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs([make_run("1", started_at="2026-03-01T07:00:00Z", distance_m=10_000)])
    later = make_run("f1", source="file", started_at="2026-03-01T07:01:01Z", distance_m=10_000)
    longer = make_run("f2", source="file", started_at="2026-03-01T07:00:10Z", distance_m=10_300)
    other_runner = make_run("f3", "bob", source="file", started_at="2026-03-01T07:00:00Z")

    result = post_runs([later, longer, other_runner])

    assert result["created"] == 3
    assert result["duplicates"] == 0


def test_two_copies_in_one_batch_are_stored_once(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    plain = make_run("sha-plain", source="file")
    gzipped = make_run("sha-gzip", source="file", started_at="2026-03-01T07:00:01Z")

    result = post_runs([plain, gzipped])

    assert _outcomes(result) == [("sha-plain", "created"), ("sha-gzip", "duplicate")]
    assert result["results"][1]["run_id"] == result["results"][0]["run_id"]
    assert len(client.get("/runs", headers=alice).json()["items"]) == 1


def test_updates_of_known_runs_are_never_duplicates(
    make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs([make_run("1"), make_run("2", started_at="2026-03-02T07:00:00Z")])
    # Moved onto run 1's start: still an update of its own key.
    moved = post_runs([make_run("2", started_at="2026-03-01T07:00:05Z")])

    assert _outcomes(moved) == [("2", "updated")]


def test_a_service_deletes_runs_by_external_id(
    client: TestClient,
    alice: Headers,
    ingest: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    outbox_events: Callable[[str], list[dict[str, Any]]],
) -> None:
    post_runs([make_run(str(day), started_at=f"2026-03-{day:02d}T07:00:00Z")
               for day in range(1, 4)])

    response = client.delete(
        "/runs/by-source",
        params=[("runner_id", "alice"), ("source", "strava"), ("external_id", "1"),
                ("external_id", "3"), ("external_id", "404")],
        headers=ingest,
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"deleted": 2}
    remaining = client.get("/runs", headers=alice).json()["items"]
    assert [item["external_id"] for item in remaining] == ["2"]
    [event] = outbox_events("run.deleted")
    assert sorted(run["external_id"] for run in event["runs"]) == ["1", "3"]
