from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_stats_forwards_the_period(client: TestClient, fake: Any, login: Any) -> None:
    login()
    response = client.get("/api/stats", params={"period": "month"})
    assert response.status_code == 200
    assert response.json()["period"] == "month"
    assert response.json()["buckets"][0]["distance_m"] == 10000.0
    [sent] = fake.sent("dataservice", "GET", "/stats")
    assert sent.url.params["period"] == "month"
    again = client.get("/api/stats", params={"period": "month"},
                       headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_stats_refuses_an_unknown_period(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    login()
    assert_problem(client.get("/api/stats", params={"period": "decade"}), 422)
    assert fake.sent("dataservice", "GET", "/stats") == []


FIVE_K = {"distance": "5k", "distance_m": 5000.0, "elapsed_time_s": 1200, "run_id": 7,
          "started_at": "2026-04-01T07:00:00Z"}


def test_records_relays_the_runners_best_efforts(
    client: TestClient, fake: Any, login: Any
) -> None:
    logged_in = login()
    fake.records[logged_in.account.id] = [FIVE_K]

    response = client.get("/api/records")
    again = client.get("/api/records", headers={"If-None-Match": response.headers["etag"]})

    assert response.status_code == 200
    assert response.json() == {"items": [FIVE_K]}
    [sent, _] = fake.sent("dataservice", "GET", "/records")
    assert dict(sent.url.params) == {}
    assert again.status_code == 304


def test_records_forwards_the_range(client: TestClient, fake: Any, login: Any) -> None:
    login()

    response = client.get("/api/records", params={"after": "2026-03-01T00:00:00Z",
                                                  "before": "2026-04-01T00:00:00+02:00"})

    assert response.status_code == 200
    assert response.json() == {"items": []}
    [sent] = fake.sent("dataservice", "GET", "/records")
    assert dict(sent.url.params) == {"after": "2026-03-01T00:00:00+00:00",
                                     "before": "2026-04-01T00:00:00+02:00"}


def test_records_refuses_bad_input_without_asking_the_dataservice(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    assert_problem(client.get("/api/records"), 401)
    login()
    assert_problem(client.get("/api/records", params={"after": "last spring"}), 422)
    assert_problem(client.get("/api/records", params={"distance": "5k"}), 422)
    assert fake.sent("dataservice", "GET", "/records") == []


def test_records_in_an_unexpected_shape_are_a_failing_peer(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    logged_in = login()
    fake.breaks_contract = True
    fake.records[logged_in.account.id] = [{**FIVE_K, "distance": "3k"}]

    assert_problem(client.get("/api/records"), 503)
    fake.down.add("dataservice")
    assert_problem(client.get("/api/records"), 503)
