"""Reports on a temp database built by its migrations, its clock fixed on the schedule's
moment, and its peers played in process.

In-process stand-ins for the peers, speaking their real JSON through
``httpx.MockTransport``: the dataservice (profile, runs, monthly stats, records, races),
tokendealer (client credentials, accounts) and, when a test gives plans, the plans service.

Each keeps plain data and computes its answers the way the real service does (runs newest
first and paged by cursor, ``after`` inclusive and ``before`` exclusive, months cut in the
runner's time zone, best efforts per distance), so the reports code under test cannot tell.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from runnerly_kit.db import migrate
from runnerly_kit.testing import DATABASE_BACKENDS, TestKeys, bearer, database_for_test
from runnerly_reports.config import Settings
from runnerly_reports.main import create_app
from runnerly_reports.reports import service
from runnerly_reports.reports.content import Month, build_content
from runnerly_reports.reports.schemas import ReportContent
from runnerly_reports.runtime import MIGRATIONS_DIR, Runtime, build_runtime

DATASERVICE = "http://dataservice.test"
TOKENDEALER = "http://tokendealer.test"
PLANS = "http://plans.test"
SERVICE_TOKEN = "reports-service-token"
EFFORT_DISTANCES = {"1k": 1000.0, "5k": 5000.0, "10k": 10000.0, "half": 21097.5,
                    "marathon": 42195.0}


@dataclass
class FakeRun:
    id: int
    name: str
    started_at: datetime
    distance_m: float
    moving_time_s: int
    elevation_gain_m: float | None = None
    # The run's best effort per distance, in seconds (what the dataservice computes from
    # its streams).
    efforts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id, "source": "file", "external_id": f"ext-{self.id}",
            "name": self.name, "sport_type": "Run",
            "started_at": self.started_at.isoformat(), "time_zone": None,
            "distance_m": self.distance_m, "moving_time_s": self.moving_time_s,
            "elapsed_time_s": self.moving_time_s + 30,
            "elevation_gain_m": self.elevation_gain_m,
            "average_hr": None, "max_hr": None, "average_cadence": None,
        }


@dataclass
class FakePeers:
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, list[FakeRun]] = field(default_factory=dict)
    races: list[dict[str, Any]] = field(default_factory=list)
    entries: dict[str, set[int]] = field(default_factory=dict)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    # None: no plans service (404 on every path), as before it is deployed.
    plans: dict[str, list[dict[str, Any]]] | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    down: set[str] = field(default_factory=set)
    _next_id: int = 1

    # --- test helpers ---------------------------------------------------------------

    def add_runner(self, runner_id: str, email: str, *, time_zone: str = "Europe/Paris",
                   units: str = "km", display_name: str | None = None) -> None:
        self.profiles[runner_id] = {
            "display_name": display_name, "birth_year": None, "sex": None, "weight_kg": None,
            "max_hr": None, "resting_hr": None, "vo2max": None, "units": units,
            "time_zone": time_zone,
        }
        self.runs.setdefault(runner_id, [])
        self.accounts.append({"user_id": runner_id, "email": email,
                              "confirmed_at": "2026-01-01T00:00:00Z"})

    def add_run(self, runner_id: str, started_at: datetime, distance_m: float,
                moving_time_s: int, *, elevation_gain_m: float | None = None,
                name: str | None = None, efforts: dict[str, int] | None = None) -> FakeRun:
        run = FakeRun(self._next_id, name or f"Run {self._next_id}", started_at, distance_m,
                      moving_time_s, elevation_gain_m, efforts or {})
        self._next_id += 1
        self.runs.setdefault(runner_id, []).append(run)
        return run

    def add_race(self, name: str, day: date, distance_m: float,
                 entered_by: tuple[str, ...] = ()) -> int:
        race_id = len(self.races) + 1
        self.races.append({"id": race_id, "name": name, "date": day.isoformat(),
                           "distance_m": distance_m, "location": None, "url": None})
        for runner_id in entered_by:
            self.entries.setdefault(runner_id, set()).add(race_id)
        return race_id

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- the peers ------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host = request.url.host
        if host in self.down:
            raise httpx.ConnectError(f"{host} is down", request=request)
        if host == "tokendealer.test":
            return self._tokendealer(request)
        if host == "dataservice.test":
            return self._dataservice(request)
        if host == "plans.test":
            return self._plans(request)
        raise httpx.ConnectError(f"no route to {host}", request=request)

    def _tokendealer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == "/oauth/token":
            return httpx.Response(200, json={"access_token": SERVICE_TOKEN,
                                             "token_type": "Bearer", "expires_in": 300})
        if path == "/accounts/me":
            token = request.headers["authorization"].removeprefix("Bearer ")
            sub = jwt.decode(token, options={"verify_signature": False})["sub"]
            found = next((a for a in self.accounts if a["user_id"] == sub), None)
            if found is None:
                return _problem(404, "The account was deleted.")
            return httpx.Response(200, json={**found, "roles": []})
        if path == "/accounts":
            if request.headers.get("authorization") != f"Bearer {SERVICE_TOKEN}":
                return _problem(401, "no service token")
            limit = int(request.url.params["limit"])
            start = int(request.url.params.get("cursor", "0"))
            page = self.accounts[start : start + limit]
            more = start + limit < len(self.accounts)
            return httpx.Response(200, json={"items": page,
                                             "next_cursor": str(start + limit) if more else None})
        return _problem(404, "Not found")

    def _dataservice(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {SERVICE_TOKEN}":
            return _problem(401, "no service token")
        params = request.url.params
        runner_id = params.get("runner_id")
        if runner_id is None:
            return _problem(422, "A service names the runner it reads for in runner_id.")
        profile = self.profiles.get(runner_id) or {"units": "km", "time_zone": "UTC"}
        zone = ZoneInfo(profile["time_zone"])
        runs = self.runs.get(runner_id, [])
        after = _moment(params.get("after"))
        before = _moment(params.get("before"))
        in_range = [r for r in runs if (after is None or r.started_at >= after)
                    and (before is None or r.started_at < before)]
        path = request.url.path
        if path == "/profile":
            return httpx.Response(200, json=profile)
        if path == "/runs":
            limit = int(params.get("limit", "20"))
            ordered = sorted(in_range, key=lambda r: (r.started_at, r.id), reverse=True)
            start = int(params.get("cursor", "0"))
            page = ordered[start : start + limit]
            more = start + limit < len(ordered)
            return httpx.Response(200, json={"items": [r.summary() for r in page],
                                             "next_cursor": str(start + limit) if more else None})
        if path == "/stats":
            assert params["period"] == "month"
            first = date.fromisoformat(params["from"]).replace(day=1)
            last = date.fromisoformat(params["to"]).replace(day=1)
            buckets = []
            month = first
            while month <= last:
                inside = [r for r in runs
                          if r.started_at.astimezone(zone).date().replace(day=1) == month]
                buckets.append({
                    "start": month.isoformat(), "runs": len(inside),
                    "distance_m": sum(r.distance_m for r in inside),
                    "moving_time_s": sum(r.moving_time_s for r in inside),
                    "elevation_gain_m": sum(r.elevation_gain_m or 0 for r in inside),
                })
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            return httpx.Response(200, json={"period": "month", "time_zone": str(zone),
                                             "buckets": buckets})
        if path == "/records":
            best: dict[str, tuple[int, FakeRun]] = {}
            for run in sorted(in_range, key=lambda r: r.started_at):
                for name, seconds in run.efforts.items():
                    if name not in best or seconds < best[name][0]:
                        best[name] = (seconds, run)
            items = [{"distance": name, "distance_m": EFFORT_DISTANCES[name],
                      "elapsed_time_s": seconds, "run_id": run.id,
                      "started_at": run.started_at.isoformat()}
                     for name, (seconds, run) in best.items()]
            return httpx.Response(200, json={"items": items})
        if path == "/races":
            entered = self.entries.get(runner_id, set())
            items = [{**race, "entrants": 1, "entered": race["id"] in entered}
                     for race in self.races]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        return _problem(404, "Not found")

    def _plans(self, request: httpx.Request) -> httpx.Response:
        if self.plans is None:
            return _problem(404, "Not found")
        runner_id = request.url.params["runner_id"]
        plans = self.plans.get(runner_id, [])
        if request.url.path == "/plans":
            return httpx.Response(200, json={"items": [{"id": p["id"], "race_name": p["race_name"]}
                                                       for p in plans]})
        plan_id = int(request.url.path.rsplit("/", 1)[-1])
        found = next((p for p in plans if p["id"] == plan_id), None)
        return httpx.Response(200, json=found) if found else _problem(404, "Not found")

    def paths(self, host: str) -> list[str]:
        return [r.url.path for r in self.requests if r.url.host == host]


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps({"type": "about:blank", "title": "Error",
                                                      "status": status, "detail": detail}),
                          headers={"content-type": "application/problem+json"})


# --- fixtures -----------------------------------------------------------------------------


RUNNER_SCOPES = "reports:read reports:write profile:read"
# The schedule's moment: 13:00 UTC on 1 November 2026, October over everywhere.
NOW = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]
# Where the e2e tests put their screenshots: the repository's artifacts/ folder.
ARTIFACTS = ROOT / "artifacts" / "reports"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "reports", tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        dataservice_url=DATASERVICE,
        tokendealer_url=TOKENDEALER,
        plans_url=PLANS,
        public_url="http://runnerly.test",
        unsubscribe_key="test-unsubscribe-key",  # type: ignore[arg-type]
        outbox_poll_seconds=3600,
    )


@pytest.fixture
def peers() -> FakePeers:
    return FakePeers()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def runtime(settings: Settings, peers: FakePeers, clock: Clock) -> Iterator[Runtime]:
    runtime = build_runtime(settings, peer_transport=peers.transport(), clock=clock)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    yield runtime
    runtime.close()
    runtime.database.dispose()


# --- a known history ----------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")
OCTOBER = Month(2026, 10)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def alice_history(peers: FakePeers) -> None:
    """Alice, in Paris, with a known October 2026 and the months it is compared with."""
    peers.add_runner("alice", "alice@example.com", display_name="Alice")
    # Earlier: September 2026 (in the prediction window), October 2025, and older bests.
    peers.add_run("alice", paris(2026, 9, 10, 7, 0), 10000, 3000, elevation_gain_m=50,
                  efforts={"1k": 240, "5k": 1400})
    peers.add_run("alice", paris(2026, 9, 20, 7, 0), 12000, 3900, elevation_gain_m=70,
                  efforts={"10k": 2900})
    peers.add_run("alice", paris(2025, 10, 5, 9, 0), 20000, 7000, elevation_gain_m=100)
    peers.add_run("alice", paris(2025, 10, 19, 9, 0), 24000, 8600, elevation_gain_m=120)
    # October 2026.
    peers.add_run("alice", paris(2026, 10, 1, 7, 0), 5000, 1500, elevation_gain_m=20,
                  efforts={"1k": 290, "5k": 1500})
    peers.add_run("alice", paris(2026, 10, 4, 9, 0), 15000, 5400, elevation_gain_m=150,
                  name="Sunday long run", efforts={"1k": 300, "5k": 1560, "10k": 3500})
    peers.add_run("alice", paris(2026, 10, 7, 18, 30), 8000, 2640, elevation_gain_m=40,
                  efforts={"5k": 1580})
    peers.add_run("alice", paris(2026, 10, 17, 8, 0), 10000, 2700, elevation_gain_m=60,
                  name="Parkrun and back", efforts={"1k": 255, "5k": 1330, "10k": 2700})
    peers.add_run("alice", paris(2026, 10, 25, 10, 0), 21100, 7200, elevation_gain_m=210,
                  name="Half rehearsal",
                  efforts={"1k": 290, "5k": 1600, "10k": 3300, "half": 7150})
    # Faster than any, but 2.5 km: not a pace to report; its 1 km is a best effort.
    peers.add_run("alice", paris(2026, 10, 31, 23, 30), 2500, 600, elevation_gain_m=0,
                  efforts={"1k": 230})
    # November in Paris, although still October in UTC: not October's.
    peers.add_run("alice", paris(2026, 11, 1, 0, 30), 30000, 9000, elevation_gain_m=300,
                  efforts={"1k": 200})
    peers.add_race("Lyon Marathon", date(2027, 4, 11), 42195, entered_by=("alice",))
    peers.add_race("Paris 10k", date(2026, 11, 20), 10000)
    peers.add_race("Bob's race", date(2026, 11, 8), 5000, entered_by=("bob",))


@pytest.fixture
def alice(peers: FakePeers) -> FakePeers:
    alice_history(peers)
    return peers


Build = Callable[..., ReportContent]


@pytest.fixture
def build(runtime: Runtime) -> Build:
    """The content of a runner's report, gathered from the fake peers by the real clients."""

    def content(runner_id: str, month: Month = OCTOBER) -> ReportContent:
        return build_content(service.gather(runtime, runner_id, month))

    return content


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


@pytest.fixture
def app(settings: Settings, peers: FakePeers, clock: Clock, keys: TestKeys) -> FastAPI:
    app = create_app(settings, peer_transport=peers.transport(), clock=clock)
    keys.install(app)
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        # These tests read the mails from the outbox: the relay would take them (and delete
        # them, since they carry an address) before the test reads them.
        app.state.outbox.stop()
        yield client


@pytest.fixture
def app_runtime(app: FastAPI, client: TestClient) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


@pytest.fixture
def runner_headers(keys: TestKeys) -> Callable[..., dict[str, str]]:
    def headers(runner_id: str = "alice", scopes: str = RUNNER_SCOPES) -> dict[str, str]:
        return bearer(keys.token(runner_id, scopes))

    return headers
