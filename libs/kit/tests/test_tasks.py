"""Tasks on a real worker (in a thread of the test) and a real broker: the embedded one
(kombu's SQL transport), and RabbitMQ when RUNNERLY_TEST_AMQP_URL is set."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty
from typing import Any

import pytest
import sqlalchemy as sa
from celery import Celery
from celery.contrib.testing.worker import start_worker
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from prometheus_client import REGISTRY
from pydantic import ValidationError
from structlog.testing import capture_logs

from runnerly_kit.db import Base, Database, metadata
from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logging import current_request_id, request_id_var
from runnerly_kit.messages import DeletedRun, RunCreated, RunDeleted, SendMail, UserDeleted
from runnerly_kit.outbox import Outbox, OutboxMixin
from runnerly_kit.revocations import RevocationMixin, Revocations
from runnerly_kit.tasks import create_celery, embed_beat, register_event_handlers

from .conftest import wait_for

AMQP_URL = os.environ.get("RUNNERLY_TEST_AMQP_URL")
BROKERS = ["embedded", *(["rabbitmq"] if AMQP_URL else [])]
# A worker on RabbitMQ notices the stop at its next poll, up to 10 s away.
WORKER: dict[str, Any] = {"perform_ping_check": False, "shutdown_timeout": 60}


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    pass


def _counted(service: str, task: str, outcome: str) -> float:
    labels = {"service": service, "task": task, "outcome": outcome}
    return REGISTRY.get_sample_value("runnerly_tasks_total", labels) or 0.0


def _waiting(app: Celery, queue: str) -> int:
    with app.connection_for_write() as connection:
        return int(connection.default_channel.queue_declare(queue, passive=True).message_count)


@pytest.fixture(params=BROKERS)
def service_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Celery]:
    """An app of a service of its own: on a shared RabbitMQ, its queue is no one else's."""
    service = f"kit{uuid.uuid4().hex[:8]}"
    if request.param == "rabbitmq":
        assert AMQP_URL is not None
        app = create_celery(service, AMQP_URL)
    else:
        app = create_celery(service, f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    yield app
    if request.param == "rabbitmq":
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(service)


@pytest.mark.parametrize("pool", ["solo", "threads"])
def test_a_task_runs_with_the_asking_request_id_is_counted_and_acknowledged(
    service_app: Celery, pool: str
) -> None:
    service = service_app.main
    seen: list[str | None] = []

    @service_app.task(name=f"{service}.notes.record")  # type: ignore[untyped-decorator]
    def record() -> None:
        seen.append(current_request_id())

    @service_app.task(name=f"{service}.notes.fail")  # type: ignore[untyped-decorator]
    def fail() -> None:
        raise ValueError("not worth retrying")

    token = request_id_var.set("rid-asked")
    try:
        record.delay()
        # A message that names its request id (the outbox's) keeps it.
        record.apply_async(headers={"request_id": "rid-given"})
        fail.delay()
    finally:
        request_id_var.reset(token)
    ok_before = _counted(service, record.name, "ok")
    error_before = _counted(service, fail.name, "error")

    with start_worker(service_app, pool=pool, **WORKER):
        wait_for(lambda: _counted(service, fail.name, "error") == error_before + 1, "tasks")
        wait_for(lambda: len(seen) == 2, "both records")

    assert sorted(seen, key=str) == ["rid-asked", "rid-given"]
    assert _counted(service, record.name, "ok") == ok_before + 2
    assert current_request_id() is None  # the worker's thread kept its own
    assert _waiting(service_app, service) == 0  # every message acknowledged


def test_a_peer_that_cannot_answer_now_is_asked_again_later(service_app: Celery) -> None:
    """A service's ``ServiceUnavailable`` (a peer down or overloaded) retries the task with
    backoff, as a dropped connection does: no task translates it by hand."""
    service = service_app.main
    tries: list[int] = []

    @service_app.task(name=f"{service}.notes.sync")  # type: ignore[untyped-decorator]
    def sync() -> None:
        tries.append(len(tries) + 1)
        if len(tries) == 1:
            raise ServiceUnavailable("The dataservice is not answering.")

    sync.delay()
    with start_worker(service_app, pool="solo", **WORKER):
        wait_for(lambda: _counted(service, sync.name, "ok") == 1, "the task to succeed")

    assert tries == [1, 2]
    assert _counted(service, sync.name, "error") == 1


def test_beat_runs_in_a_thread_of_the_worker_and_stops_with_it(
    service_app: Celery, tmp_path: Path
) -> None:
    service = service_app.main
    ticks: list[float] = []

    @service_app.task(name=f"{service}.clock.tick")  # type: ignore[untyped-decorator]
    def tick() -> None:
        ticks.append(time.monotonic())

    service_app.conf.beat_schedule = {"tick": {"task": tick.name, "schedule": 0.2}}
    service_app.conf.beat_schedule_filename = str(tmp_path / "beat-schedule")
    embed_beat(service_app)

    with start_worker(service_app, **WORKER) as worker:
        wait_for(lambda: len(ticks) >= 2, "two ticks")
        [beat] = [step.obj for step in worker.steps if type(step).__name__ == "ThreadedBeat"]
        assert beat.is_alive()

    beat.join(timeout=10)
    assert not beat.is_alive()


def test_events_reach_the_handlers_after_the_revocations(tmp_path: Path) -> None:
    # The embedded broker only: event queues are named after the services, and a shared
    # RabbitMQ may carry a running system's.
    database = Database(f"sqlite:///{tmp_path / 'plans.sqlite'}")
    Model.metadata.create_all(database.engine)
    app = create_celery("plans", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    outbox = Outbox(OutboxMessage, database, app, "plans")
    revocations = Revocations(Revocation, database)
    handled: list[tuple[str, Any]] = []

    def run_created(event: RunCreated) -> None:
        handled.append(("run.created", event.run_ids))

    def user_deleted(event: UserDeleted) -> None:
        with database.transaction() as session:
            handled.append(("user.deleted", revocations.admits(session, event.user_id)))

    register_event_handlers(
        app,
        {RunCreated: run_created, UserDeleted: user_deleted},
        revocations=revocations,
        outbox=outbox,
    )
    with database.transaction() as session:
        outbox.emit(session, RunDeleted(
            runner_id="u2", runs=[DeletedRun(run_id=7, source="strava", external_id="7")]
        ))
        outbox.emit(session, RunCreated(runner_id="u2", run_ids=[8]))
        outbox.emit(session, UserDeleted(user_id="u1", email="ada@example.com"))
    assert outbox.relay() == 3
    with database.transaction() as session:  # written after the relay: forgotten unsent
        outbox.send_task(session, SendMail(to="ada@example.com", subject="Hi", text="Hello"))

    with capture_logs() as logs, start_worker(app, **WORKER):
        wait_for(lambda: len(handled) == 2, "the handlers")
        wait_for(lambda: any(log["event"] == "event.ignored" for log in logs), "run.deleted")

    assert handled == [("run.created", [8]), ("user.deleted", False)]
    [ignored] = [log for log in logs if log["event"] == "event.ignored"]
    assert ignored["name"] == "run.deleted"
    with database.transaction() as session:
        names = session.scalars(sa.select(OutboxMessage.name)).all()
    assert "mailer.mail.send" not in names


def _poisoned_row(name: str, payload: dict[str, Any]) -> OutboxMessage:
    """A row as a bug or an older emitter might have written it, past the models."""
    return OutboxMessage(
        message_id=uuid.uuid4().hex, kind="event", name=name, payload=payload,
        created_at=datetime.now(UTC),
    )


# Payloads a bug or an older emitter may have written past the models.
POISONS: list[dict[str, Any]] = [
    {"runner_id": "u2"},  # a field missing
    {"runner_id": "u2", "run_ids": ["eight"]},  # of the wrong type
    {"runner_id": 5, "run_ids": [8]},  # an id not a string
]


def test_an_event_that_does_not_parse_is_logged_and_dropped_not_retried(
    tmp_path: Path,
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'plans.sqlite'}")
    Model.metadata.create_all(database.engine)
    app = create_celery("plans", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    outbox = Outbox(OutboxMessage, database, app, "plans")
    handled: list[RunCreated] = []
    register_event_handlers(
        app, {RunCreated: handled.append}, revocations=Revocations(Revocation, database),
        outbox=outbox,
    )
    with database.transaction() as session:
        for payload in POISONS:
            session.add(_poisoned_row(RunCreated.name, payload))
            session.flush()  # in order: the poisons first
        outbox.emit(session, RunCreated(runner_id="u2", run_ids=[9]))
    assert outbox.relay() == len(POISONS) + 1

    with capture_logs() as logs, start_worker(app, **WORKER):
        wait_for(lambda: len(handled) == 1, "the message after the poisons")

    assert handled == [RunCreated(runner_id="u2", run_ids=[9])]
    poisoned = [log for log in logs if log["event"] == "message.poisoned"]
    assert len(poisoned) == len(POISONS)  # each once: dropped, not retried
    assert {log["name"] for log in poisoned} == {"run.created"}
    assert all(log["errors"] for log in poisoned)
    assert "u2" not in str(poisoned)  # where and why, never the values


def test_an_event_from_a_newer_sender_is_handled_without_the_fields_it_added(
    tmp_path: Path,
) -> None:
    # A rolling upgrade: the emitter already adds a field this consumer does not know yet.
    database = Database(f"sqlite:///{tmp_path / 'plans.sqlite'}")
    Model.metadata.create_all(database.engine)
    app = create_celery("plans", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    outbox = Outbox(OutboxMessage, database, app, "plans")
    handled: list[RunCreated] = []
    register_event_handlers(
        app, {RunCreated: handled.append}, revocations=Revocations(Revocation, database),
        outbox=outbox,
    )
    with database.transaction() as session:
        session.add(_poisoned_row(
            RunCreated.name, {"runner_id": "u3", "run_ids": [7], "source": "strava"}
        ))
    assert outbox.relay() == 1

    with capture_logs() as logs, start_worker(app, **WORKER):
        wait_for(lambda: len(handled) == 1, "the newer event")

    assert handled == [RunCreated(runner_id="u3", run_ids=[7])]
    assert [log["fields"] for log in logs if log["event"] == "message.unknown_fields"] == [
        ["source"]
    ]
    with pytest.raises(ValidationError):
        RunCreated(runner_id="u3", run_ids=[7], source="strava")  # type: ignore[call-arg]


def test_a_broker_file_held_by_another_process_is_left_to_it(tmp_path: Path) -> None:
    broker = tmp_path / "held" / "broker.sqlite"
    broker.parent.mkdir()
    with closing(sqlite3.connect(broker, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with capture_logs() as logs:
            app = create_celery("demo", f"sqla+sqlite:///{broker}")
        holder.execute("ROLLBACK")

    assert app.conf.broker_url.endswith("broker.sqlite")
    assert [log["event"] for log in logs] == ["broker.wal_deferred"]
    with closing(sqlite3.connect(broker)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_the_embedded_broker_is_looked_at_more_often_than_kombus_default_second(
    tmp_path: Path,
) -> None:
    # A task waited in the queue for the next look: an import on an idle system took a
    # second, most of it there. Each look costs CPU while idle, hence not far below this.
    app = create_celery("svc", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    with app.connection_for_write() as connection:
        transport = connection.transport
        assert isinstance(transport, kombu_sqlalchemy.Transport)
        assert transport.polling_interval <= 0.1
        assert connection.as_uri().startswith("sqlite:///")


def test_rabbitmq_is_not_polled() -> None:
    app = create_celery("svc", "amqp://guest:guest@127.0.0.1:5672//")
    with app.connection_for_write() as connection:
        assert connection.transport.driver_type == "amqp"


def test_an_empty_queue_is_looked_at_without_the_brokers_write_lock(tmp_path: Path) -> None:
    # Looked at ten times a second by every worker: a look that took SQLite's write lock
    # would queue behind (and hold up) every service publishing a task meanwhile.
    path = tmp_path / "broker.sqlite"
    app = create_celery("svc", f"sqla+sqlite:///{path}")
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        channel.queue_declare("svc")
        with closing(sqlite3.connect(path, timeout=0.1, isolation_level=None)) as publisher:
            publisher.execute("BEGIN IMMEDIATE")  # a publisher holds the write lock
            try:
                with pytest.raises(Empty):
                    channel._get("svc")
            finally:
                publisher.execute("ROLLBACK")
