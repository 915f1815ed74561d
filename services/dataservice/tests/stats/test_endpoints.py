from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]


def _buckets(client: TestClient, headers: Headers, **params: str) -> dict[str, dict[str, Any]]:
    response = client.get("/stats", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {bucket["start"]: bucket for bucket in response.json()["buckets"]}


def test_months_are_cut_in_the_runners_time_zone(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    client.patch("/profile", json={"time_zone": "Pacific/Auckland"}, headers=alice)
    post_runs([
        # 23:30 on 31 October in Auckland (NZDT, UTC+13) is 10:30 UTC the same day.
        make_run("a", started_at="2026-10-31T10:30:00Z", distance_m=5000),
        # 00:30 on 1 November in Auckland is still 31 October in UTC.
        make_run("b", started_at="2026-10-31T11:30:00Z", distance_m=8000),
    ])

    months = _buckets(client, alice, period="month", **{"from": "2026-09-15", "to": "2026-12-01"})

    assert list(months) == ["2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01"]
    assert (months["2026-10-01"]["runs"], months["2026-10-01"]["distance_m"]) == (1, 5000)
    assert (months["2026-11-01"]["runs"], months["2026-11-01"]["distance_m"]) == (1, 8000)
    assert months["2026-09-01"] == {
        "start": "2026-09-01", "runs": 0, "distance_m": 0, "moving_time_s": 0,
        "elevation_gain_m": 0,
    }


def test_a_late_evening_run_west_of_utc_counts_for_that_month(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    client.patch("/profile", json={"time_zone": "America/Los_Angeles"}, headers=alice)
    # 23:30 on 31 January in Los Angeles (UTC-8) is 07:30 on 1 February in UTC.
    post_runs([make_run("a", started_at="2026-02-01T07:30:00Z", elevation_gain_m=120)])

    months = _buckets(client, alice, period="month", **{"from": "2026-01-01", "to": "2026-02-28"})
    response = client.get("/stats", params={"period": "month"}, headers=alice).json()

    assert months["2026-01-01"]["runs"] == 1
    assert months["2026-01-01"]["elevation_gain_m"] == 120
    assert months["2026-02-01"]["runs"] == 0
    assert response["time_zone"] == "America/Los_Angeles"


def test_weeks_start_on_monday_and_sum_every_total(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs([
        # Sunday 8 March and Monday 9 March 2026, UTC.
        make_run("sun", started_at="2026-03-08T23:00:00Z", distance_m=10_000,
                 moving_time_s=3000, elevation_gain_m=50),
        make_run("mon", started_at="2026-03-09T01:00:00Z", distance_m=5000,
                 moving_time_s=1500),
        make_run("tue", started_at="2026-03-10T06:00:00Z", distance_m=7000,
                 moving_time_s=2100, elevation_gain_m=20),
    ])

    weeks = _buckets(client, alice, period="week", **{"from": "2026-03-04", "to": "2026-03-12"})

    assert list(weeks) == ["2026-03-02", "2026-03-09"]
    assert weeks["2026-03-02"]["runs"] == 1
    assert weeks["2026-03-09"] == {
        "start": "2026-03-09", "runs": 2, "distance_m": 12_000, "moving_time_s": 3600,
        "elevation_gain_m": 20,
    }


def test_default_ranges_end_today(client: TestClient, alice: Headers) -> None:
    for period, count in (("week", 12), ("month", 12), ("year", 5)):
        body = client.get("/stats", params={"period": period}, headers=alice).json()
        assert body["period"] == period
        assert len(body["buckets"]) == count
        assert all(bucket["runs"] == 0 for bucket in body["buckets"])


def test_another_runners_runs_do_not_count(
    client: TestClient, alice: Headers, bob: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs([make_run("a", runner_id="alice", started_at="2026-05-05T08:00:00Z")])

    years = _buckets(client, bob, period="year", **{"from": "2026-01-01", "to": "2026-12-31"})

    assert years["2026-01-01"]["runs"] == 0


def test_bad_ranges_are_refused(client: TestClient, alice: Headers) -> None:
    for params in (
        {"period": "fortnight"},
        {"period": "month", "from": "2026-05-01", "to": "2026-01-01"},
        {"period": "week", "from": "1990-01-01", "to": "2026-01-01"},
        {"period": "month", "from": "not-a-date"},
        # Found by fuzzing: counting a default range back from year 1 overflowed.
        {"period": "month", "to": "0001-01-01"},
        {"period": "year", "from": "9999-12-01"},
    ):
        response = client.get("/stats", params=params, headers=alice)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"


def test_stats_revalidate_with_an_etag(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    params = {"period": "year", "from": "2026-01-01", "to": "2026-12-31"}
    etag = client.get("/stats", params=params, headers=alice).headers["etag"]

    unchanged = client.get("/stats", params=params, headers={**alice, "If-None-Match": etag})
    post_runs([make_run("a", started_at="2026-05-05T08:00:00Z")])
    changed = client.get("/stats", params=params, headers={**alice, "If-None-Match": etag})

    assert unchanged.status_code == 304
    assert changed.status_code == 200
