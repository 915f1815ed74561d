"""Ingest on a temp database built by its migrations, with its peers in process: the real
dataservice app (on its own SQLite file), the Strava simulator app, and tokendealer played
by a handler that hands out service tokens signed by the test keys. Nothing inside ingest
is mocked; only the network is replaced by transports that route by host."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from runnerly_dataservice.config import Settings as DataserviceSettings
from runnerly_dataservice.main import create_app as create_dataservice
from runnerly_ingest.config import Settings
from runnerly_ingest.imports import service as imports_service
from runnerly_ingest.main import create_app
from runnerly_ingest.models import OutboxMessage
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import backfill as strava_backfill
from runnerly_ingest.strava import repository as strava_repository
from runnerly_kit.testing import DATABASE_BACKENDS, TestKeys, bearer, database_for_test
from runnerly_stravasim.clock import FakeClock
from runnerly_stravasim.config import Settings as SimulatorSettings
from runnerly_stravasim.main import create_app as create_simulator

RUNNER_SCOPES = "profile:read runs:read runs:delete runs:import"
STRAVA = "http://strava.test"
DATASERVICE = "http://dataservice.test"
TOKENDEALER = "http://tokendealer.test"
Headers = dict[str, str]


class HostRouter(httpx.BaseTransport):
    """Sends each request to the transport of its host."""

    def __init__(self, routes: dict[str, httpx.BaseTransport]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []
        self.statuses: list[tuple[str, str, int]] = []  # (host, path, status)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        transport = self.routes.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        response = transport.handle_request(request)
        self.statuses.append((request.url.host, request.url.path, response.status_code))
        return response


class AppTransport(httpx.BaseTransport):
    """An in-process app (through its TestClient) as an httpx transport."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.request(
            request.method,
            request.url.raw_path.decode(),
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            content=request.read(),
            follow_redirects=False,
        )
        headers = [(k, v) for k, v in answer.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length")]
        return httpx.Response(answer.status_code, headers=headers, content=answer.content,
                              request=request)


@dataclass
class Peers:
    router: HostRouter
    dataservice: TestClient


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "ingest", tmp_path) as url:
        yield url


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


DEMO_ACTIVITIES = 120


@pytest.fixture(scope="session")
def simulator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulator's demo history, generated once (it takes seconds) and copied per test."""
    folder = tmp_path_factory.mktemp("stravasim-template")
    create_simulator(SimulatorSettings(data_dir=folder, demo_activities=DEMO_ACTIVITIES))
    return folder / "stravasim.sqlite"


@pytest.fixture
def simulator_settings(tmp_path: Path, simulator_template: Path) -> SimulatorSettings:
    folder = tmp_path / "stravasim"
    folder.mkdir()
    shutil.copy(simulator_template, folder / "stravasim.sqlite")
    return SimulatorSettings(
        data_dir=folder, auto_approve=True, demo_activities=DEMO_ACTIVITIES, webhook_retries=0,
        fake_clock=True,
    )


@pytest.fixture
def peers(tmp_path: Path, keys: TestKeys) -> Iterator[Peers]:
    dataservice_app = create_dataservice(
        DataserviceSettings(env="test", data_dir=tmp_path / "dataservice", broker_url="memory://")
    )
    keys.install(dataservice_app)

    def tokendealer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/oauth/token"
        return httpx.Response(200, json={
            "access_token": keys.service_token("ingest", "runs:read runs:write"),
            "token_type": "Bearer", "expires_in": 300})

    with TestClient(dataservice_app) as dataservice:
        router = HostRouter({
            "dataservice.test": AppTransport(dataservice),
            "tokendealer.test": httpx.MockTransport(tokendealer),
        })
        yield Peers(router, dataservice)


@pytest.fixture
def clock() -> FakeClock:
    """One fake time for ingest and the simulator: rate-limit windows pass on demand."""
    return FakeClock()


@pytest.fixture
def simulator(
    peers: Peers, simulator_settings: SimulatorSettings, clock: FakeClock
) -> Iterator[TestClient]:
    """The Strava simulator, reachable at strava.test."""
    with TestClient(create_simulator(simulator_settings, clock=clock)) as simulator:
        peers.router.routes["strava.test"] = AppTransport(simulator)
        yield simulator


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        broker_url="memory://",
        dataservice_url=DATASERVICE,
        tokendealer_url=TOKENDEALER,
        strava_oauth_url=f"{STRAVA}/oauth",
        strava_api_url=f"{STRAVA}/api/v3",
        strava_client_id="12345",
        strava_client_secret="stravasim-demo-secret",
        webhook_verify_token="verify-me",
        demo_mode=True,
    )


