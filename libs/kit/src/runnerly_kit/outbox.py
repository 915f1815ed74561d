"""Transactional outbox: events and commands are rows written in the same transaction as
the change, then relayed to the broker after the commit, so a crash never loses one.

Delivery is at least once: a crash between publishing and marking a row sent publishes it
again, so every consumer is idempotent.

A relayed row is kept only as long as it may help recognise such a repeat: a secret row (a
message whose model says every instance holds personal data, such as a mail with a link or
a deletion with an address) is deleted as it is relayed, the others once
``RUNNERLY_OUTBOX_RETENTION_HOURS`` have passed.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, overload

import sqlalchemy as sa
import structlog
from celery import Celery
from sqlalchemy.orm import Mapped, Session, mapped_column

from runnerly_kit import tracing
from runnerly_kit.db import Database, UTCDateTime, is_sqlite
from runnerly_kit.logging import current_request_id, service_var
from runnerly_kit.messages import Command, Event, Message
from runnerly_kit.metrics import OUTBOX_RELAYED
from runnerly_kit.tasks import EVENT_EXCHANGE, EVENT_TASK, event_queues

log = structlog.get_logger()


class OutboxMixin:
    """Add to a service's models as ``class OutboxMessage(OutboxMixin, Base)``."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # "event": a fact, published on the topic exchange; "task": a command for one queue.
    kind: Mapped[str] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    request_id: Mapped[str | None] = mapped_column(sa.String(128))
    # The W3C traceparent of the span that stored the row (when tracing is on): the message,
    # relayed later by another thread, still joins the trace of the request that caused it.
    traceparent: Mapped[str | None] = mapped_column(sa.String(55))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Carries a secret or personal data (a link, an address, a report): deleted once relayed.
    secret: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())


