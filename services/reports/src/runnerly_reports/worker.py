"""The reports Celery worker (``runnerly worker reports``).

Beat (the monthly schedule) runs in a thread inside this worker when
``RUNNERLY_REPORTS_EMBED_BEAT`` is true, the embedded default; at scale set it to false and
run one ``runnerly beat reports``. A second scheduler would queue the month twice, which
costs requests, not mails: each runner's build is idempotent.
"""

from __future__ import annotations

from celery.schedules import crontab

from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.messages import UserDeleted
from runnerly_kit.tasks import embed_beat, register_event_handlers
from runnerly_reports.config import get_settings
from runnerly_reports.reports import service
from runnerly_reports.reports import tasks as report_tasks
from runnerly_reports.runtime import MIGRATIONS_DIR, Runtime, build_runtime


def configure_beat(runtime: Runtime) -> None:
    settings = runtime.settings
    runtime.celery.conf.timezone = "UTC"
    runtime.celery.conf.beat_schedule = {
        "monthly-reports": {
            "task": service.MONTH_TASK,
            "schedule": crontab(
                minute=0, hour=settings.schedule_hour, day_of_month=settings.schedule_day
            ),
        },
    }
    runtime.celery.conf.beat_schedule_filename = str(settings.service_dir / "celerybeat-schedule")


def create_worker_runtime() -> Runtime:
    runtime = build_runtime(get_settings())
    configure_logging(runtime.settings.service_name, runtime.settings.log_level)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    report_tasks.register(runtime)
    register_event_handlers(
        runtime.celery,
        {UserDeleted: lambda event: report_tasks.forget_runner(runtime, event)},
        revocations=runtime.revocations,
        outbox=runtime.outbox,
    )
    configure_beat(runtime)
    if runtime.settings.embed_beat:
        embed_beat(runtime.celery)
    return runtime


runtime = create_worker_runtime()
celery = runtime.celery
