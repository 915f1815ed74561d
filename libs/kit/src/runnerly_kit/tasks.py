"""Celery plumbing: the app factory, the system's queue topology, and the base task.

Commands are tasks named ``<service>.<domain>.<action>``, routed to the queue ``<service>``.
Facts are events ``entity.verb``, published on one topic exchange; each service that cares
has a queue ``<service>.events`` bound to the events it consumes.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from functools import partial
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
import structlog
from celery import Celery, Task, bootsteps, signals
from celery.beat import EmbeddedService
from celery.concurrency.solo import TaskPool as SoloPool
from celery.worker.consumer import Consumer
from kombu.entity import Exchange, Queue, binding
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from pydantic import ValidationError

from runnerly_kit import tracing
from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logging import request_id_var, service_var
from runnerly_kit.messages import EventHandlers, Message
from runnerly_kit.metrics import TASKS
from runnerly_kit.topology import EVENT_SUBSCRIPTIONS

if TYPE_CHECKING:
    from runnerly_kit.outbox import Outbox
    from runnerly_kit.revocations import Revocations

log = structlog.get_logger()

EVENT_EXCHANGE = "runnerly.events"
EVENT_TASK = "runnerly.event"

# The whole system's event routing is the topology's table, not each service's own,
# because the embedded broker (kombu's SQL transport) keeps exchange bindings in the
# memory of the publishing process: every publisher must declare every binding.


class RetryableError(Exception):
    """Raised by a task for a failure worth retrying (a peer down, a lock, a 5xx)."""


def event_queue(service: str) -> Queue:
    exchange = Exchange(EVENT_EXCHANGE, type="topic", durable=True)
    return Queue(
        f"{service}.events",
        bindings=[binding(exchange, routing_key=key) for key in EVENT_SUBSCRIPTIONS[service]],
        durable=True,
    )


def event_queues() -> list[Queue]:
    """Every service's event queue, bound to the events it consumes."""
    return [event_queue(service) for service in EVENT_SUBSCRIPTIONS]


def _route(name: str, *_: Any, **__: Any) -> dict[str, str] | None:
    if name == EVENT_TASK:
        return None  # the publisher names the exchange and routing key
    return {"queue": name.split(".", 1)[0]}


