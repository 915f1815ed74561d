from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from runnerly_kit.testing import TestKeys, bearer

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]
PROBLEM = "application/problem+json"


def _daily_runs(make_run: RunBuilder, count: int, runner_id: str = "alice") -> list[dict[str, Any]]:
    return [
        make_run(f"{runner_id}-{day}", runner_id, started_at=f"2026-01-{day:02d}T06:30:00Z")
        for day in range(1, count + 1)
    ]


def test_a_batch_creates_then_updates_without_duplicates(
    client: TestClient,
    alice: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    outbox_events: Callable[[str], list[dict[str, Any]]],
) -> None:
    batch = [make_run("1"), make_run("2", distance_m=5_000.0)]

    first = post_runs(batch)
    batch[1]["name"] = "Renamed"
    second = post_runs(batch)

    assert (first["created"], first["updated"], first["duplicates"]) == (2, 0, 0)
    assert (second["created"], second["updated"]) == (0, 2)
    items = client.get("/runs", headers=alice).json()["items"]
    assert sorted(item["name"] for item in items) == ["Renamed", "Run 1"]
    # One event per runner per batch, naming its new runs.
    assert outbox_events("run.created") == [
        {"runner_id": "alice", "run_ids": sorted(item["id"] for item in items)}
    ]


def test_a_key_sent_twice_in_one_batch_keeps_its_last_version(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    result = post_runs([make_run("1", name="Old"), make_run("1", name="New")])

    assert (result["created"], result["updated"]) == (1, 0)
    assert [item["name"] for item in client.get("/runs", headers=alice).json()["items"]] == ["New"]


def test_only_a_service_holding_runs_write_may_send_batches(
    client: TestClient,
    runner_headers: Callable[..., Headers],
    keys: TestKeys,
    make_run: RunBuilder,
    count_rows: Callable[[str], int],
) -> None:
    body = {"runs": [make_run()]}
    user_with_scope = runner_headers("alice", "runs:write runs:read")
    service_without_scope = bearer(keys.service_token("reports", "runs:read"))

    as_user = client.post("/runs/batch", json=body, headers=user_with_scope)
    as_other_service = client.post("/runs/batch", json=body, headers=service_without_scope)

    assert as_user.status_code == 403
    assert as_user.headers["content-type"] == PROBLEM
    assert as_other_service.status_code == 403
    assert "runs:write" in as_other_service.json()["detail"]
    assert count_rows("runs") == 0


def test_an_oversized_batch_is_refused_and_stores_nothing(
    client: TestClient, ingest: Headers, make_run: RunBuilder, count_rows: Callable[[str], int]
) -> None:
    runs = [make_run(str(number)) for number in range(1001)]

    response = client.post("/runs/batch", json={"runs": runs}, headers=ingest)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert "at most 1000" in response.json()["detail"]
    assert count_rows("runs") == 0
    assert count_rows("outbox") == 0


def test_one_bad_run_refuses_the_whole_batch(
    client: TestClient, ingest: Headers, make_run: RunBuilder, count_rows: Callable[[str], int]
) -> None:
    bad_runs = [
        make_run("x", started_at="2026-03-01T07:00:00"),  # no offset: ambiguous
        make_run("x", distance_m=-1),
        make_run("x", source="garmin"),
        make_run("9" * 65),
        make_run("x", time_zone="Nowhere/Land"),
        make_run("x", summary_polyline="a" * 100_001),
        make_run("x", streams={"time": [0, 1], "distance": [0.0]}),
        make_run("x", streams={"time": list(range(1001))}),
        make_run("x", streams={"latlng": [[91.0, 0.0]]}),
        make_run("x", streams={"power": [1.0]}),
        make_run("x", splits=[{"distance_m": 1000, "elapsed_time_s": 300, "pace": 5}]),
        make_run("x", colour="red"),
    ]
    for bad in bad_runs:
        response = client.post(
            "/runs/batch", json={"runs": [make_run("good"), bad]}, headers=ingest
        )
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"]
    assert count_rows("runs") == 0


def test_run_detail_carries_streams_and_splits_but_the_list_does_not(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    streams = {
        "time": [0, 10, 20],
        "distance": [0.0, 30.0, 61.0],
        "heartrate": [120, 130, 135],
        "latlng": [[48.85, 2.35], [48.851, 2.351], [48.852, 2.352]],
    }
    splits = [{"distance_m": 1000.0, "elapsed_time_s": 300, "average_hr": 140}]
    post_runs([make_run("1", streams=streams, splits=splits, summary_polyline="abc",
                        time_zone="Europe/Paris", elevation_gain_m=42.5)])

    summary = client.get("/runs", headers=alice).json()["items"][0]
    detail = client.get(f"/runs/{summary['id']}", headers=alice).json()

    assert "streams" not in summary
    assert "summary_polyline" not in summary
    assert summary["elevation_gain_m"] == 42.5
    assert summary["started_at"] in ("2026-03-01T07:00:00Z", "2026-03-01T07:00:00+00:00")
    assert detail["streams"]["latlng"] == streams["latlng"]
    assert detail["streams"]["heartrate"] == [120.0, 130.0, 135.0]
    assert detail["splits"][0]["average_hr"] == 140
    assert detail["summary_polyline"] == "abc"
    assert detail["time_zone"] == "Europe/Paris"


def test_pagination_walks_every_run_once_newest_first(
    client: TestClient, alice: Headers, bob: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    runs = _daily_runs(make_run, 23)
    # Two runs at the same moment (of different lengths, so not one activity twice): the id
    # breaks the tie, and neither is lost.
    runs.append(make_run("alice-twin", started_at="2026-01-10T06:30:00Z", distance_m=5_000.0))
    post_runs([*runs, *_daily_runs(make_run, 5, "bob")])

    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = client.get("/runs", params=params, headers=alice).json()
        seen.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 5
    assert len(seen) == 24
    assert len({item["id"] for item in seen}) == 24
    keys = [(item["started_at"], item["id"]) for item in seen]
    assert keys == sorted(keys, reverse=True)
    assert all(item["external_id"].startswith("alice") for item in seen)


def test_date_filters_bound_the_list(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs(_daily_runs(make_run, 20))

    between = client.get(
        "/runs", params={"after": "2026-01-05", "before": "2026-01-08"}, headers=alice
    ).json()["items"]
    after_moment = client.get(
        "/runs", params={"after": "2026-01-19T07:30:00+01:00"}, headers=alice
    ).json()["items"]

    assert [item["external_id"] for item in between] == ["alice-7", "alice-6", "alice-5"]
    assert [item["external_id"] for item in after_moment] == ["alice-20", "alice-19"]


def test_bad_list_parameters_are_refused(client: TestClient, alice: Headers) -> None:
    for params in (
        {"cursor": "not-a-cursor"},
        {"cursor": "WyJ4IiwxXQ"},  # valid base64 of ["x",1]: not a datetime
        {"limit": 0},
        {"limit": 101},
        {"after": "yesterday"},
        {"after": "2026-02-01", "before": "2026-01-01"},
    ):
        response = client.get("/runs", params=params, headers=alice)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM
    bad_cursor = client.get("/runs", params={"cursor": "%%%"}, headers=alice).json()
    assert "cursor" in bad_cursor["detail"]


def test_another_runners_run_is_not_found(
    client: TestClient, alice: Headers, bob: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs([make_run("1")])
    run_id = client.get("/runs", headers=alice).json()["items"][0]["id"]

    assert client.get(f"/runs/{run_id}", headers=bob).status_code == 404
    assert client.delete(f"/runs/{run_id}", headers=bob).status_code == 404
    assert client.get("/runs/999999", headers=alice).status_code == 404
    assert client.get("/runs/99999999999999", headers=alice).status_code == 422
    assert client.get(f"/runs/{run_id}", headers=alice).status_code == 200


def test_deleting_a_run_emits_run_deleted(
    client: TestClient,
    alice: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    outbox_events: Callable[[str], list[dict[str, Any]]],
) -> None:
    post_runs([make_run("42")])
    run_id = client.get("/runs", headers=alice).json()["items"][0]["id"]

    response = client.delete(f"/runs/{run_id}", headers=alice)

    assert response.status_code == 204
    assert client.get(f"/runs/{run_id}", headers=alice).status_code == 404
    assert outbox_events("run.deleted") == [
        {"runner_id": "alice",
         "runs": [{"run_id": run_id, "source": "strava", "external_id": "42"}]}
    ]
    assert client.delete(f"/runs/{run_id}", headers=alice).status_code == 404


def test_deleting_needs_the_runs_delete_scope(
    client: TestClient,
    runner_headers: Callable[..., Headers],
    make_run: RunBuilder,
    post_runs: PostRuns,
) -> None:
    post_runs([make_run("1")])
    reader = runner_headers("alice", "runs:read")
    run_id = client.get("/runs", headers=reader).json()["items"][0]["id"]

    assert client.delete(f"/runs/{run_id}", headers=reader).status_code == 403
    assert client.get(f"/runs/{run_id}", headers=reader).status_code == 200


def test_a_service_deletes_a_runners_runs_from_one_source(
    client: TestClient,
    alice: Headers,
    ingest: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    outbox_events: Callable[[str], list[dict[str, Any]]],
) -> None:
    post_runs([make_run("1"), make_run("2", distance_m=5_000.0),
               make_run("f1", source="file", distance_m=21_097.0),
               make_run("3", runner_id="bob")])

    response = client.delete(
        "/runs/by-source", params={"runner_id": "alice", "source": "strava"}, headers=ingest
    )
    by_user = client.delete(
        "/runs/by-source", params={"runner_id": "alice", "source": "file"}, headers=alice
    )

    assert response.status_code == 200
    assert response.json() == {"deleted": 2}
    assert by_user.status_code == 403
    remaining = client.get("/runs", headers=alice).json()["items"]
    assert [item["external_id"] for item in remaining] == ["f1"]
    [event] = outbox_events("run.deleted")
    assert event["runner_id"] == "alice"
    assert sorted(run["external_id"] for run in event["runs"]) == ["1", "2"]


def test_the_list_revalidates_with_an_etag(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs([make_run("1")])
    first = client.get("/runs", headers=alice)
    etag = first.headers["etag"]
    run_id = first.json()["items"][0]["id"]
    detail = client.get(f"/runs/{run_id}", headers=alice)

    assert client.get("/runs", headers={**alice, "If-None-Match": etag}).status_code == 304
    assert client.get(
        f"/runs/{run_id}", headers={**alice, "If-None-Match": detail.headers["etag"]}
    ).status_code == 304
    post_runs([make_run("2", started_at="2026-04-01T07:00:00Z")])
    assert client.get("/runs", headers={**alice, "If-None-Match": etag}).status_code == 200


def test_a_service_reads_the_runs_of_the_runner_it_names(
    client: TestClient,
    alice: Headers,
    bob: Headers,
    keys: TestKeys,
    make_run: RunBuilder,
    post_runs: PostRuns,
) -> None:
    post_runs([make_run("1", runner_id="alice"), make_run("2", runner_id="bob")])
    plans = bearer(keys.service_token("plans", "runs:read"))
    alices = client.get("/runs?runner_id=alice", headers=plans).json()["items"]

    one = client.get(f"/runs/{alices[0]['id']}?runner_id=alice", headers=plans)
    as_someone_else = client.get(f"/runs/{alices[0]['id']}?runner_id=bob", headers=plans)
    unnamed = client.get("/runs", headers=plans)
    bob_naming_alice = client.get("/runs?runner_id=alice", headers=bob)

    assert [run["external_id"] for run in alices] == ["1"]
    assert one.status_code == 200
    assert one.json()["external_id"] == "1"
    assert as_someone_else.status_code == 404
    assert unnamed.status_code == 422
    assert bob_naming_alice.status_code == 403
