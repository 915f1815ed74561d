"""The shared part of every service's runtime, its peers' clients and its worker's start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from runnerly_kit.app import create_app
from runnerly_kit.db import Base, metadata
from runnerly_kit.messages import RunCreated, UserDeleted
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin
from runnerly_kit.runtime import PeerClients, ServiceRuntime, build_service_runtime, peer_timeout
from runnerly_kit.settings import KitSettings, peer_url, public_url_setting
from runnerly_kit.tasks import EVENT_TASK, create_celery
from runnerly_kit.topology import SERVICES
from runnerly_kit.worker import bootstrap_worker

MIGRATIONS = Path(__file__).parent / "migrations"


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    pass


class ReportsSettings(KitSettings):
    """Settings of a service of the topology that calls peers with a token of its own."""

    model_config = SettingsConfigDict(env_prefix="RUNNERLY_REPORTS_", extra="ignore")
    service_name = "reports"
    dataservice_url: str = peer_url("dataservice")  # type: ignore[assignment]
    plans_url: str = peer_url("plans")  # type: ignore[assignment]


class LonerSettings(KitSettings):
    service_name = "loner"


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[ReportsSettings]):
    greeting: str


@pytest.fixture
def settings(tmp_path: Path) -> ReportsSettings:
    return ReportsSettings(
        env="test", data_dir=tmp_path, client_secret=SecretStr("s3cret"), max_body_bytes=2048
    )


def _runtime(settings: ReportsSettings, **kwargs: Any) -> Runtime:
    return build_service_runtime(
        Runtime,
        settings,
        MIGRATIONS,
        revocation_model=Revocation,
        outbox_model=OutboxMessage,
        greeting="hello",
        **kwargs,
    )


def test_the_runtime_holds_the_shared_parts_and_the_services_own(
    settings: ReportsSettings,
) -> None:
    closed: list[str] = []
    runtime = _runtime(settings, closers=[lambda: closed.append("peers")])

    assert runtime.greeting == "hello"
    assert runtime.database.url == settings.database_url
    assert runtime.celery.main == "reports"
    assert runtime.outbox is not None
    assert runtime.now().tzinfo is UTC
    runtime.close()
    assert closed == ["peers"]


def test_a_service_that_sends_nothing_has_no_outbox_and_the_clock_is_injected(
    settings: ReportsSettings,
) -> None:
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    runtime = build_service_runtime(
        Runtime,
        settings,
        MIGRATIONS,
        revocation_model=Revocation,
        clock=lambda: moment,
        greeting="hi",
    )

    assert runtime.outbox is None
    assert runtime.now() == moment


def test_the_app_takes_its_parts_from_the_runtime_and_closes_it(
    settings: ReportsSettings,
) -> None:
    closed: list[str] = []
    runtime = _runtime(settings, closers=[lambda: closed.append("peers")])
    app = create_app(settings, title="reports", routers=[], runtime=runtime, verify_tokens=False)

    with TestClient(app) as client:
        assert app.state.runtime is runtime
        assert client.get("/health/ready").status_code == 200
        with runtime.database.transaction() as session:  # migrated at start
            assert session.scalar(sa.text("SELECT count(*) FROM notes")) == 0
    assert closed == ["peers"]


def test_some_paths_may_take_larger_bodies(settings: ReportsSettings) -> None:
    app = FastAPI()

    @app.post("/{path:path}")
    def echo(path: str) -> str:
        return path

    limited = create_app(
        settings, title="t", routers=[], verify_tokens=False, body_limits={"/upload": 8192}
    )
    limited.mount("/", app)
    body = b"x" * 4096

    with TestClient(limited) as client:
        assert client.post("/upload", content=body).status_code == 200
        assert client.post("/upload/more", content=body).status_code == 200
        for path in ("/uploads", "/other", "/"):
            response = client.post(path, content=body)
            assert response.status_code == 413, path
            assert "2048 bytes" in response.json()["detail"]
        assert client.post("/upload", content=body * 3).json()["detail"].endswith(
            "8192 bytes."
        )


def test_the_most_specific_path_limit_wins() -> None:
    from runnerly_kit.middleware import BodySizeLimitMiddleware

    middleware = BodySizeLimitMiddleware(
        FastAPI(), max_bytes=10, path_limits={"/api/": 20, "/api/import": 30}
    )

    assert middleware.limit_for("/api/import") == 30
    assert middleware.limit_for("/api/import/7") == 30
    assert middleware.limit_for("/api/runs") == 20
    assert middleware.limit_for("/apis") == 10


def _peer_network(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "own", "expires_in": 900})
        return httpx.Response(200, json={})

    return httpx.MockTransport(handle)


def test_peers_share_one_token_with_the_scopes_the_topology_gives(
    settings: ReportsSettings,
) -> None:
    seen: list[httpx.Request] = []
    peers = PeerClients(settings, read_seconds=12, transport=_peer_network(seen))
    dataservice = peers.client("dataservice")
    plans = peers.client("plans", read_seconds=40)

    dataservice.request("GET", "/runs")
    plans.request("GET", "/plans")

    [token_request] = [r for r in seen if r.url.path == "/oauth/token"]
    assert str(token_request.url) == settings.token_url
    form = parse_qs(token_request.content.decode())
    assert form["scope"] == [SERVICES["reports"].scopes]
    calls = [r for r in seen if r.url.path != "/oauth/token"]
    assert [str(r.url) for r in calls] == [
        f"{SERVICES['dataservice'].default_url}/runs",
        f"{SERVICES['plans'].default_url}/plans",
    ]
    assert {r.headers["Authorization"] for r in calls} == {"Bearer own"}
    assert dataservice._http.timeout == peer_timeout(12)
    assert plans._http.timeout == httpx.Timeout(40, connect=2.0)
    peers.close()
    assert dataservice._http.is_closed and plans._http.is_closed


def test_a_peer_may_be_called_without_the_services_token_or_with_another(
    settings: ReportsSettings,
) -> None:
    seen: list[httpx.Request] = []
    peers = PeerClients(settings, scopes="plans:read", transport=_peer_network(seen))

    peers.client("plans", own_token=False).request("GET", "/a", token="runner")
    narrow = peers.credentials_for("stats:read")
    peers.client("dataservice", credentials=narrow).request("GET", "/b")

    assert [r.headers["Authorization"] for r in seen if r.url.path != "/oauth/token"] == [
        "Bearer runner",
        "Bearer own",
    ]
    [token_request] = [r for r in seen if r.url.path == "/oauth/token"]
    assert parse_qs(token_request.content.decode())["scope"] == ["stats:read"]
    assert peers.scopes == "plans:read"


def test_a_service_outside_the_topology_asks_for_no_scope(tmp_path: Path) -> None:
    assert PeerClients(LonerSettings(data_dir=tmp_path)).scopes == ""


def test_a_short_probe_does_not_wait_longer_to_connect() -> None:
    assert peer_timeout(1.0) == httpx.Timeout(1.0)


def test_the_worker_migrates_registers_and_embeds_its_beat(settings: ReportsSettings) -> None:
    runtime = _runtime(settings)
    registered: list[str] = []

    bootstrap_worker(
        runtime,
        handlers={UserDeleted: lambda event: None},
        register=[lambda: registered.append("tasks")],
        beat_schedule={"tick": {"task": "reports.tick", "schedule": 60}},
        embed=True,
    )

    assert registered == ["tasks"]
    assert EVENT_TASK in runtime.celery.tasks
    assert runtime.celery.conf.beat_schedule == {
        "tick": {"task": "reports.tick", "schedule": 60}
    }
    assert runtime.celery.conf.beat_schedule_filename == str(
        settings.service_dir / "celerybeat-schedule"
    )
    assert "ThreadedBeat" in {step.__name__ for step in runtime.celery.steps["worker"]}
    with runtime.database.transaction() as session:
        assert session.scalar(sa.text("SELECT count(*) FROM notes")) == 0


def test_a_worker_without_a_schedule_runs_no_beat(settings: ReportsSettings) -> None:
    runtime = _runtime(settings)

    bootstrap_worker(runtime, handlers={}, beat_schedule=None, embed=True)

    assert not runtime.celery.conf.beat_schedule
    assert not runtime.celery.steps["worker"]


def test_a_handler_for_an_event_the_topology_does_not_route_is_refused(
    settings: ReportsSettings,
) -> None:
    runtime = _runtime(settings)

    with pytest.raises(ValueError, match=r"run\.created"):
        bootstrap_worker(runtime, handlers={RunCreated: lambda event: None})


def test_a_schedule_not_embedded_is_left_to_a_beat_of_its_own(settings: ReportsSettings) -> None:
    runtime = _runtime(settings)

    bootstrap_worker(runtime, handlers={}, beat_schedule={}, embed=False)

    assert runtime.celery.conf.beat_schedule_filename.endswith("celerybeat-schedule")
    assert not runtime.celery.steps["worker"]


def test_two_services_workers_keep_their_own_handlers_in_one_process(tmp_path: Path) -> None:
    seen: list[str] = []
    runtimes = [
        _runtime(ReportsSettings(env="test", data_dir=tmp_path / name)) for name in ("a", "b")
    ]
    for name, runtime in zip(("a", "b"), runtimes, strict=True):
        bootstrap_worker(runtime, handlers={UserDeleted: lambda _, name=name: seen.append(name)})
        Model.metadata.create_all(runtime.database.engine)
    later = create_celery("later", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    later.finalize()

    assert EVENT_TASK not in later.tasks
    for runtime in runtimes:
        runtime.celery.tasks[EVENT_TASK].run("user.deleted", {"user_id": "u1"}, "m1")
    assert seen == ["a", "b"]


def test_the_public_url_defaults_to_the_front_door(tmp_path: Path) -> None:
    class Front(KitSettings):
        service_name = "front"
        public_url: str = public_url_setting()  # type: ignore[assignment]

    assert Front(data_dir=tmp_path).public_url == SERVICES["dashboard"].default_url


def test_a_schedule_of_a_service_the_topology_gives_no_beat_is_refused(tmp_path: Path) -> None:
    class PlansSettings(KitSettings):
        service_name = "plans"

    runtime = build_service_runtime(
        Runtime,
        PlansSettings(env="test", data_dir=tmp_path),
        MIGRATIONS,
        revocation_model=Revocation,
        greeting="hi",
    )

    with pytest.raises(ValueError, match="no beat"):
        bootstrap_worker(runtime, handlers={}, beat_schedule={})