class InlineAckConsumer(Consumer):  # type: ignore[misc]
    """Acknowledges at once when tasks run on the event loop's own thread (the solo pool).

    Celery queues each ack with ``hub.call_soon``, which wakes the loop only when called
    from another thread. A solo-pool task runs on the loop thread, so its ack waited for the
    loop's next wake-up: up to 10 s (kombu's longest poll) on RabbitMQ, and with a prefetch
    of one the broker held the next message all that time, so a queue of n messages took up
    to 10·n s to drain. The ack is a single frame on the loop's own connection: safe here.
    """

    def call_soon_ack(self, p: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(self.pool, SoloPool):
            return super().call_soon_ack(p, *args, **kwargs)
        callback = partial(p, *args, **kwargs)
        callback()
        return callback


class RunnerlyTask(Task):  # type: ignore[misc]
    """Acknowledged after it ran, retried with jittered backoff, counted, logged with the
    request id of whatever asked for it, and traced in its trace when tracing is on."""

    acks_late = True
    reject_on_worker_lost = True
    # ServiceUnavailable: a peer down or overloaded (the service clients raise it), like a
    # dropped connection, is worth asking again later.
    autoretry_for = (RetryableError, ServiceUnavailable, ConnectionError, TimeoutError)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 12

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request_id = getattr(self.request, "request_id", None) or (
            (self.request.headers or {}).get("request_id")
        )
        token = request_id_var.set(request_id)
        service = self.app.main
        try:
            with tracing.consuming(self.name, self.request):
                result = super().__call__(*args, **kwargs)
        except Exception:
            TASKS.labels(service, self.name, "error").inc()
            raise
        else:
            TASKS.labels(service, self.name, "ok").inc()
            return result
        finally:
            request_id_var.reset(token)


def create_celery(service: str, broker_url: str) -> Celery:
    if broker_url.startswith(_EMBEDDED_BROKER):
        _write_ahead_log(broker_url.removeprefix(_EMBEDDED_BROKER))
    app = Celery(service, broker=broker_url, task_cls=RunnerlyTask)
    app.conf.update(
        task_default_queue=service,
        task_routes=(_route,),
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_consumer=InlineAckConsumer,
    )
    if broker_url.startswith(_EMBEDDED_BROKER):
        # The same broker, named by the class that polls it more often (the prefix would
        # name kombu's own class).
        app.conf.broker_url = broker_url.removeprefix("sqla+")
        app.conf.broker_transport = EmbeddedBroker
    if service in EVENT_SUBSCRIPTIONS:
        app.conf.task_queues = [Queue(service, durable=True), event_queue(service)]
    return app


_EMBEDDED_BROKER = "sqla+sqlite:///"


class _EmbeddedChannel(kombu_sqlalchemy.Channel):
    def _get(self, queue: Any, timeout: Any = None) -> Any:
        # kombu's own look takes SQLite's write lock (BEGIN IMMEDIATE) and makes three ORM
        # queries, even at an empty queue; an idle look is now one read, without the lock.
        message, queues = self.message_cls.__table__, self.queue_cls.__table__
        waiting = self.session.execute(
            sa.select(1)
            .select_from(message.join(queues, message.c.queue_id == queues.c.id))
            .where(queues.c.name == queue, message.c.visible)
            .limit(1)
        ).first()
        self.session.commit()
        if waiting is None:
            raise Empty()
        return super()._get(queue)  # type: ignore[no-untyped-call]


class EmbeddedBroker(kombu_sqlalchemy.Transport):
    """kombu's SQL transport, its queues looked at every 0.1 s rather than every second,
    and an empty one looked at with one read.

    A task waits for the next look: an import took a second on an idle system, most of it
    spent in the queue. The interval cannot be given as a transport option, since kombu
    hands those to SQLAlchemy's ``create_engine``, which refuses it."""

    Channel = _EmbeddedChannel
    polling_interval = 0.1


def _write_ahead_log(path: str) -> None:
    """Put the embedded broker's file in WAL mode, as the services' own databases are.

    Kombu's transport commits every message on its own; in the default rollback-journal
    mode each commit syncs twice, and relaying an event took about twice as long (4.4-5.0
    ms against 2.0-3.1). The mode is kept in the file, so setting it once is enough:
    kombu's engine cannot be given pragmas.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(path, timeout=5)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # another process holds it, and sets the mode itself
        log.info("broker.wal_deferred", path=path)


class ThreadedBeat(bootsteps.StartStopStep):  # type: ignore[misc]
    """Celery beat in a thread of the worker: it dies with it (a beat process would be
    orphaned by a SIGKILL), so a restarted worker never leaves two schedulers behind."""

    requires = {"celery.worker.components:Pool"}

    def create(self, worker: Any) -> Any:
        # What create returns, the step starts with the worker and stops with it.
        beat = EmbeddedService(
            worker.app, thread=True, schedule_filename=worker.app.conf.beat_schedule_filename
        )
        run = beat.run

        def run_as_service() -> None:
            # Its lines name its service, also in a process that runs several.
            service_var.set(worker.app.main)
            run()

        beat.run = run_as_service
        return beat


def embed_beat(app: Celery) -> None:
    """Run the app's beat schedule in a thread of its worker: the embedded default. At
    scale, one ``runnerly beat NAME`` process runs it instead."""
    app.steps["worker"].add(ThreadedBeat)


MessageT = TypeVar("MessageT", bound=Message)


def receive(model: type[MessageT], payload: dict[str, Any], message_id: str) -> MessageT | None:
    """``payload`` as ``model``; None, logged, for a payload that does not parse: a poison
    message is dropped, since asking again would only fail again.

    Fields the model does not know are left out, not refused: during a rolling upgrade a
    newer sender may add one, and an older consumer must still act on what it knows (a
    ``user.deleted`` dropped would leave a runner's data behind). Building a message stays
    strict (``extra="forbid"``), so a typo never leaves a service.
    """
    unknown = sorted(set(payload) - set(model.model_fields))
    if unknown:
        log.info("message.unknown_fields", name=model.name, message_id=message_id,
                 fields=unknown)
        payload = {key: value for key, value in payload.items() if key in model.model_fields}
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        log.error(
            "message.poisoned",
            name=model.name,
            message_id=message_id,
            # Where and why, never the values: a payload may hold an address or a link.
            errors=[(".".join(map(str, error["loc"])), error["type"]) for error in exc.errors()],
        )
        return None


def register_event_handlers(
    app: Celery,
    handlers: EventHandlers,
    *,
    revocations: Revocations,
    outbox: Outbox | None,
) -> None:
    """The service's one event task: dispatches each event it is subscribed to, parsed into
    its model, to the handler of that model's class.

    The revocation events come first and are the kit's: the service's revocation rows are
    written (and, for a deleted runner, every outbox row naming them is dropped) before
    its own ``user.deleted`` handler forgets their data. ``outbox`` is None for a service
    that sends nothing.
    """
    handlers = revocations.event_handlers(
        handlers, forget=None if outbox is None else outbox.forget
    )
    by_name = {model.name: (model, handler) for model, handler in handlers.items()}

    # Not shared: Celery would give a shared task to every app made later in the process,
    # and two services' apps in one process would each get the other's handlers.
    @app.task(name=EVENT_TASK, bind=True, shared=False)  # type: ignore[untyped-decorator]
    def handle_event(self: Task, event: str, payload: dict[str, Any], message_id: str) -> None:
        if event not in by_name:
            log.info("event.ignored", name=event, message_id=message_id)
            return
        model, handler = by_name[event]
        message = receive(model, payload, message_id)
        if message is None:
            return
        handler(message)
        log.info("event.handled", name=event, message_id=message_id)


@signals.before_task_publish.connect  # type: ignore[untyped-decorator]
def _propagate_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is None:  # a message of Celery's first protocol, which had no headers
        return
    if not headers.get("request_id"):
        headers["request_id"] = request_id_var.get()
    # The trace too: of the outbox's producer span, or of whatever sends a task itself.
    tracing.inject(headers)
