"""The values read at scrape: queue depths from the broker (the embedded SQL transport, and
RabbitMQ when RUNNERLY_TEST_AMQP_URL is set) and the outbox's lag from the database (SQLite,
and PostgreSQL when RUNNERLY_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from celery import Celery
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest

from runnerly_kit.app import create_app
from runnerly_kit.db import Base, Database, metadata
from runnerly_kit.messages import UserDeleted
from runnerly_kit.metrics import ScrapedCollector
from runnerly_kit.outbox import Outbox, OutboxMixin
from runnerly_kit.settings import KitSettings
from runnerly_kit.tasks import create_celery
from runnerly_kit.testing import DATABASE_BACKENDS, database_for_test

from .conftest import wait_for

AMQP_URL = os.environ.get("RUNNERLY_TEST_AMQP_URL")
BROKERS = ["embedded", *(["rabbitmq"] if AMQP_URL else [])]


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class OutboxMessage(OutboxMixin, Model):
    pass


def _scrape(collector: ScrapedCollector) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(collector)
    return registry


@pytest.fixture(params=DATABASE_BACKENDS)
def outbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outbox]:
    with database_for_test(request.param, "kit", tmp_path) as url:
        database = Database(url)
        Model.metadata.create_all(database.engine)
        celery = create_celery("demo", f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
        yield Outbox(OutboxMessage, database, celery, "demo")
        database.dispose()


@pytest.fixture(params=BROKERS)
def service_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Celery]:
    """An app of a service of its own: on a shared RabbitMQ, its queue is no one else's."""
    service = f"kit{uuid.uuid4().hex[:8]}"
    url = AMQP_URL if request.param == "rabbitmq" else None
    app = create_celery(service, url or f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    yield app
    if url is not None:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(service)


def test_the_outbox_lag_is_the_age_of_the_oldest_unrelayed_message(outbox: Outbox) -> None:
    collector = ScrapedCollector()
    collector.watch_outbox("demo", outbox.database, outbox.model)
    registry = _scrape(collector)

    def sample(name: str) -> float | None:
        return registry.get_sample_value(name, {"service": "demo"})

    assert sample("runnerly_outbox_lag_seconds") == 0
    assert sample("runnerly_outbox_pending_messages") == 0
    with outbox.database.transaction() as session:
        outbox.emit(session, UserDeleted(user_id="u1"))
        outbox.emit(session, UserDeleted(user_id="u2"))
    table = OutboxMessage.__table__
    with outbox.database.transaction() as session:
        old = datetime.now(UTC) - timedelta(minutes=10)
        session.execute(sa.update(table).where(table.c.id == 1).values(created_at=old))

    lag = sample("runnerly_outbox_lag_seconds")
    assert lag is not None and 600 <= lag < 3600
    assert sample("runnerly_outbox_pending_messages") == 2
    assert outbox.relay() == 2
    assert sample("runnerly_outbox_lag_seconds") == 0
    assert sample("runnerly_outbox_pending_messages") == 0


def test_a_queue_depth_counts_the_messages_waiting(service_app: Celery) -> None:
    service = service_app.main
    collector = ScrapedCollector()
    collector.watch_queues(service, service_app, [service, f"{service}.missing"])
    registry = _scrape(collector)
    for n in range(3):
        service_app.send_task(f"{service}.things.do", kwargs={"n": n})

    # RabbitMQ counts a message once it has routed it, a moment after the publish returns.
    wait_for(
        lambda: registry.get_sample_value(
            "runnerly_queue_messages", {"service": service, "queue": service}
        ) == 3,
        "three messages waiting",
    )
    assert registry.get_sample_value(
        "runnerly_queue_consumers", {"service": service, "queue": service}
    ) == 0
    missing = registry.get_sample_value(
        "runnerly_queue_messages", {"service": service, "queue": f"{service}.missing"}
    )
    # RabbitMQ's passive declare creates nothing: a queue no worker declared yet is left
    # out. The embedded queue exists once named, empty.
    assert missing == (None if service_app.conf.broker_url.startswith("amqp") else 0)


def test_a_broker_or_database_that_is_down_leaves_its_series_out(tmp_path: Path) -> None:
    collector = ScrapedCollector()
    collector.watch_queues("demo", create_celery("demo", "amqp://guest:guest@127.0.0.1:1//"),
                           ["demo"])
    database = Database(f"sqlite:///{tmp_path / 'missing' / 'demo.sqlite'}")
    collector.watch_outbox("demo", database, OutboxMessage)

    text = generate_latest(_scrape(collector)).decode()

    assert "# TYPE runnerly_queue_messages gauge" in text
    assert "runnerly_queue_messages{" not in text
    assert "runnerly_outbox_lag_seconds{" not in text


class MailerSettings(KitSettings):
    service_name = "mailer"


def test_a_service_app_scrapes_its_own_queues_and_outbox(outbox: Outbox, tmp_path: Path) -> None:
    settings = MailerSettings(env="test", data_dir=tmp_path)
    celery = create_celery("mailer", f"sqla+sqlite:///{tmp_path / 'mailer-broker.sqlite'}")
    app = create_app(
        settings, title="mailer", routers=[], celery=celery, outbox=outbox,
        database=outbox.database, verify_tokens=False,
    )
    celery.send_task("mailer.mail.send", kwargs={})

    body = TestClient(app).get("/metrics").text

    assert 'runnerly_queue_messages{queue="mailer",service="mailer"} 1.0' in body
    assert 'runnerly_queue_messages{queue="mailer.events",service="mailer"} 0.0' in body
    assert 'runnerly_outbox_lag_seconds{service="mailer"} 0.0' in body
