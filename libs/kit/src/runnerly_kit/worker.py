"""A service's Celery worker, started the same way in every service.

``bootstrap_worker`` is a function, not an import side effect, so that a caller can start
several services' workers in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from runnerly_kit import tracing
from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.messages import EventHandlers
from runnerly_kit.runtime import ServiceRuntime
from runnerly_kit.tasks import embed_beat, register_event_handlers
from runnerly_kit.topology import BEATS, EVENT_SUBSCRIPTIONS


def bootstrap_worker(
    runtime: ServiceRuntime[Any],
    *,
    handlers: EventHandlers,
    register: Iterable[Callable[[], None]] = (),
    beat_schedule: Mapping[str, Any] | None = None,
    embed: bool = False,
) -> None:
    """Configure tracing and logging, migrate the database, register the service's tasks
    (``register``) and its event handlers, and set its beat schedule, run in a thread of
    the worker when ``embed`` (the embedded default; at scale one ``runnerly beat NAME``).

    A handler for an event the topology does not route to the service would never run,
    and a schedule of a service it gives no beat would never be run by ``runnerly beat``:
    both are refused here.
    """
    settings = runtime.settings
    tracing.configure_tracing(settings.service_name)
    configure_logging(settings.service_name, settings.log_level)
    subscribed = set(EVENT_SUBSCRIPTIONS.get(settings.service_name, ()))
    unrouted = sorted({event.name for event in handlers} - subscribed)
    if unrouted:
        raise ValueError(
            f"{settings.service_name} handles {', '.join(unrouted)}, which the topology "
            "does not route to it (runnerly_kit.topology)"
        )
    if beat_schedule is not None and settings.service_name not in BEATS:
        raise ValueError(
            f"{settings.service_name} has a beat schedule, but the topology gives it no beat "
            "(runnerly_kit.topology)"
        )
    migrate(runtime.database.url, runtime.migrations_dir)
    for register_tasks in register:
        register_tasks()
    register_event_handlers(
        runtime.celery,
        dict(handlers),
        revocations=runtime.revocations,
        outbox=runtime.outbox,
    )
    if beat_schedule is not None:
        runtime.celery.conf.beat_schedule = dict(beat_schedule)
        runtime.celery.conf.beat_schedule_filename = str(
            settings.service_dir / "celerybeat-schedule"
        )
        if embed:
            embed_beat(runtime.celery)
