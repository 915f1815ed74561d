"""Plans on a temp database built by its migrations (SQLite always, PostgreSQL too when
``RUNNERLY_TEST_POSTGRES_URL`` is set), with its peers in process behind
``httpx.MockTransport``: a fake dataservice holding runners' data in memory and answering
the JSON the real one does (each answer is checked against the real dataservice's own
response schemas before it leaves), and tokendealer played by a handler. The time is a
clock the tests move."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from runnerly_dataservice.profiles.schemas import ProfileRead
from runnerly_dataservice.races.schemas import RaceRead
from runnerly_dataservice.records.schemas import BestEffortList
from runnerly_dataservice.runs.schemas import RunDetail, RunList
from runnerly_dataservice.stats.schemas import StatsRead
from runnerly_kit.testing import DATABASE_BACKENDS, TestKeys, bearer, database_for_test
from runnerly_kit.topology import SERVICES
from runnerly_plans.config import Settings
from runnerly_plans.main import create_app
from runnerly_plans.models import OutboxMessage
from runnerly_plans.runtime import Runtime

PROBLEM = "application/problem+json"
SERVICE_SCOPES = SERVICES["plans"].scopes


@dataclass
class FakeRun:
    id: int
    runner_id: str
    started_at: datetime
    distance_m: float
    moving_time_s: int
    splits: list[dict[str, Any]] | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id, "source": "file", "external_id": f"fake-{self.id}",
            "name": f"Run {self.id}", "sport_type": "Run",
            "started_at": self.started_at.isoformat(), "time_zone": None,
            "distance_m": self.distance_m, "moving_time_s": self.moving_time_s,
            "elapsed_time_s": self.moving_time_s + 30, "elevation_gain_m": None,
            "average_hr": None, "max_hr": None, "average_cadence": None,
        }

    def detail(self) -> dict[str, Any]:
        stamp = self.started_at.isoformat()
        return {**self.summary(), "summary_polyline": None, "streams": None, "splits": self.splits,
                "created_at": stamp, "updated_at": stamp}


@dataclass
class FakeDataservice:
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[int, FakeRun] = field(default_factory=dict)
    races: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Best efforts by runner: {distance, distance_m, elapsed_time_s, run_id, started_at}.
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # False: a dataservice from before /records (a 404 for the route).
    has_records: bool = True
    # A status every request gets instead of an answer (the dataservice failing).
    failing_with: int | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    # Building the runner's data ----------------------------------------------------------

    def set_profile(self, runner_id: str, **fields: Any) -> None:
        self.profiles[runner_id] = {**self.profiles.get(runner_id, {}), **fields}

    def add_run(self, runner_id: str, started_at: datetime, distance_m: float,
                moving_time_s: int, splits: list[dict[str, Any]] | None = None) -> int:
        run_id = len(self.runs) + 1
        self.runs[run_id] = FakeRun(run_id, runner_id, started_at, distance_m, moving_time_s,
                                    splits)
        return run_id

    def add_race(self, name: str, day: date, distance_m: float) -> int:
        race_id = len(self.races) + 1
        self.races[race_id] = {"id": race_id, "name": name, "date": day.isoformat(),
                               "distance_m": distance_m, "location": None, "url": None,
                               "entrants": 0, "entered": False}
        return race_id

    def add_record(self, runner_id: str, distance: str, distance_m: float, time_s: float,
                   started_at: datetime, run_id: int | None = None) -> None:
        self.records.setdefault(runner_id, []).append({
            "distance": distance, "distance_m": distance_m, "elapsed_time_s": time_s,
            "run_id": run_id or self.add_run(runner_id, started_at, distance_m, int(time_s)),
            "started_at": started_at.isoformat(),
        })

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]

    # Serving ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failing_with is not None:
            return _problem(self.failing_with, "The dataservice is failing.")
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return _problem(401, "Send an access token.")
        runner_id = request.url.params.get("runner_id")
        if not runner_id:
            return _problem(422, "A service names the runner it reads for in runner_id.")
        path = request.url.path
        routes: list[tuple[str, Callable[[str, str, httpx.Request], httpx.Response]]] = [
            ("/profile", self._profile), ("/races/", self._race), ("/runs/", self._run),
            ("/runs", self._runs), ("/stats", self._stats), ("/records", self._records),
        ]
        for prefix, route in routes:
            if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                return route(runner_id, path.removeprefix(prefix), request)
        return _problem(404, "Not Found")

    def _profile(self, runner_id: str, _: str, __: httpx.Request) -> httpx.Response:
        return _ok(ProfileRead, self.profiles.get(runner_id, {}))

    def _race(self, _: str, rest: str, __: httpx.Request) -> httpx.Response:
        race = self.races.get(int(rest))
        return _ok(RaceRead, race) if race else _problem(404, f"There is no race {rest}.")

    def _run(self, runner_id: str, rest: str, _: httpx.Request) -> httpx.Response:
        run = self.runs.get(int(rest))
        if run is None or run.runner_id != runner_id:
            return _problem(404, f"There is no run {rest}.")
        return _ok(RunDetail, run.detail())

    def _runs(self, runner_id: str, _: str, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        after = _instant(params.get("after"))
        limit = int(params.get("limit", "20"))
        offset = int(params.get("cursor", "0"))
        runs = sorted(
            (run for run in self.runs.values()
             if run.runner_id == runner_id and (after is None or run.started_at >= after)),
            key=lambda run: run.started_at, reverse=True,
        )
        page = runs[offset:offset + limit]
        more = offset + limit < len(runs)
        return _ok(RunList, {"items": [run.summary() for run in page],
                             "next_cursor": str(offset + limit) if more else None})

    def _stats(self, runner_id: str, _: str, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        assert params["period"] == "week"
        zone_name = self.profiles.get(runner_id, {}).get("time_zone", "UTC")
        zone = ZoneInfo(zone_name)
        first = date.fromisoformat(params["from"])
        first -= timedelta(days=first.weekday())
        last = date.fromisoformat(params["to"])
        buckets: dict[date, dict[str, Any]] = {}
        day = first
        while day <= last:
            buckets[day] = {"start": day.isoformat(), "runs": 0, "distance_m": 0.0,
                            "moving_time_s": 0, "elevation_gain_m": 0.0}
            day += timedelta(days=7)
        for run in self.runs.values():
            local = run.started_at.astimezone(zone).date()
            start = local - timedelta(days=local.weekday())
            if run.runner_id == runner_id and start in buckets:
                buckets[start]["runs"] += 1
                buckets[start]["distance_m"] += run.distance_m
                buckets[start]["moving_time_s"] += run.moving_time_s
        return _ok(StatsRead, {"period": "week", "time_zone": zone_name,
                               "buckets": list(buckets.values())})

    def _records(self, runner_id: str, _: str, request: httpx.Request) -> httpx.Response:
        if not self.has_records:
            return _problem(404, "Not Found")
        after = _instant(request.url.params.get("after"))
        items = [item for item in self.records.get(runner_id, [])
                 if after is None or datetime.fromisoformat(item["started_at"]) >= after]
        return _ok(BestEffortList, {"items": items})


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _ok(schema: type[BaseModel], body: dict[str, Any]) -> httpx.Response:
    # The real dataservice's schema vouches for the shape.
    return httpx.Response(200, json=schema.model_validate(body).model_dump(mode="json"))


def _problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": PROBLEM},
                          json={"type": "about:blank", "title": "Error", "status": status,
                                "detail": detail})


def network(dataservice: FakeDataservice, keys: TestKeys) -> httpx.MockTransport:
    """The peers plans talk to, by host: the fake dataservice, and tokendealer handing out
    this service's token."""

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "tokendealer.test":
            assert request.url.path == "/oauth/token"
            return httpx.Response(200, json={
                "access_token": keys.service_token("plans", SERVICE_SCOPES),
                "token_type": "Bearer", "expires_in": 300})
        if request.url.host == "dataservice.test":
            return dataservice.handle(request)
        raise httpx.ConnectError(f"no route to {request.url.host}", request=request)

    return httpx.MockTransport(route)



