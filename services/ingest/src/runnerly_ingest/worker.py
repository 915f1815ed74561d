"""The ingest Celery worker (``runnerly worker ingest``).

Beat (the reconciliation and the waking of paused backfills) runs in a thread inside this
worker when ``RUNNERLY_INGEST_EMBED_BEAT`` is true, the embedded default; at scale set it to
false and run one ``runnerly beat ingest``.
"""

from __future__ import annotations

from typing import Any

from celery import signals

from runnerly_ingest.config import Settings, get_settings
from runnerly_ingest.imports import service as imports_service
from runnerly_ingest.imports import tasks as imports_tasks
from runnerly_ingest.main import announce_mode
from runnerly_ingest.runtime import Runtime, build_runtime
from runnerly_ingest.strava import tasks as strava_tasks
from runnerly_kit.messages import UserDeleted
from runnerly_kit.worker import bootstrap_worker


def beat_schedule(settings: Settings) -> dict[str, Any]:
    return {
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


def forget_user(runtime: Runtime, event: UserDeleted) -> None:
    strava_tasks.forget_user(runtime, event)
    imports_service.forget_runner(runtime, event.user_id)


def create_worker_runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings)
    bootstrap_worker(
        runtime,
        handlers={UserDeleted: lambda event: forget_user(runtime, event)},
        register=[lambda: strava_tasks.register(runtime), lambda: imports_tasks.register(runtime)],
        beat_schedule=beat_schedule(settings),
        embed=settings.embed_beat,
    )
    return runtime


runtime = create_worker_runtime(get_settings())
celery = runtime.celery


@signals.worker_ready.connect  # type: ignore[untyped-decorator]
def _on_ready(sender: Any = None, **_: Any) -> None:
    # Every worker in the process says it is ready; in ``runnerly all`` others run beside
    # this one.
    if sender is not None and getattr(sender, "app", celery) is not celery:
        return
    announce_mode(runtime)
    # Backfills and imports a crash interrupted (their queued step lost with the worker)
    # go on now.
    celery.send_task(strava_tasks.RESUME_TASK)
    celery.send_task(imports_service.RESUME_TASK)
    celery.send_task(strava_tasks.SUBSCRIBE_TASK)
