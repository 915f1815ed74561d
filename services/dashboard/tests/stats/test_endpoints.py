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
