from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import polyline
import pytest
from fastapi.testclient import TestClient

from runnerly_stravasim.testing import authorize, exchange

LIST = "/api/v3/athlete/activities"


def _all(client: TestClient, auth: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        rows = client.get(LIST, headers=auth, params={**params, "page": page, "per_page": 200})
        assert rows.status_code == 200
        if not rows.json():
            return out
        out.extend(rows.json())
        page += 1


def test_athlete_matches_the_swagger(
    client: TestClient, auth: dict[str, str], swagger: Any
) -> None:
    athlete = client.get("/api/v3/athlete", headers=auth).json()
    assert swagger.check(athlete, "DetailedAthlete") == []
    assert athlete["id"] == 1234567 and athlete["resource_state"] == 3
    assert athlete["city"] == "Lyon" and athlete["sex"] in {"M", "F"}


def test_token_athlete_matches_the_swagger(tokens: dict[str, Any], swagger: Any) -> None:
    assert swagger.check(tokens["athlete"], "SummaryAthlete") == []


def test_list_matches_the_swagger(client: TestClient, auth: dict[str, str], swagger: Any) -> None:
    rows = _all(client, auth)
    assert len(rows) == 600
    for row in rows:
        assert swagger.check(row, "SummaryActivity") == [], row["id"]
        assert row["resource_state"] == 2
        assert row["athlete"] == {"id": 1234567, "resource_state": 1}
        assert row["start_date"].endswith("Z") and row["start_date_local"].endswith("Z")
        assert row["timezone"] == "(GMT+01:00) Europe/Paris"
        assert row["private"] == (row["visibility"] == "only_me")


def test_default_page_is_30_newest_first(client: TestClient, auth: dict[str, str]) -> None:
    rows = client.get(LIST, headers=auth).json()
    assert len(rows) == 30
    starts = [r["start_date"] for r in rows]
    assert starts == sorted(starts, reverse=True)


def test_pages_do_not_overlap_and_per_page_is_capped(
    client: TestClient, auth: dict[str, str]
) -> None:
    capped = client.get(LIST, headers=auth, params={"per_page": 500}).json()
    assert len(capped) == 200
    seen: list[int] = []
    for page in (1, 2, 3):
        seen += [
            r["id"]
            for r in client.get(LIST, headers=auth, params={"page": page, "per_page": 50}).json()
        ]
    assert len(seen) == len(set(seen)) == 150
    assert seen == [r["id"] for r in capped[:150]]
    beyond = client.get(LIST, headers=auth, params={"page": 99, "per_page": 200}).json()
    assert beyond == []


def test_before_and_after_filter_by_start(client: TestClient, auth: dict[str, str]) -> None:
    rows = _all(client, auth)
    middle = rows[100]
    from datetime import datetime

    epoch = int(datetime.fromisoformat(middle["start_date"].replace("Z", "+00:00")).timestamp())
    before = client.get(LIST, headers=auth, params={"before": epoch, "per_page": 200}).json()
    assert before[0]["id"] == rows[101]["id"]  # strictly before, newest first
    after = _all(client, auth, after=epoch)
    assert len(after) == 100
    # With `after` alone Strava lists oldest first.
    assert [r["id"] for r in after] == [r["id"] for r in reversed(rows[:100])]
    window = _all(client, auth, after=epoch - 30 * 86400, before=epoch)
    assert window and all(r["start_date"] < middle["start_date"] for r in window)
    assert [r["start_date"] for r in window] == sorted(
        (r["start_date"] for r in window), reverse=True
    )


def test_bad_paging_parameter_is_a_fault(
    client: TestClient, auth: dict[str, str], swagger: Any
) -> None:
    response = client.get(LIST, headers=auth, params={"per_page": "many"})
    assert response.status_code == 400
    assert swagger.check(response.json(), "Fault") == []


def test_history_composition(client: TestClient, auth: dict[str, str]) -> None:
    rows = _all(client, auth)
    sports = Counter(r["sport_type"] for r in rows)
    runs = [r for r in rows if r["type"] == "Run"]
    assert len(runs) > 400
    assert sports["TrailRun"] >= 5
    assert {"Ride", "Walk", "Swim"} <= sports.keys()
    assert {r["type"] for r in rows if r["sport_type"] == "TrailRun"} == {"Run"}
    treadmill = [r for r in runs if r["trainer"]]
    assert treadmill
    for run in treadmill:
        assert run["start_latlng"] == [] and run["map"]["summary_polyline"] == ""
    assert any(not r["has_heartrate"] and "average_heartrate" not in r for r in runs)
    with_hr = [r for r in runs if r["has_heartrate"]]
    assert all(100 < r["average_heartrate"] < 190 for r in with_hr)
    races = [r for r in runs if r["workout_type"] == 1]
    assert "Lyon Half Marathon" in {r["name"] for r in races}
    long_runs = [r for r in runs if r["workout_type"] == 2]
    assert all(15_000 < r["distance"] <= 31_000 for r in long_runs)
    easy = [
        r for r in runs if r["workout_type"] == 0 and not r["trainer"] and r["sport_type"] == "Run"
    ]
    paces = sorted(1000 / r["average_speed"] for r in easy)
    assert 290 < paces[len(paces) // 2] < 370  # median easy pace around 5:15-6:00 /km
    assert all(80 <= r["average_cadence"] <= 95 for r in runs)  # per foot, as Strava reports
    first = min(r["start_date"] for r in rows)
    assert first < "2024-04-01"  # two years before the fake clock's 2026-03-10


def test_detail_matches_the_swagger(client: TestClient, auth: dict[str, str], swagger: Any) -> None:
    rows = _all(client, auth)
    picks = [
        next(r for r in rows if r["workout_type"] == 3),
        next(r for r in rows if r["trainer"]),
        next(r for r in rows if r["sport_type"] == "Swim"),
        next(r for r in rows if r["sport_type"] == "Ride"),
        next(r for r in rows if r["sport_type"] == "TrailRun"),
    ]
    for summary in picks:
        detail = client.get(
            f"/api/v3/activities/{summary['id']}",
            headers=auth,
            params={"include_all_efforts": "true"},
        ).json()
        assert swagger.check(detail, "DetailedActivity") == [], summary["name"]
        assert detail["resource_state"] == 3
        assert detail["distance"] == summary["distance"]
        if summary["start_latlng"]:
            points = polyline.decode(detail["map"]["polyline"])
            assert len(points) > len(polyline.decode(detail["map"]["summary_polyline"]))
            assert abs(points[0][0] - summary["start_latlng"][0]) < 0.01
        else:
            assert detail["map"]["polyline"] == ""
    run = client.get(f"/api/v3/activities/{picks[0]['id']}", headers=auth).json()
    splits = run["splits_metric"]
    assert sum(s["distance"] for s in splits) == pytest.approx(run["distance"], abs=0.5)
    assert sum(s["moving_time"] for s in splits) == pytest.approx(
        run["moving_time"], abs=len(splits)
    )
    assert len(run["laps"]) > 3  # a structured workout: one lap per rep


def test_streams_key_by_type(client: TestClient, auth: dict[str, str], swagger: Any) -> None:
    rows = _all(client, auth)
    run = next(
        r
        for r in rows
        if r["sport_type"] == "Run"
        and r["has_heartrate"]
        and not r["trainer"]
        and r["workout_type"] == 3
    )
    keys = "time,distance,latlng,altitude,heartrate,cadence,velocity_smooth,moving"
    streams = client.get(
        f"/api/v3/activities/{run['id']}/streams",
        headers=auth,
        params={"keys": keys, "key_by_type": "true"},
    ).json()
    assert swagger.check(streams, "StreamSet") == []
    assert set(streams) == set(keys.split(","))
    size = len(streams["time"]["data"])
    assert all(s["original_size"] == size == len(s["data"]) for s in streams.values())
    assert streams["time"]["data"][-1] == run["elapsed_time"]
    assert streams["distance"]["data"][-1] == run["distance"]
    distances = streams["distance"]["data"]
    assert all(b >= a for a, b in itertools.pairwise(distances))
    hr = streams["heartrate"]["data"]
    assert sum(hr) / len(hr) == pytest.approx(run["average_heartrate"], abs=3)
    speeds = [
        v
        for v, m in zip(streams["velocity_smooth"]["data"], streams["moving"]["data"], strict=True)
        if m
    ]
    assert max(speeds) > 1.2 * min(speeds)  # intervals: pace varies
    assert all(isinstance(p, list) and len(p) == 2 for p in streams["latlng"]["data"])


def test_streams_as_a_list_and_what_a_treadmill_lacks(
    client: TestClient, auth: dict[str, str], swagger: Any
) -> None:
    rows = _all(client, auth)
    treadmill = next(r for r in rows if r["trainer"])
    listed = client.get(
        f"/api/v3/activities/{treadmill['id']}/streams",
        headers=auth,
        params={"keys": "time,latlng,altitude,heartrate", "key_by_type": "false"},
    )
    assert listed.status_code == 200
    body = listed.json()
    assert isinstance(body, list)
    types = {s["type"] for s in body}
    assert "latlng" not in types and "altitude" not in types
    assert "distance" in types  # Strava always sends the series it samples on
    no_hr = next(r for r in rows if r["type"] == "Run" and not r["has_heartrate"])
    streams = client.get(
        f"/api/v3/activities/{no_hr['id']}/streams",
        headers=auth,
        params={"keys": "heartrate,time", "key_by_type": "true"},
    ).json()
    assert "heartrate" not in streams and "time" in streams


def test_streams_are_capped_and_deterministic(client: TestClient, auth: dict[str, str]) -> None:
    rows = _all(client, auth)
    marathon = next(r for r in rows if r["name"] == "Lyon Marathon")
    url = f"/api/v3/activities/{marathon['id']}/streams"
    params = {"keys": "time,distance", "key_by_type": "true"}
    first = client.get(url, headers=auth, params=params).json()
    assert len(first["time"]["data"]) <= 10_000
    assert client.get(url, headers=auth, params=params).json() == first


def test_unknown_and_private_activities(client: TestClient, auth: dict[str, str]) -> None:
    missing = client.get("/api/v3/activities/1", headers=auth)
    assert missing.status_code == 404
    assert missing.json() == {
        "message": "Record Not Found",
        "errors": [{"resource": "Activity", "field": "id", "code": "invalid"}],
    }
    rows = _all(client, auth)
    private = next(r for r in rows if r["visibility"] == "only_me")
    # A token without activity:read_all neither lists nor reads "only me" activities.
    limited = exchange(client, authorize(client, scope="read,activity:read"))
    headers = {"Authorization": f"Bearer {limited['access_token']}"}
    assert private["id"] not in {r["id"] for r in _all(client, headers)}
    assert client.get(f"/api/v3/activities/{private['id']}", headers=headers).status_code == 404
    assert client.get(f"/api/v3/activities/{private['id']}", headers=auth).status_code == 200


def test_no_token_is_an_authorization_error(client: TestClient, swagger: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 401
    assert swagger.check(response.json(), "Fault") == []
    bad = client.get(LIST, headers={"Authorization": "Bearer nope"})
    assert bad.json()["errors"] == [
        {"resource": "Athlete", "field": "access_token", "code": "invalid"}
    ]
    by_query = client.get("/api/v3/athlete", params={"access_token": "nope"})
    assert by_query.status_code == 401
