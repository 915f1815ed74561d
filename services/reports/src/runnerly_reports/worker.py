"""The reports Celery worker (``runnerly worker reports``).

Beat (the monthly schedule) runs in a thread inside this worker when
``RUNNERLY_REPORTS_EMBED_BEAT`` is true, the embedded default; at scale set it to false and
run one ``runnerly beat reports``. A second scheduler would queue the month twice, which
costs requests, not mails: each runner's build is idempotent.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from runnerly_kit.messages import UserDeleted
from runnerly_kit.worker import bootstrap_worker
from runnerly_reports.config import Settings, get_settings
from runnerly_reports.reports import service
from runnerly_reports.reports import tasks as report_tasks
from runnerly_reports.runtime import Runtime, build_runtime


def beat_schedule(settings: Settings) -> dict[str, Any]:
    return {
        "monthly-reports": {
            "task": service.MONTH_TASK,
            "schedule": crontab(
                minute=0, hour=settings.schedule_hour, day_of_month=settings.schedule_day
            ),
        },
    }


def create_worker_runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings)
    runtime.celery.conf.timezone = "UTC"
    bootstrap_worker(
        runtime,
        handlers={UserDeleted: lambda event: report_tasks.forget_runner(runtime, event)},
        register=[lambda: report_tasks.register(runtime)],
        beat_schedule=beat_schedule(settings),
        embed=settings.embed_beat,
    )
    return runtime


runtime = create_worker_runtime(get_settings())
celery = runtime.celery
