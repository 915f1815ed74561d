"""JSON-lines logging with a request id that follows a request across services and tasks,
and the trace and span ids when tracing is on."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any, TextIO

import structlog

REQUEST_ID_HEADER = "X-Request-ID"
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# The service a line comes from, when one process runs several (``runnerly all``): set by
# each request, worker thread and outbox relay; else the one ``configure_logging`` names.
service_var: ContextVar[str | None] = ContextVar("service", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


def _add_request_id(
    _: object, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    request_id = request_id_var.get()
    if request_id and "request_id" not in event:
        event["request_id"] = request_id
    return event


class _LineWriter:
    """Writes our lines as the libraries' handler writes theirs: whole, under its lock.

    Threads of one process (the pool, the relay, beat; every service's in ``runnerly
    all``) log at once; structlog's own print wrote a line and its newline apart, under
    another lock than the handler's, so lines of the two ran into each other.
    """

    def __init__(self, handler: logging.StreamHandler[TextIO]) -> None:
        self.handler = handler

    def msg(self, message: str) -> None:
        self.handler.acquire()
        try:
            self.handler.stream.write(message + "\n")
            self.handler.stream.flush()
        finally:
            self.handler.release()

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


def configure_logging(service: str, level: str = "INFO") -> None:
    """Every log line, ours and the libraries', is one JSON object on stderr."""
    # Here: the tracing module names lines' services with this one's context variable.
    from runnerly_kit import tracing

    def add_service(
        _: object, __: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        # The configured name is the fallback, not only a context variable: those do not
        # reach threads (the outbox relay, the pool) unless set there.
        event.setdefault("service", service_var.get() or service)
        return event

    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        add_service,
        _add_request_id,
        # The trace and span ids of the request or task a line is written in, once tracing
        # is on (whenever it is turned on: a line costs one check while it is off).
        tracing.log_context,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.EventRenamer("event"),
    ]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared_processors, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    writer = _LineWriter(handler)
    structlog.configure(
        processors=[
            *shared_processors,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=lambda *_: writer,
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Access logs are written by our own middleware, with the request id.
    logging.getLogger("uvicorn.access").disabled = True
    # One line per peer call is the peer's own access log's job.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    # Alembic names each of its plugins as it loads them, at every start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
