"""The dataservice's Celery worker:
``celery -A runnerly_dataservice.worker worker -Q dataservice,dataservice.events``."""

from __future__ import annotations

from runnerly_dataservice.config import Settings, get_settings
from runnerly_dataservice.profiles import tasks as profile_tasks
from runnerly_dataservice.runtime import Runtime, build_runtime
from runnerly_kit.messages import UserDeleted
from runnerly_kit.worker import bootstrap_worker


def create_worker_runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings)
    bootstrap_worker(
        runtime,
        handlers={UserDeleted: lambda event: profile_tasks.forget_user(runtime, event)},
    )
    return runtime


runtime = create_worker_runtime(get_settings())
celery = runtime.celery
