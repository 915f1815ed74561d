"""The ingest Celery worker (``runnerly worker ingest``).

Beat (the reconciliation and the waking of paused backfills) runs in a thread inside this
worker when ``RUNNERLY_INGEST_EMBED_BEAT`` is true, the embedded default; at scale set it to
false and run one ``runnerly beat ingest``.
"""

from __future__ import annotations

from typing import Any

from celery import signals

from runnerly_ingest.config import get_settings
from runnerly_ingest.imports import service as imports_service
from runnerly_ingest.imports import tasks as imports_tasks
from runnerly_ingest.main import announce_mode
from runnerly_ingest.runtime import MIGRATIONS_DIR, Runtime, build_runtime
from runnerly_ingest.strava import tasks as strava_tasks
from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.messages import UserDeleted
from runnerly_kit.tasks import embed_beat, register_event_handlers


def configure_beat(runtime: Runtime) -> None:
    settings = runtime.settings
    runtime.celery.conf.beat_schedule = {
        "resume-backfills": {
            "task": strava_tasks.RESUME_TASK,
            "schedule": settings.resume_seconds,
        },
        "reconcile": {"task": strava_tasks.RECONCILE_TASK, "schedule": settings.reconcile_seconds},
        # Import jobs whose step a crash lost; finished ones past their retention.
        "resume-imports": {
            "task": imports_service.RESUME_TASK,
            "schedule": settings.resume_seconds,
        },
    }
    runtime.celery.conf.beat_schedule_filename = str(settings.service_dir / "celerybeat-schedule")


def forget_user(runtime: Runtime, event: UserDeleted) -> None:
    strava_tasks.forget_user(runtime, event)
    imports_service.forget_runner(runtime, event.user_id)


def create_worker_runtime() -> Runtime:
    runtime = build_runtime(get_settings())
    configure_logging(runtime.settings.service_name, runtime.settings.log_level)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    strava_tasks.register(runtime)
    imports_tasks.register(runtime)
    register_event_handlers(
        runtime.celery,
        {UserDeleted: lambda event: forget_user(runtime, event)},
        revocations=runtime.revocations,
        outbox=runtime.outbox,
    )
    configure_beat(runtime)
    if runtime.settings.embed_beat:
        embed_beat(runtime.celery)
    return runtime


runtime = create_worker_runtime()
celery = runtime.celery


@signals.worker_ready.connect  # type: ignore[untyped-decorator]
def _on_ready(**_: Any) -> None:
    announce_mode(runtime)
    # Backfills and imports a crash interrupted (their queued step lost with the worker)
    # go on now.
    celery.send_task(strava_tasks.RESUME_TASK)
    celery.send_task(imports_service.RESUME_TASK)
    celery.send_task(strava_tasks.SUBSCRIBE_TASK)
