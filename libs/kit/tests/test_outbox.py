"""The outbox, on a real database and the embedded broker (kombu's SQL transport)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from structlog.testing import capture_logs

from runnerly_kit.db import Base, Database, metadata
from runnerly_kit.messages import RunCreated, SendMail, UserDeleted
from runnerly_kit.outbox import Outbox, OutboxMixin
from runnerly_kit.tasks import EVENT_TASK, create_celery
from runnerly_kit.testing import DATABASE_BACKENDS, database_for_test

from .conftest import wait_for


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class Note(Model):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(50))


class OutboxMessage(OutboxMixin, Model):
    pass


@pytest.fixture(params=DATABASE_BACKENDS)
def outbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outbox]:
    with database_for_test(request.param, "kit", tmp_path) as url:
        database = Database(url)
        Model.metadata.create_all(database.engine)
        celery = create_celery("mailer", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
        yield Outbox(OutboxMessage, database, celery, "demo")
        database.dispose()


def _mail(to: str = "a@b.c", **fields: Any) -> SendMail:
    return SendMail(**{"to": to, "subject": "Hello", "text": "Open the link.", **fields})


MAIL = {"to": "a@b.c", "subject": "Hello", "text": "Open the link."}


def _drain(outbox: Outbox, queue: str) -> list[dict[str, Any]]:
    received = []
    with outbox.celery.connection_for_read() as connection:
        simple = connection.SimpleQueue(queue)
        while True:
            try:
                message = simple.get(timeout=0.5)
            except simple.Empty:
                break
            received.append({"headers": message.headers, "body": message.payload})
            message.ack()
        simple.close()
    return received


def test_messages_are_written_with_the_change_and_relayed_after(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        session.add(Note(text="hello"))
        outbox.emit(session, UserDeleted(user_id="u1", email="a@b.c"))
        outbox.send_task(session, _mail())

    assert outbox.relay() == 2
    assert outbox.relay() == 0  # nothing is sent twice

    [event] = _drain(outbox, "mailer.events")
    assert event["headers"]["task"] == EVENT_TASK
    _args, kwargs, _ = event["body"]
    assert kwargs["event"] == "user.deleted" and kwargs["payload"]["user_id"] == "u1"
    [task] = _drain(outbox, "mailer")
    assert task["headers"]["task"] == "mailer.mail.send"
    assert task["body"][1] == MAIL  # the fields given, and no more


def test_a_service_sends_itself_a_task_by_name_and_another_only_by_model(
    outbox: Outbox,
) -> None:
    with outbox.database.transaction() as session:
        outbox.send_task(session, "demo.reports.build", {"month": "2026-01"}, secret=True)
        outbox.send_task(session, "demo.reports.run_month", {"month": "2026-02"})
        for other in ("mailer.mail.send", "demoted.x.y", "demo"):
            with pytest.raises(ValueError, match="another service's command"):
                outbox.send_task(session, other, {"to": "a@b.c"})

    assert outbox.relay() == 2
    assert _kept(outbox) == [("demo.reports.run_month", True)]  # the secret one went
    assert [m["body"][1] for m in _drain(outbox, "demo")] == [
        {"month": "2026-01"}, {"month": "2026-02"}
    ]


def test_a_rolled_back_change_sends_nothing(outbox: Outbox) -> None:
    with pytest.raises(RuntimeError), outbox.database.transaction() as session:
        session.add(Note(text="hello"))
        outbox.emit(session, UserDeleted(user_id="u1", email="a@b.c"))
        raise RuntimeError("the change failed")

    assert outbox.relay() == 0
    with outbox.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Note)) == 0


def test_messages_wait_in_the_outbox_while_the_broker_is_down(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        outbox.emit(session, UserDeleted(user_id="u1", email="a@b.c"))
    broken = create_celery("demo", "amqp://guest:guest@127.0.0.1:1//")
    broken.conf.broker_connection_max_retries = 0
    broken.conf.broker_transport_options = {"max_retries": 0}
    healthy = outbox.celery
    outbox.celery = broken

    with pytest.raises(Exception):  # noqa: B017 - whatever the client library raises
        outbox.relay()

    outbox.celery = healthy
    assert outbox.relay() == 1


def test_the_embedded_broker_writes_ahead_and_delivers(outbox: Outbox, tmp_path: Path) -> None:
    broker = tmp_path / "broker.sqlite"
    with closing(sqlite3.connect(broker)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    with outbox.database.transaction() as session:
        outbox.send_task(session, _mail())
    assert outbox.relay() == 1
    assert [m["body"][1] for m in _drain(outbox, "mailer")] == [MAIL]


def _kept(outbox: Outbox) -> list[tuple[str, bool]]:
    with outbox.database.transaction() as session:
        rows = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.name, row.sent_at is not None) for row in rows]


def test_a_secret_message_is_deleted_as_it_is_relayed(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        # Secret by their models: every mail and every deletion holds an address.
        outbox.send_task(session, _mail(text="reset: /r?token=s3cr3t"))
        outbox.emit(session, UserDeleted(user_id="u1", email="a@b.c"))
        outbox.emit(session, RunCreated(runner_id="u2", run_ids=[1]))
        outbox.emit_many(session, [UserDeleted(user_id="u3", email="c@d.e")])

    assert outbox.relay() == 4

    assert _kept(outbox) == [("run.created", True)]
    assert [m["body"][1] for m in _drain(outbox, "mailer")] == [
        {**MAIL, "text": "reset: /r?token=s3cr3t"}
    ]


def test_relayed_messages_are_purged_after_the_retention(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        outbox.emit(session, RunCreated(runner_id="u2", run_ids=[1]))
    outbox.relay()
    with outbox.database.transaction() as session:
        outbox.emit(session, RunCreated(runner_id="u2", run_ids=[2]))  # not relayed
    outbox.retention = timedelta(hours=1)

    assert outbox.purge(datetime.now(UTC) + timedelta(minutes=59)) == 0
    assert outbox.purge(datetime.now(UTC) + timedelta(minutes=61)) == 1

    assert _kept(outbox) == [("run.created", False)]


def test_forgetting_a_runner_drops_every_message_naming_them(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        outbox.emit(session, RunCreated(runner_id="u1", run_ids=[1]))
        outbox.send_task(session, _mail("a_b%c@example.com"))
        outbox.emit(session, RunCreated(runner_id="u11", run_ids=[2]))
    outbox.relay()
    with outbox.database.transaction() as session:
        outbox.send_task(session, _mail("a_b%c@example.com", user_id="u1"))
        outbox.send_task(session, _mail("axbyc@example.com"))

    with outbox.database.transaction() as session:
        assert outbox.forget(session, ["u1", "a_b%c@example.com"]) == 2

    assert _kept(outbox) == [("run.created", True), ("mailer.mail.send", False)]


def test_a_bulk_of_events_is_written_at_once_and_relayed_in_batches(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        outbox.emit_many(session, [])  # nothing to say: nothing written
    assert _kept(outbox) == []
    with outbox.database.transaction() as session:
        outbox.emit_many(session, [RunCreated(runner_id="u1", run_ids=[n]) for n in range(5)])

    assert outbox.relay(batch=2) == 5

    assert _kept(outbox) == [("run.created", True)] * 5
    events = _drain(outbox, "plans.events")
    assert [event["body"][1]["payload"]["run_ids"] for event in events] == [[n] for n in range(5)]


def test_forgetting_no_name_forgets_nothing(outbox: Outbox) -> None:
    with outbox.database.transaction() as session:
        outbox.emit(session, RunCreated.model_construct(runner_id="", run_ids=[1]))
        assert outbox.forget(session, ["", ""]) == 0

    assert _kept(outbox) == [("run.created", False)]


def test_the_relay_thread_outlives_a_database_not_ready_yet(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'late.sqlite'}")  # no tables yet
    celery = create_celery("mailer", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    outbox = Outbox(OutboxMessage, database, celery, "demo")
    failures: list[str] = []
    with capture_logs() as logs:
        outbox.start(poll_seconds=0.05)
        try:
            # Both the relay and the purge fail on the missing table, and are tried again.
            wait_for(
                lambda: {"outbox.relay_failed", "outbox.purge_failed"}
                <= {log["event"] for log in logs},
                "both failures",
            )
            Model.metadata.create_all(database.engine)
            with database.transaction() as session:
                outbox.send_task(session, _mail())
            # A mail is secret: its row goes as it is relayed.
            wait_for(lambda: _kept(outbox) == [], "the relay")
        finally:
            outbox.stop()
        failures = [log["event"] for log in logs if log["log_level"] == "warning"]

    assert outbox._thread is not None and not outbox._thread.is_alive()
    assert set(failures) == {"outbox.relay_failed", "outbox.purge_failed"}
    assert outbox.retention == timedelta(hours=24)  # not given: kept
    assert [m["body"][1] for m in _drain(outbox, "mailer")] == [MAIL]


def test_stopping_a_relay_never_started_does_nothing(outbox: Outbox) -> None:
    outbox.stop()

    assert outbox._thread is None