class Outbox:
    """Writes messages in the caller's transaction and relays them after it commits."""

    def __init__(
        self, model: type[OutboxMixin], database: Database, celery: Celery, service: str
    ) -> None:
        self.model = model
        self.database = database
        self.celery = celery
        self.service = service
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._relay_lock = threading.Lock()
        # Relayed rows older than this are purged by the relay loop (see ``start``).
        self.retention = timedelta(hours=24)

    def emit(self, session: Session, event: Event) -> None:
        """Record the fact ``event`` as part of the session's transaction."""
        self._add(session, "event", event.name, _payload(event), event.secret)

    @overload
    def send_task(self, session: Session, task: Command) -> None: ...

    @overload
    def send_task(
        self, session: Session, task: str, kwargs: dict[str, Any], *, secret: bool = False
    ) -> None: ...

    def send_task(
        self,
        session: Session,
        task: Command | str,
        kwargs: dict[str, Any] | None = None,
        *,
        secret: bool = False,
    ) -> None:
        """Ask for ``task`` to run once the session's transaction has committed.

        Another service's command is its model (``runnerly_kit.messages``); one of this
        service's own tasks is its name and keyword arguments, ``secret`` when they hold a
        secret or personal data (the row goes once relayed).
        """
        if isinstance(task, Command):
            self._add(session, "task", task.name, _payload(task), task.secret)
            return
        if not task.startswith(f"{self.service}."):
            raise ValueError(
                f"{task} is another service's command: send its runnerly_kit.messages model"
            )
        self._add(session, "task", task, kwargs or {}, secret)

    def emit_many(self, session: Session, events: Sequence[Event]) -> None:
        """Record each of ``events`` in one bulk statement, for large batches."""
        if not events:
            return
        request_id = current_request_id()
        traceparent = tracing.current_traceparent()
        now = datetime.now(UTC)
        # The table, not the ORM class: a plain executemany, without per-row ORM bookkeeping.
        table = self.model.__table__  # type: ignore[attr-defined]
        session.execute(
            sa.insert(table),
            [
                {
                    "message_id": uuid.uuid4().hex,
                    "kind": "event",
                    "name": event.name,
                    "payload": _payload(event),
                    "request_id": request_id,
                    "traceparent": traceparent,
                    "created_at": now,
                    "secret": event.secret,
                }
                for event in events
            ],
        )
        sa.event.listen(session, "after_commit", self._after_commit, once=True)

    def _add(
        self, session: Session, kind: str, name: str, payload: dict[str, Any], secret: bool
    ) -> None:
        model: Any = self.model  # a concrete mapped subclass of OutboxMixin
        session.add(
            model(
                message_id=uuid.uuid4().hex,
                kind=kind,
                name=name,
                payload=payload,
                request_id=current_request_id(),
                traceparent=tracing.current_traceparent(),
                created_at=datetime.now(UTC),
                secret=secret,
            )
        )
        sa.event.listen(session, "after_commit", self._after_commit, once=True)

    def _after_commit(self, _: Session) -> None:
        self._wake.set()

    def relay(self, batch: int = 100) -> int:
        """Publish pending messages in order; returns how many were sent."""
        with self._relay_lock:
            sent = 0
            while True:
                with self.database.transaction() as session:
                    query = (
                        sa.select(self.model)
                        .where(self.model.sent_at.is_(None))
                        .order_by(self.model.id)
                        .limit(batch)
                    )
                    if not is_sqlite(self.database.url):
                        query = query.with_for_update(skip_locked=True)
                    rows = session.scalars(query).all()
                    for row in rows:
                        self._publish(row)
                        if row.secret:
                            session.delete(row)
                        else:
                            row.sent_at = datetime.now(UTC)
                    sent += len(rows)
                if len(rows) < batch:
                    break
            if sent:
                OUTBOX_RELAYED.labels(self.service).inc(sent)
            return sent

    def purge(self, now: datetime | None = None) -> int:
        """Delete the rows relayed longer ago than the retention; returns how many."""
        cutoff = (now or datetime.now(UTC)) - self.retention
        table = self.model.__table__  # type: ignore[attr-defined]
        with self.database.transaction() as session:
            result = session.execute(
                sa.delete(table).where(table.c.sent_at.is_not(None), table.c.sent_at < cutoff)
            )
        purged = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if purged:
            log.info("outbox.purged", rows=purged)
        return purged

    def forget(self, session: Session, names: Iterable[str]) -> int:
        """Delete every row, relayed or not, whose payload holds any of ``names`` as a value
        (a deleted runner's id and address): nothing more is sent for them, nothing kept."""
        table = self.model.__table__  # type: ignore[attr-defined]
        text = sa.cast(table.c.payload, sa.Text)
        # Matched as a JSON string, quotes included: an id is never taken for a longer one.
        matches = [
            text.like(f"%{_escape_like(json.dumps(name))}%", escape="\\")
            for name in names
            if name
        ]
        if not matches:
            return 0
        result = session.execute(sa.delete(table).where(sa.or_(*matches)))
        forgotten = int(result.rowcount or 0)  # type: ignore[attr-defined]
        log.info("outbox.forgotten", rows=forgotten)
        return forgotten

    def _publish(self, row: OutboxMixin) -> None:
        with tracing.publishing(row.name, row.traceparent):
            self._send(row)
        log.info("outbox.relayed", kind=row.kind, name=row.name, message_id=row.message_id)

    def _send(self, row: OutboxMixin) -> None:
        headers = {"request_id": row.request_id, "message_id": row.message_id}
        if row.kind == "event":
            self.celery.send_task(
                EVENT_TASK,
                kwargs={"event": row.name, "payload": row.payload, "message_id": row.message_id},
                exchange=EVENT_EXCHANGE,
                routing_key=row.name,
                headers=headers,
                # Declared on the publishing connection itself: the embedded broker keeps
                # bindings per connection (declarations are cached, so this costs once).
                declare=event_queues(),
            )
        else:
            # The task id is the outbox row's id, so a message relayed twice (a crash between
            # publishing and marking it sent) is recognisable by its consumer.
            self.celery.send_task(
                row.name, kwargs=row.payload, task_id=row.message_id, headers=headers
            )

    def start(self, poll_seconds: float, retention_seconds: float | None = None) -> None:
        """Relay in a background thread: at once after each commit, and every poll interval;
        purge what was relayed longer ago than ``retention_seconds`` once a poll interval."""
        if retention_seconds is not None:
            self.retention = timedelta(seconds=retention_seconds)

        def loop() -> None:
            service_var.set(self.service)
            purged_at = 0.0
            while not self._stop.is_set():
                try:
                    self.relay()
                except Exception:  # the broker or database may be down: retry next round
                    log.warning("outbox.relay_failed", exc_info=True)
                if time.monotonic() - purged_at >= poll_seconds:
                    purged_at = time.monotonic()
                    try:
                        self.purge()
                    except Exception:  # the database may be busy or down: next round
                        log.warning("outbox.purge_failed", exc_info=True)
                self._wake.wait(poll_seconds)
                self._wake.clear()

        self._stop.clear()
        self._thread = threading.Thread(target=loop, name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=5)


def _payload(message: Message) -> dict[str, Any]:
    # The fields given, as JSON: a default left out stays out, as before the models.
    return message.model_dump(mode="json", exclude_unset=True)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
