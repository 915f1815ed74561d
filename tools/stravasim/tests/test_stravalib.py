"""The simulator checked by a client nobody here wrote: ``stravalib``, Strava's Python library.

stravalib speaks only https to ``www.strava.com`` (its ``ApiV3.server``), so the simulator
runs here as a real server behind TLS with a certificate from a throwaway CA, and stravalib
is pointed at it through its ``server`` and a ``requests`` session that trusts that CA.
Every model stravalib builds must validate, every raw body must match the official
description, and nothing stravalib would only log (an unknown sport type, time zone or
athlete type it replaces) may pass unnoticed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import trustme
import uvicorn
from stravalib import Client, exc

from runnerly_stravasim.clock import FakeClock
from runnerly_stravasim.config import Settings
from runnerly_stravasim.main import create_app
from runnerly_stravasim.testing import CLIENT_ID, CLIENT_SECRET, REDIRECT

pytestmark = pytest.mark.filterwarnings("error")

ATHLETE_ID = 1234567
SCOPES = ["read", "activity:read_all", "profile:read_all"]
FAULT = {"message", "errors"}


@dataclass
class Strava:
    """The simulator served over TLS, and what a stravalib client needs to reach it."""

    server: str
    session: requests.Session
    base: str
    # (status, JSON body) of every answer, to check the raw bodies stravalib read.
    answers: list[tuple[int, Any]] = field(default_factory=list)

    def client(self, **kwargs: Any) -> Client:
        client = Client(requests_session=self.session, **kwargs)
        client.protocol.server = self.server
        return client

    def last(self) -> Any:
        return self.answers[-1][1]

    def record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        is_json = response.headers.get("content-type", "").startswith("application/json")
        self.answers.append((response.status_code, response.json() if is_json else None))


@pytest.fixture(autouse=True)
def _quiet_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without STRAVA_CLIENT_ID in its environment stravalib logs that it cannot refresh on
    # its own; the tests refresh explicitly, so that notice would only hide real warnings.
    monkeypatch.setenv("SILENCE_TOKEN_WARNINGS", "true")
    monkeypatch.delenv("STRAVA_CLIENT_ID", raising=False)
    monkeypatch.delenv("STRAVA_CLIENT_SECRET", raising=False)


@pytest.fixture(autouse=True)
def _nothing_swallowed(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """stravalib replaces what it does not understand and only logs it: fail on that."""
    caplog.set_level(logging.WARNING)
    yield
    logged = [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING and (r.name == "root" or r.name.startswith("stravalib"))
    ]
    assert logged == []


@pytest.fixture
def strava(settings: Settings, clock: FakeClock, tmp_path: Path) -> Iterator[Strava]:
    ca = trustme.CA()
    pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(pem))
    ca_pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings, clock),
        ssl_certfile=str(pem),
        ssl_keyfile=str(pem),
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the simulator did not start"
        time.sleep(0.01)
    session = requests.Session()
    # The environment's CA bundle and proxies would override the session's: the
    # simulator is local and trusted through its own CA only.
    session.trust_env = False
    session.verify = str(ca_pem)
    # One connection per request: a kept-alive TLS connection that a response held by a
    # finished test (an exception's) never hands back would hold up the server's stop.
    session.headers["Connection"] = "close"
    served = Strava(f"127.0.0.1:{port}", session, f"https://127.0.0.1:{port}")
    session.hooks["response"].append(served.record)
    try:
        yield served
    finally:
        session.close()
        server.should_exit = True
        thread.join()
        sock.close()


def _approve(strava: Strava, url: str) -> str:
    """Open the approval page at ``url``, press Authorize, return the code."""
    page = strava.session.get(url, allow_redirects=False)
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    form["decision"] = "authorize"
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action is not None
    answer = strava.session.post(strava.base + action.group(1), data=form, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def _linked(strava: Strava) -> Client:
    client = strava.client()
    url = client.authorization_url(int(CLIENT_ID), REDIRECT, scope=SCOPES, state="s1")  # type: ignore[arg-type]
    tokens = client.exchange_code_for_token(int(CLIENT_ID), CLIENT_SECRET, _approve(strava, url))
    assert isinstance(tokens, dict)
    client.refresh_token = tokens["refresh_token"]
    client.token_expires = tokens["expires_at"]
    return client


def _epoch(value: dt.datetime) -> int:
    return int(value.replace(tzinfo=dt.UTC).timestamp())


# --- OAuth -------------------------------------------------------------------------------


def test_the_oauth_dance_through_stravalib(strava: Strava, swagger: Any, callback: Any) -> None:
    client = strava.client()
    url = client.authorization_url(int(CLIENT_ID), REDIRECT, scope=SCOPES, state="s1")  # type: ignore[arg-type]
    assert url.startswith(f"https://{strava.server}/oauth/authorize?")
    code = _approve(strava, url)
    tokens, athlete = client.exchange_code_for_token(
        int(CLIENT_ID), CLIENT_SECRET, code, return_athlete=True
    )
    assert athlete is not None and athlete.id == ATHLETE_ID
    assert swagger.check(strava.last()["athlete"], "SummaryAthlete") == []
    assert client.get_athlete().id == ATHLETE_ID

    fresh = client.refresh_access_token(int(CLIENT_ID), CLIENT_SECRET, tokens["refresh_token"])
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert client.access_token == fresh["access_token"]
    assert client.get_athlete().id == ATHLETE_ID

    client.create_subscription(int(CLIENT_ID), CLIENT_SECRET, callback.url, "runnerly")
    client.deauthorize()
    assert strava.answers[-1][0] == 200
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete()
    with pytest.raises(exc.Fault):
        client.refresh_access_token(int(CLIENT_ID), CLIENT_SECRET, fresh["refresh_token"])
    deadline = time.monotonic() + 5
    while not callback.events and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [e["updates"] for e in callback.events] == [{"authorized": "false"}]


def test_oauth_at_the_urls_of_the_official_description(strava: Strava) -> None:
    # The description names /api/v3/oauth/authorize and /api/v3/oauth/token; stravalib
    # deauthorizes at /api/v3/oauth/deauthorize.
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "approval_prompt": "auto",
        "scope": ",".join(SCOPES),
        "state": "s1",
    }
    url = requests.Request("GET", f"{strava.base}/api/v3/oauth/authorize", params=params)
    code = _approve(strava, url.prepare().url or "")
    token = strava.session.post(
        f"{strava.base}/api/v3/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": code,
            "grant_type": "authorization_code",
        },
    )
    assert token.status_code == 200, token.text
    access = token.json()["access_token"]
    assert "x-ratelimit-usage" not in token.headers  # OAuth is not counted, wherever served
    client = strava.client(access_token=access)
    assert client.get_athlete().id == ATHLETE_ID
    client.deauthorize()
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete()


# --- What Runnerly reads -------------------------------------------------------------------


def test_every_call_runnerly_makes(strava: Strava, swagger: Any, callback: Any) -> None:
    client = _linked(strava)
    athlete = client.get_athlete()
    assert swagger.check(strava.last(), "DetailedAthlete") == []
    assert athlete.id == ATHLETE_ID

    first = len(strava.answers)
    activities = list(client.get_activities())
    assert len(activities) == 600
    for _, body in strava.answers[first:]:
        for row in body:
            assert swagger.check(row, "SummaryActivity") == [], row["id"]
    middle = activities[300].start_date
    assert middle is not None
    before = list(client.get_activities(before=middle, limit=20))
    assert [a.id for a in before] == [a.id for a in activities[301:321]]
    after = list(client.get_activities(after=middle))
    assert sorted(a.id for a in after) == sorted(a.id for a in activities[:300])
    window = list(client.get_activities(after=middle, before=activities[40].start_date))
    assert [a.id for a in window] == [a.id for a in activities[41:300]]

    run = next(a for a in activities if a.sport_type == "Run" and a.has_heartrate and
               not a.trainer)
    assert run.id is not None
    detail = client.get_activity(run.id)
    assert swagger.check(strava.last(), "DetailedActivity") == []
    assert detail.id == run.id and detail.laps and detail.gear is not None

    streams = client.get_activity_streams(
        run.id, types=["time", "distance", "altitude", "heartrate", "cadence", "latlng"]
    )
    assert swagger.check(strava.last(), "StreamSet") == []
    assert set(streams) == {"time", "distance", "altitude", "heartrate", "cadence", "latlng"}
    assert streams["time"].data is not None and streams["time"].data[-1] == run.elapsed_time

    created = client.create_subscription(int(CLIENT_ID), CLIENT_SECRET, callback.url, "runnerly")
    assert created.id is not None
    listed = list(client.list_subscriptions(int(CLIENT_ID), CLIENT_SECRET))
    assert [(s.id, s.application_id, s.callback_url) for s in listed] == [
        (created.id, int(CLIENT_ID), callback.url)
    ]
    client.delete_subscription(created.id, int(CLIENT_ID), CLIENT_SECRET)
    assert list(client.list_subscriptions(int(CLIENT_ID), CLIENT_SECRET)) == []


# --- What a Strava app commonly reads ------------------------------------------------------


def test_laps_are_the_activitys_laps(strava: Strava, swagger: Any) -> None:
    client = _linked(strava)
    activities = list(client.get_activities())
    workout = next(a for a in activities if a.workout_type == 3 and a.id is not None)
    assert workout.id is not None
    laps = list(client.get_activity_laps(workout.id))
    for raw in strava.last():
        assert swagger.check(raw, "Lap") == []
    detail = client.get_activity(workout.id)
    assert detail.laps is not None
    assert [lap.id for lap in laps] == [lap.id for lap in detail.laps]
    assert len(laps) > 3
    assert [lap.lap_index for lap in laps] == list(range(1, len(laps) + 1))
    assert all(lap.activity is not None and lap.activity.id == workout.id for lap in laps)
    assert sum(float(lap.distance or 0) for lap in laps) == pytest.approx(
        float(workout.distance or 0), abs=0.5
    )
    with pytest.raises(exc.ObjectNotFound):
        list(client.get_activity_laps(1))


def test_athlete_stats_are_the_sums_of_the_public_activities(
    strava: Strava, swagger: Any, clock: FakeClock
) -> None:
    client = _linked(strava)
    stats = client.get_athlete_stats()
    assert swagger.check(strava.last(), "ActivityStats") == []
    raw = strava.last()
    public = [
        r
        for body in _pages(strava, client)
        for r in body
        if r["visibility"] == "everyone"
    ]
    runs = [r for r in public if r["sport_type"] in {"Run", "TrailRun", "VirtualRun"}]
    now = clock.now()
    year = dt.datetime.fromtimestamp(now, dt.UTC).year

    def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "count": len(rows),
            "distance": pytest.approx(sum(r["distance"] for r in rows), abs=0.5),
            "moving_time": sum(r["moving_time"] for r in rows),
            "elapsed_time": sum(r["elapsed_time"] for r in rows),
            "elevation_gain": pytest.approx(sum(r["total_elevation_gain"] for r in rows), abs=0.5),
        }

    def since(rows: list[dict[str, Any]], start: float) -> list[dict[str, Any]]:
        return [r for r in rows if _epoch(dt.datetime.fromisoformat(r["start_date"][:-1])) >= start]

    def picked(total: dict[str, Any]) -> dict[str, Any]:
        return {k: total[k] for k in ("count", "distance", "moving_time", "elapsed_time",
                                      "elevation_gain")}

    assert picked(raw["all_run_totals"]) == totals(runs)
    assert picked(raw["recent_run_totals"]) == totals(since(runs, now - 28 * 86_400))
    assert picked(raw["ytd_run_totals"]) == totals(
        since(runs, dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp() - 3600)
    ) or picked(raw["ytd_run_totals"]) == totals(
        since(runs, dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp())
    )
    swims = [r for r in public if r["sport_type"] == "Swim"]
    assert picked(raw["all_swim_totals"]) == totals(swims)
    rides = [r for r in public if r["type"] == "Ride"]
    assert picked(raw["all_ride_totals"]) == totals(rides)
    assert raw["biggest_ride_distance"] == pytest.approx(max(r["distance"] for r in rides))
    assert stats.all_run_totals is not None and stats.all_run_totals.count == len(runs)
    assert len(runs) < len([r for b in _pages(strava, client) for r in b
                            if r["sport_type"] in {"Run", "TrailRun", "VirtualRun"}])
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete_stats(ATHLETE_ID + 1)


def _pages(strava: Strava, client: Client) -> list[list[dict[str, Any]]]:
    """Every page of the activity list, as stravalib fetched them."""
    first = len(strava.answers)
    list(client.get_activities())
    return [body for _, body in strava.answers[first:]]


def test_athlete_zones(strava: Strava, swagger: Any) -> None:
    client = _linked(strava)
    zones = client.get_athlete_zones()
    assert swagger.check(strava.last(), "Zones") == []
    assert zones.heart_rate is not None and zones.heart_rate.zones is not None
    ranges = [(z.min, z.max) for z in zones.heart_rate.zones.root]
    assert len(ranges) == 5 and ranges[0][0] == 0 and ranges[-1][1] == -1
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    # Zones need profile:read_all, as the description says.
    narrow = strava.client()
    url = narrow.authorization_url(
        int(CLIENT_ID), REDIRECT, scope=["read", "activity:read"], state="s1"
    )
    narrow.exchange_code_for_token(int(CLIENT_ID), CLIENT_SECRET, _approve(strava, url))
    with pytest.raises(exc.AccessUnauthorized):
        narrow.get_athlete_zones()
    assert set(strava.last()) == FAULT


def test_activity_zones_count_the_time_in_each_heart_rate_zone(
    strava: Strava, swagger: Any
) -> None:
    client = _linked(strava)
    activities = list(client.get_activities())
    run = next(a for a in activities if a.sport_type == "Run" and a.has_heartrate)
    assert run.id is not None
    zones = client.get_activity_zones(run.id)
    for raw in strava.last():
        assert swagger.check(raw, "ActivityZone") == []
    assert [z.type for z in zones] == ["heartrate"]
    buckets = zones[0].distribution_buckets
    assert buckets is not None
    athlete_zones = client.get_athlete_zones().heart_rate
    assert athlete_zones is not None and athlete_zones.zones is not None
    assert [(b.min, b.max) for b in buckets] == [(z.min, z.max) for z in athlete_zones.zones.root]
    assert sum(b.time or 0 for b in buckets) == pytest.approx(run.elapsed_time, abs=3)
    no_hr = next(a for a in activities if not a.has_heartrate)
    assert no_hr.id is not None
    assert client.get_activity_zones(no_hr.id) == []


def test_gear_is_what_the_activities_name(strava: Strava, swagger: Any) -> None:
    client = _linked(strava)
    rows = [r for body in _pages(strava, client) for r in body]
    athlete = client.get_athlete()
    owned = {g.id: g for g in [*(athlete.shoes or []), *(athlete.bikes or [])]}
    used = {r["gear_id"] for r in rows if r["gear_id"]}
    assert used <= owned.keys()
    for gear_id in used:
        gear = client.get_gear(gear_id)
        assert swagger.check(strava.last(), "DetailedGear") == []
        assert strava.last()["resource_state"] == 3
        total = sum(r["distance"] for r in rows if r["gear_id"] == gear_id)
        assert float(gear.distance or 0) == pytest.approx(total, abs=1)
        assert float(owned[gear_id].distance or 0) == pytest.approx(total, abs=1)
        assert gear.name == owned[gear_id].name
    run = next(r for r in rows if r["gear_id"])
    detail = client.get_activity(run["id"])
    assert detail.gear is not None and detail.gear.id == run["gear_id"]
    assert float(detail.gear.distance or 0) == pytest.approx(
        float(owned[run["gear_id"]].distance or 0)
    )
    with pytest.raises(exc.ObjectNotFound):
        client.get_gear("g0")
    assert strava.last() == {
        "message": "Record Not Found",
        "errors": [{"resource": "Gear", "field": "id", "code": "invalid"}],
    }


# --- Streams -----------------------------------------------------------------------------


@pytest.mark.parametrize(("resolution", "points"), [("low", 100), ("medium", 1000),
                                                     ("high", 10_000)])
@pytest.mark.parametrize("series_type", ["time", "distance"])
def test_streams_honour_resolution_and_series_type(
    strava: Strava, swagger: Any, resolution: str, points: int, series_type: str
) -> None:
    client = _linked(strava)
    activities = list(client.get_activities())
    marathon = next(a for a in activities if a.name == "Lyon Marathon")
    assert marathon.id is not None
    full = client.get_activity_streams(marathon.id)
    size = len(full["time"].data or [])
    assert size > 10_000 // 2  # more than a low or medium resolution keeps
    with pytest.warns(FutureWarning, match="undocumented"):
        streams = client.get_activity_streams(
            marathon.id, resolution=resolution, series_type=series_type  # type: ignore[arg-type]
        )
    assert swagger.check(strava.last(), "StreamSet") == []
    assert {"time", "distance", "latlng", "altitude", "heartrate", "grade_smooth"} <= set(streams)
    lengths = {len(s.data or []) for s in streams.values()}
    assert len(lengths) == 1
    kept = lengths.pop()
    assert kept <= min(points, size)
    assert kept >= min(points, size) * 0.9
    for stream in streams.values():
        assert stream.resolution == resolution
        assert stream.series_type == series_type
        assert stream.original_size == size
    series = streams[series_type].data
    assert series is not None
    whole = full[series_type].data
    assert whole is not None
    assert series[0] == whole[0] and series[-1] == whole[-1]
    if kept < size:
        # Sampled evenly along the series asked for.
        gaps = [b - a for a, b in itertools.pairwise(series)]
        even = (whole[-1] - whole[0]) / (min(points, size) - 1)
        assert max(gaps) <= 2.5 * even


def test_grade_smooth_follows_the_altitude(strava: Strava) -> None:
    client = _linked(strava)
    activities = list(client.get_activities())
    trail = next(a for a in activities if a.sport_type == "TrailRun")
    assert trail.id is not None
    streams = client.get_activity_streams(trail.id, types=["distance", "altitude",
                                                           "grade_smooth"])
    grade = streams["grade_smooth"].data
    altitude = streams["altitude"].data
    distance = streams["distance"].data
    assert grade is not None and altitude is not None and distance is not None
    assert len(grade) == len(altitude)
    assert max(grade) > 3 and min(grade) < -3  # hills in the Monts d'Or
    assert all(-45 < g < 45 for g in grade)
    # Over a few hundred metres the grade is the climb over the distance.
    step = 300
    for i in range(0, len(distance) - step, step):
        run_m = distance[i + step] - distance[i]
        if run_m < 200:
            continue
        climbed = sum(
            grade[j] / 100 * (distance[j + 1] - distance[j]) for j in range(i, i + step)
        )
        assert climbed == pytest.approx(altitude[i + step] - altitude[i], abs=0.02 * run_m)
    treadmill = next(a for a in activities if a.trainer)
    assert treadmill.id is not None
    assert "grade_smooth" not in client.get_activity_streams(treadmill.id, types=["grade_smooth"])


# --- Errors, as stravalib understands them -------------------------------------------------


def test_every_error_is_a_fault_stravalib_reads(strava: Strava, swagger: Any) -> None:
    client = _linked(strava)
    answers: list[tuple[type[Exception], Any]] = []

    def expect(error: type[Exception], call: Any, resource: str) -> None:
        with pytest.raises(error) as raised:
            call()
        body = raised.value.response.json()  # type: ignore[attr-defined]
        assert set(body) == FAULT and swagger.check(body, "Fault") == [], body
        assert body["errors"] and all(set(e) == {"resource", "field", "code"}
                                      for e in body["errors"])
        assert body["errors"][0]["resource"] == resource
        answers.append((error, body))

    expect(exc.ObjectNotFound, lambda: client.get_activity(1), "Activity")
    expect(exc.ObjectNotFound, lambda: client.get_gear("b1"), "Gear")
    expect(exc.ObjectNotFound, lambda: client.protocol.get("/no/such/route"), "Path")
    expect(exc.AccessUnauthorized, strava.client(access_token="nope").get_athlete, "Athlete")
    strava.session.put(f"{strava.base}/admin/app", json={"active": False})
    expect(exc.ApplicationInactive, client.get_athlete, "Application")
    strava.session.put(f"{strava.base}/admin/app", json={"active": True})
    for status in (500, 502, 503):
        strava.session.put(f"{strava.base}/admin/fault", json={"status": status})
        expect(exc.Fault, client.get_athlete, "Application")
    strava.session.delete(f"{strava.base}/admin/fault")
    strava.session.put(f"{strava.base}/admin/ratelimit", json={"limit_15min": 0})
    # stravalib's own limiter would wait for the next window; the answer is what matters.
    unlimited = strava.client(access_token=client.access_token, rate_limit_requests=False)
    expect(exc.Fault, unlimited.get_athlete, "Application")
    assert strava.answers[-1][0] == 429
    assert len(answers) == 9

