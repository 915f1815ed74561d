"""The plans Celery worker (``runnerly worker plans``): planned versus done, as runs come
and go, and forgetting deleted runners."""

from __future__ import annotations

from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.tasks import register_event_handlers
from runnerly_plans.config import get_settings
from runnerly_plans.plans import tasks
from runnerly_plans.runtime import MIGRATIONS_DIR, Runtime, build_runtime


def create_worker_runtime() -> Runtime:
    runtime = build_runtime(get_settings())
    configure_logging(runtime.settings.service_name, runtime.settings.log_level)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    register_event_handlers(
        runtime.celery,
        tasks.handlers(runtime),
        revocations=runtime.revocations,
        outbox=runtime.outbox,
    )
    return runtime


runtime = create_worker_runtime()
celery = runtime.celery
