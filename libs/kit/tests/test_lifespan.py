"""The app's lifespan and its request-owned transaction, on a database built by migrations
(SQLite, and PostgreSQL when named) and the embedded broker (RabbitMQ when named)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_kit.app import create_app
from runnerly_kit.db import Base, Database, SessionDep, metadata
from runnerly_kit.errors import Conflict, TooManyRequests
from runnerly_kit.messages import Event
from runnerly_kit.outbox import Outbox, OutboxMixin
from runnerly_kit.settings import KitSettings
from runnerly_kit.tasks import create_celery
from runnerly_kit.testing import DATABASE_BACKENDS, database_for_test

from .conftest import wait_for

MIGRATIONS = Path(__file__).parent / "migrations"
AMQP_URL = os.environ.get("RUNNERLY_TEST_AMQP_URL")
BROKERS = ["embedded", *(["rabbitmq"] if AMQP_URL else [])]


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class Note(Model):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(50))


class OutboxMessage(OutboxMixin, Model):
    pass


class DemoSettings(KitSettings):
    service_name = "demo"


class KeptConflict(Conflict):
    keeps_changes = True


class NoteAdded(Event):
    """A note was added (this test's own event)."""

    name: ClassVar[str] = "note.added"
    emitted_by = ("demo",)
    consumed_by = ()

    text: str


router = APIRouter()


@router.post("/notes/{text}", status_code=201)
def add_note(text: str, session: SessionDep, request: Request) -> dict[str, str]:
    session.add(Note(text=text))
    request.app.state.outbox.emit(session, NoteAdded(text=text))
    if text == "refused":
        raise Conflict("Refused, and nothing kept.")
    if text == "counted":
        raise KeptConflict("Refused, and the note kept.")
    if text == "bug":
        raise RuntimeError("a bug")
    return {"text": text}


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "kit", tmp_path) as url:
        yield url


@pytest.fixture(params=BROKERS)
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "rabbitmq":
        assert AMQP_URL is not None
        return AMQP_URL
    return f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"


def test_the_lifespan_migrates_starts_the_relay_and_stops_it(
    database_url: str, broker_url: str, tmp_path: Path
) -> None:
    settings = DemoSettings(env="test", data_dir=tmp_path, outbox_poll_seconds=60)
    database = Database(database_url)
    celery = create_celery("demo", broker_url)
    outbox = Outbox(OutboxMessage, database, celery, "demo")
    calls: list[str] = []
    app = create_app(
        settings,
        title="demo",
        routers=[router],
        database=database,
        migrations_dir=MIGRATIONS,
        celery=celery,
        outbox=outbox,
        on_startup=lambda app: calls.append(f"start {app.title}"),
        on_shutdown=lambda app: calls.append(f"stop {app.title}"),
        verify_tokens=False,
    )

    with TestClient(app) as client:
        assert calls == ["start demo"]
        assert client.get("/health/ready").json()["checks"] == {
            "database": "ok",
            "broker": "ok",
        }
        assert client.post("/notes/hello").status_code == 201
        # Relayed at once after the commit, not at the next poll a minute away.
        wait_for(lambda: _relayed(database) == 1, "the relay")
        relay = outbox._thread
        assert relay is not None and relay.is_alive()

    assert calls == ["start demo", "stop demo"]
    assert not relay.is_alive()


def _relayed(database: Database) -> int:
    with database.transaction() as session:
        return len(
            session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))
            ).all()
        )


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    database = Database(database_url)
    celery = create_celery("demo", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    app = create_app(
        DemoSettings(env="test", data_dir=tmp_path),
        title="demo",
        routers=[router],
        database=database,
        migrations_dir=MIGRATIONS,
        verify_tokens=False,
    )
    app.state.outbox = Outbox(OutboxMessage, database, celery, "demo")  # not relayed
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _kept(client: TestClient) -> tuple[list[str], list[str]]:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.transaction() as session:
        notes = session.scalars(sa.select(Note.text).order_by(Note.id)).all()
        messages = session.scalars(sa.select(OutboxMessage.payload).order_by(OutboxMessage.id))
        return list(notes), [payload["text"] for payload in messages]


def test_the_request_commits_what_it_wrote_when_it_answers(client: TestClient) -> None:
    assert client.post("/notes/hello").status_code == 201

    assert _kept(client) == (["hello"], ["hello"])


@pytest.mark.parametrize(("text", "status"), [("refused", 409), ("bug", 500)])
def test_a_refused_or_failed_request_keeps_nothing(
    client: TestClient, text: str, status: int
) -> None:
    assert client.post(f"/notes/{text}").status_code == status

    assert _kept(client) == ([], [])


def test_a_refusal_that_keeps_its_changes_commits_them(client: TestClient) -> None:
    response = client.post("/notes/counted")

    assert response.status_code == 409
    assert _kept(client) == (["counted"], ["counted"])


def test_the_broker_down_makes_the_service_unready(tmp_path: Path) -> None:
    celery = create_celery("demo", "amqp://guest:guest@127.0.0.1:1//")
    app = create_app(
        DemoSettings(env="test", data_dir=tmp_path), title="demo", routers=[], celery=celery
    )

    with TestClient(app) as client:
        response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("down: ")


def test_readiness_notes_are_said_without_making_the_service_unready(tmp_path: Path) -> None:
    def failing() -> str | None:
        raise ConnectionError("the peer is down")

    notes = {"strava": lambda: "Strava refuses the app.", "quiet": lambda: None, "peer": failing}
    app = create_app(
        DemoSettings(env="test", data_dir=tmp_path),
        title="demo",
        routers=[],
        readiness_notes=notes,
    )

    with TestClient(app) as client:
        response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["details"] == {
        "strava": "Strava refuses the app.",
        "peer": "unknown: ConnectionError",
    }


def test_a_rate_limit_says_when_to_come_back(tmp_path: Path) -> None:
    limited = APIRouter()

    @limited.post("/login")
    def login() -> None:
        raise TooManyRequests("Too many attempts.", retry_after=900)

    app = create_app(
        DemoSettings(env="test", data_dir=tmp_path), title="demo", routers=[limited]
    )

    with TestClient(app) as client:
        response = client.post("/login")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "900"
    assert response.json()["detail"] == "Too many attempts."


def test_a_relay_thread_is_not_left_behind_by_an_app_that_fails_to_start(
    database_url: str, tmp_path: Path
) -> None:
    database = Database(database_url)
    celery = create_celery("demo", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    outbox = Outbox(OutboxMessage, database, celery, "demo")

    def refuse(app: FastAPI) -> None:
        raise RuntimeError("a setting is wrong")

    app = create_app(
        DemoSettings(env="test", data_dir=tmp_path),
        title="demo",
        routers=[],
        database=database,
        migrations_dir=MIGRATIONS,
        outbox=outbox,
        on_startup=refuse,
    )

    with pytest.raises(RuntimeError, match="a setting is wrong"), TestClient(app):
        pass

    assert outbox._thread is None
