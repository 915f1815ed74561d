"""Transactional outbox: events and commands are rows written in the same transaction as
the change, then relayed to the broker after the commit, so a crash never loses one.

Delivery is at least once: a crash between publishing and marking a row sent publishes it
again, so every consumer is idempotent.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import structlog
from celery import Celery
from sqlalchemy.orm import Mapped, Session, mapped_column

from runnerly_kit.db import Database, is_sqlite
from runnerly_kit.logging import current_request_id
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
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)


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

    def emit(self, session: Session, event: str, payload: dict[str, Any]) -> None:
        """Record the fact ``event`` (``entity.verb``) as part of the session's transaction."""
        self._add(session, "event", event, payload)

    def send_task(self, session: Session, task: str, kwargs: dict[str, Any]) -> None:
        """Ask for ``task`` to run once the session's transaction has committed."""
        self._add(session, "task", task, kwargs)

    def emit_many(self, session: Session, event: str, payloads: list[dict[str, Any]]) -> None:
        """Record one ``event`` per payload in one bulk statement, for large batches."""
        if not payloads:
            return
        request_id = current_request_id()
        now = datetime.now(UTC)
        # The table, not the ORM class: a plain executemany, without per-row ORM bookkeeping.
        table = self.model.__table__  # type: ignore[attr-defined]
        session.execute(
            sa.insert(table),
            [
                {
                    "message_id": uuid.uuid4().hex,
                    "kind": "event",
                    "name": event,
                    "payload": payload,
                    "request_id": request_id,
                    "created_at": now,
                }
                for payload in payloads
            ],
        )
        sa.event.listen(session, "after_commit", self._after_commit, once=True)

    def _add(self, session: Session, kind: str, name: str, payload: dict[str, Any]) -> None:
        model: Any = self.model  # a concrete mapped subclass of OutboxMixin
        session.add(
            model(
                message_id=uuid.uuid4().hex,
                kind=kind,
                name=name,
                payload=payload,
                request_id=current_request_id(),
                created_at=datetime.now(UTC),
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
                        row.sent_at = datetime.now(UTC)
                    sent += len(rows)
                if len(rows) < batch:
                    break
            if sent:
                OUTBOX_RELAYED.labels(self.service).inc(sent)
            return sent

    def _publish(self, row: OutboxMixin) -> None:
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
        log.info("outbox.relayed", kind=row.kind, name=row.name, message_id=row.message_id)

    def start(self, poll_seconds: float) -> None:
        """Relay in a background thread: at once after each commit, and every poll interval."""

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.relay()
                except Exception:  # the broker or database may be down: retry next round
                    log.warning("outbox.relay_failed", exc_info=True)
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
