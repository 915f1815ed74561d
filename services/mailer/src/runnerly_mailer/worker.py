"""The mailer's Celery worker (``runnerly worker mailer``)."""

from __future__ import annotations

from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.messages import UserDeleted
from runnerly_kit.tasks import register_event_handlers
from runnerly_mailer.config import get_settings
from runnerly_mailer.mail import tasks
from runnerly_mailer.runtime import MIGRATIONS_DIR, Runtime, build_runtime


def create_worker_runtime() -> Runtime:
    runtime = build_runtime(get_settings())
    configure_logging(runtime.settings.service_name, runtime.settings.log_level)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    tasks.register(runtime)
    register_event_handlers(
        runtime.celery,
        {UserDeleted: lambda event: tasks.forget_user(runtime, event)},
        revocations=runtime.revocations,
        # The mailer only receives: it sends no event and asks no other service anything.
        outbox=None,
    )
    return runtime


runtime = create_worker_runtime()
celery = runtime.celery
