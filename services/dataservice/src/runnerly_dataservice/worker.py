"""The dataservice's Celery worker:
``celery -A runnerly_dataservice.worker worker -Q dataservice,dataservice.events``."""

from __future__ import annotations

from runnerly_dataservice.config import get_settings
from runnerly_dataservice.profiles import tasks as profile_tasks
from runnerly_dataservice.runtime import MIGRATIONS_DIR, Runtime, build_runtime
from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.messages import UserDeleted
from runnerly_kit.tasks import register_event_handlers


def create_worker_runtime() -> Runtime:
    runtime = build_runtime(get_settings())
    configure_logging(runtime.settings.service_name, runtime.settings.log_level)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    register_event_handlers(
        runtime.celery,
        {UserDeleted: lambda event: profile_tasks.forget_user(runtime, event)},
        revocations=runtime.revocations,
        outbox=runtime.outbox,
    )
    return runtime


runtime = create_worker_runtime()
celery = runtime.celery
