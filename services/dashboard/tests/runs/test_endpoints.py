from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_list_runs_forwards_the_query(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    fake.add_run(me.account, 1, started_at="2026-03-01T07:00:00Z")
    fake.add_run(me.account, 2, started_at="2026-03-02T07:00:00Z")
    response = client.get("/api/runs", params={"limit": 1, "cursor": "abc",
                                               "after": "2026-01-01T00:00:00Z"})
    assert response.status_code == 200
    assert [run["id"] for run in response.json()["items"]] == [2]
    [sent] = fake.sent("dataservice", "GET", "/runs")
    assert sent.url.params["limit"] == "1"
    assert sent.url.params["cursor"] == "abc"
    assert sent.url.params["after"].startswith("2026-01-01T00:00:00")
    assert "before" not in sent.url.params


def test_list_runs_forwards_its_sort_filters_and_search(
    client: TestClient, fake: Any, login: Any
) -> None:
    login()
    wanted = {"sort": "pace", "order": "asc", "year": "2025", "month": "12", "q": "100%_été"}
    assert client.get("/api/runs", params=wanted).status_code == 200
    [sent] = fake.sent("dataservice", "GET", "/runs")
    assert {name: sent.url.params[name] for name in wanted} == wanted


def test_list_runs_refuses_bad_queries_without_calling_dataservice(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    login()
    for params in ({"limit": 0}, {"limit": 1000}, {"after": "yesterday"},
                   {"cursor": "c" * 500}, {"colour": "red"}, {"sort": "name"},
                   {"order": "up"}, {"month": 3}, {"year": 2026, "month": 0},
                   {"year": 99_999}, {"q": ""}, {"q": "x" * 101}):
        assert_problem(client.get("/api/runs", params=params), 422)
    assert fake.sent("dataservice", "GET", "/runs") == []


def test_if_none_match_is_passed_through_and_304_relayed(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    fake.add_run(me.account, 1)
    first = client.get("/api/runs")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    again = client.get("/api/runs", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    assert again.content == b""
    assert fake.sent("dataservice", "GET", "/runs")[-1].headers["if-none-match"] == etag
    fake.add_run(me.account, 2)
    changed = client.get("/api/runs", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_run_detail_and_its_etag(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    fake.add_run(me.account, 7, splits=[{"distance_m": 1000.0, "elapsed_time_s": 300}])
    response = client.get("/api/runs/7")
    assert response.status_code == 200
    (split,) = response.json()["splits"]
    assert (split["distance_m"], split["elapsed_time_s"]) == (1000.0, 300)
    assert client.get("/api/runs/7",
                      headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_another_runners_run_is_the_peers_404(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    login()
    fake.add_run(fake.add_account("bob@example.com"), 9)
    problem = assert_problem(client.get("/api/runs/9"), 404)
    assert problem["detail"] == "No such run."


def test_delete_run(client: TestClient, fake: Any, login: Any, assert_problem: Any) -> None:
    me = login()
    fake.add_run(me.account, 3)
    assert_problem(client.delete("/api/runs/3"), 403)  # no CSRF token
    assert 3 in fake.runs
    assert client.delete("/api/runs/3", headers=me.csrf).status_code == 204
    assert 3 not in fake.runs
    assert_problem(client.delete("/api/runs/3", headers=me.csrf), 404)


def test_run_id_must_be_a_positive_number(
    client: TestClient, login: Any, assert_problem: Any
) -> None:
    login()
    assert_problem(client.get("/api/runs/abc"), 422)
    assert_problem(client.get("/api/runs/0"), 422)


def test_a_strava_run_without_streams_is_fetched_at_once_and_said_to_be_on_its_way(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    fake.add_run(me.account, 7, source="strava", external_id="9001")
    fake.pending_streams.add((me.account.id, 9001))

    response = client.get("/api/runs/7")

    assert response.status_code == 200
    assert response.json()["streams_pending"] is True
    [asked] = fake.sent("ingest", "POST", "/strava/streams/9001")
    # With the runner's own token: ingest hurries only that runner's own runs.
    token = asked.headers["authorization"].removeprefix("Bearer ")
    assert fake.verifier.verify(token).sub == me.account.id
    # Not kept by the browser: the next read is a whole one, until the streams are in.
    assert "etag" not in response.headers


def test_a_run_with_streams_or_from_a_file_asks_ingest_nothing(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    fake.add_run(me.account, 7, source="strava", external_id="9001",
                 streams={"time": [0, 1], "distance": [0, 3]})
    fake.add_run(me.account, 8, source="file", external_id="ab" * 32)
    fake.add_run(me.account, 9, source="strava", external_id="9002")  # none at Strava

    answers = [client.get(f"/api/runs/{run_id}").json() for run_id in (7, 8, 9)]

    assert [answer["streams_pending"] for answer in answers] == [False, False, False]
    assert [r.url.path for r in fake.requests if r.url.port == 8004] == [
        "/strava/streams/9002"]


def test_a_run_shows_without_its_streams_when_ingest_is_down(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    fake.add_run(me.account, 7, source="strava", external_id="9001")
    fake.down.add("ingest")

    response = client.get("/api/runs/7")

    assert response.status_code == 200
    assert response.json()["streams_pending"] is False