RUNNER_SCOPES = "plans:read plans:write"
Headers = dict[str, str]


class Clock:
    """The time the app sees: set, moved, never read from the machine."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "plans", tmp_path) as url:
        yield url


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


@pytest.fixture
def dataservice() -> FakeDataservice:
    return FakeDataservice()


@pytest.fixture
def peer_network(dataservice: FakeDataservice, keys: TestKeys) -> httpx.MockTransport:
    return network(dataservice, keys)


@pytest.fixture
def clock() -> Clock:
    # A Wednesday morning: plans made now start on Monday 9 March 2026.
    return Clock(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        broker_url="memory://",
        dataservice_url="http://dataservice.test",
        tokendealer_url="http://tokendealer.test",
    )


@pytest.fixture
def app(settings: Settings, keys: TestKeys, dataservice: FakeDataservice, clock: Clock
        ) -> FastAPI:
    app = create_app(settings, peer_transport=network(dataservice, keys), clock=clock)
    keys.install(app)
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def runtime(app: FastAPI, client: TestClient) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


@pytest.fixture
def runner_headers(keys: TestKeys) -> Callable[..., Headers]:
    def headers(runner_id: str = "alice", scopes: str = RUNNER_SCOPES) -> Headers:
        return bearer(keys.token(runner_id, scopes))

    return headers


@pytest.fixture
def alice(runner_headers: Callable[..., Headers]) -> Headers:
    return runner_headers("alice")


@pytest.fixture
def bob(runner_headers: Callable[..., Headers]) -> Headers:
    return runner_headers("bob")


@pytest.fixture
def outbox_events(runtime: Runtime) -> Callable[[str], list[dict[str, Any]]]:
    def events(name: str) -> list[dict[str, Any]]:
        with runtime.database.sessions() as session:
            return list(session.scalars(
                sa.select(OutboxMessage.payload)
                .where(OutboxMessage.kind == "event", OutboxMessage.name == name)
                .order_by(OutboxMessage.id)
            ))

    return events


@pytest.fixture
def count_rows(runtime: Runtime) -> Callable[[str], int]:
    def count(table: str) -> int:
        with runtime.database.sessions() as session:
            return int(session.scalar(sa.select(sa.func.count()).select_from(sa.table(table))))

    return count