@pytest.fixture
def app(settings: Settings, keys: TestKeys, peers: Peers, clock: FakeClock) -> FastAPI:
    app = create_app(
        settings,
        strava_transport=peers.router,
        peer_transport=peers.router,
        clock=lambda: datetime.fromtimestamp(clock.now(), UTC),
    )
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
def stored_runs(peers: Peers, runner_headers: Callable[..., Headers]) -> Callable[..., list[Any]]:
    """The runner's runs as the dataservice holds them, newest first (every page)."""

    def runs(runner_id: str = "alice") -> list[Any]:
        items: list[Any] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = peers.dataservice.get(
                "/runs", params=params, headers=runner_headers(runner_id)
            ).json()
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    return runs


@pytest.fixture
def link_strava(client: TestClient, simulator: TestClient) -> Callable[..., httpx2.Response]:
    """Link the runner to the simulator's demo athlete: connect, approve (the simulator
    auto-approves), and post the callback as the dashboard does."""

    def link(headers: Headers, scope: str | None = None) -> httpx2.Response:
        connect = client.get("/strava/connect", headers=headers)
        assert connect.status_code == 200, connect.text
        url = httpx.URL(connect.json()["authorize_url"])
        approved = simulator.get(url.raw_path.decode(), follow_redirects=False)
        assert approved.status_code in (302, 303), approved.text
        back = httpx.URL(approved.headers["location"]).params
        return client.post("/strava/callback", headers=headers, json={
            "code": back["code"], "state": back["state"],
            "scope": back.get("scope", "") if scope is None else scope})

    return link


@pytest.fixture
def run_backfill(runtime: Runtime, clock: FakeClock) -> Callable[..., int]:
    """Run the backfill's steps as the worker would, moving the clock over every pause;
    returns how many pauses it took."""

    def run(link_id: int = 1, max_steps: int = 200) -> int:
        pauses = 0
        for _ in range(max_steps):
            with runtime.database.transaction() as session:
                link = strava_repository.link(session, link_id)
                if link is None or link.backfill_state == "done":
                    return pauses
            resume_at = strava_backfill.backfill_step(runtime, link_id)
            if resume_at is not None:
                pauses += 1
                clock.set(max(clock.now(), resume_at.timestamp()) + 1)
        raise AssertionError("the backfill did not finish")

    return run


@pytest.fixture
def run_steps(runtime: Runtime) -> Callable[..., list[str]]:
    """The worker: each queued step (an outbox row, in the order it was queued, which is the
    queue's) runs ``import_step``; a step queues the next behind every other. Returns the
    job ids in the order their steps ran."""
    done: set[int] = set()

    def run(max_steps: int = 200) -> list[str]:
        order: list[str] = []
        for _ in range(max_steps):
            with runtime.database.transaction() as session:
                row = session.scalars(
                    sa.select(OutboxMessage)
                    .where(OutboxMessage.name == imports_service.STEP_TASK,
                           OutboxMessage.id.not_in(done or {0}))
                    .order_by(OutboxMessage.id)
                    .limit(1)
                ).first()
                if row is None:
                    return order
                done.add(row.id)
                kwargs = row.payload
            order.append(kwargs["job_id"])
            imports_service.import_step(runtime, kwargs["job_id"], kwargs["step"])
        raise AssertionError("the import did not finish")

    return run


@pytest.fixture
def upload(client: TestClient, run_steps: Callable[..., list[str]]) -> Callable[..., Any]:
    """Post files to ``/imports`` (202), let the worker's steps run, and return each file's
    outcome from ``GET /imports/{id}``."""

    def post(files: Any, headers: Headers, **extra: Any) -> list[dict[str, Any]]:
        response = client.post("/imports", files=files, headers=headers, **extra)
        assert response.status_code == 202, response.text
        run_steps()
        job = client.get(f"/imports/{response.json()['id']}", headers=headers)
        assert job.status_code == 200, job.text
        assert job.json()["finished_at"] is not None
        outcomes: list[dict[str, Any]] = job.json()["files"]
        return outcomes

    return post
