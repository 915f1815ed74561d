"""Prometheus metrics: request count and latency per route and status, tasks, the outbox,
the queues, plus process metrics.

Names follow Prometheus' conventions: a ``runnerly_`` prefix, base units (``_seconds``),
``_total`` on counters, and the labels ``service``, ``method``, ``route`` (the route's
template, never the raw path) and ``status``.

Some values live elsewhere than in this process's memory: the messages waiting in a queue
(the broker) and the outbox's oldest unrelayed row (the service's database). They are read
when Prometheus scrapes, by one collector for the whole process (several services share it
in ``runnerly all``), each read bounded by a short timeout and left out when it fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog
from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from celery import Celery

    from runnerly_kit.db import Database

log = structlog.get_logger()

REQUESTS = Counter(
    "runnerly_http_requests_total",
    "HTTP requests answered.",
    ["service", "method", "route", "status"],
)
LATENCY = Histogram(
    "runnerly_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("runnerly_tasks_total", "Background tasks run.", ["service", "task", "outcome"])
OUTBOX_RELAYED = Counter(
    "runnerly_outbox_relayed_total", "Outbox messages handed to the broker.", ["service"]
)

# A scrape must not hang on a broker or a database that is down: each read gives up soon.
SCRAPE_TIMEOUT_SECONDS = 2.0

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class ScrapedCollector(Collector):
    """The queues' depths and the outboxes' lag, read at each scrape for every service
    that registered them in this process (the last registration of a service wins)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, tuple[Celery, tuple[str, ...]]] = {}
        self._outboxes: dict[str, tuple[Database, Any]] = {}

    def watch_queues(self, service: str, celery: Celery, queues: Iterable[str]) -> None:
        with self._lock:
            self._queues[service] = (celery, tuple(queues))

    def watch_outbox(self, service: str, database: Database, model: Any) -> None:
        with self._lock:
            self._outboxes[service] = (database, model)

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Described without reading anything: registering must not reach the broker.
        return iter(self._families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting, consumers, lag, pending = self._families()
        with self._lock:
            queues = dict(self._queues)
            outboxes = dict(self._outboxes)
        for service, (celery, names) in sorted(queues.items()):
            for name, depth in _read(service, "queues", partial(queue_depths, celery, names)):
                waiting.add_metric([service, name], depth[0])
                consumers.add_metric([service, name], depth[1])
        for service, (database, model) in sorted(outboxes.items()):
            for count, age in _read(service, "outbox", partial(outbox_backlog, database, model)):
                pending.add_metric([service], count)
                lag.add_metric([service], age)
        yield from (waiting, consumers, lag, pending)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, ...]:
        return (
            GaugeMetricFamily(
                "runnerly_queue_messages",
                "Messages waiting in the service's task queue, not yet handed to a worker.",
                labels=["service", "queue"],
            ),
            GaugeMetricFamily(
                "runnerly_queue_consumers",
                "Workers consuming the service's task queue (RabbitMQ only: the embedded "
                "queue does not know its consumers, and says 0).",
                labels=["service", "queue"],
            ),
            GaugeMetricFamily(
                "runnerly_outbox_lag_seconds",
                "Age of the oldest outbox message not yet relayed to the broker (0: none).",
                labels=["service"],
            ),
            GaugeMetricFamily(
                "runnerly_outbox_pending_messages",
                "Outbox messages not yet relayed to the broker.",
                labels=["service"],
            ),
        )


def _read(service: str, what: str, read: Callable[[], Iterable[Any]]) -> list[Any]:
    try:
        return list(read())
    except Exception:  # down or slow: the series is absent, readiness says why
        log.warning("metrics.scrape_failed", what=what, target=service, exc_info=True)
        return []


def queue_depths(celery: Celery, queues: Iterable[str]) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each queue's waiting messages and consumers, by a passive declare (which creates
    nothing on RabbitMQ; a queue not declared yet is left out)."""
    with celery.connection_for_read(connect_timeout=SCRAPE_TIMEOUT_SECONDS) as connection:
        connection.connect()
        for queue in queues:
            # A failed passive declare closes the channel on RabbitMQ: one channel each.
            with connection.channel() as channel:
                try:
                    _, messages, consumers = channel.queue_declare(queue=queue, passive=True)
                except connection.channel_errors:
                    continue
            yield queue, (int(messages), int(consumers))


def outbox_backlog(database: Database, model: Any) -> Iterator[tuple[int, float]]:
    """How many outbox rows wait to be relayed, and the age in seconds of the oldest (one
    query on the ``sent_at`` index), as the one item of an iterator like ``queue_depths``."""
    with database.transaction() as session:
        count, oldest = session.execute(
            sa.select(sa.func.count(), sa.func.min(model.created_at)).where(
                model.sent_at.is_(None)
            )
        ).one()
    age = 0.0 if oldest is None else (datetime.now(UTC) - oldest).total_seconds()
    yield int(count), max(0.0, age)


SCRAPED = ScrapedCollector()
REGISTRY.register(SCRAPED)
