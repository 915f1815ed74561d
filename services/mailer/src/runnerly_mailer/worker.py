"""The mailer's Celery worker (``runnerly worker mailer``)."""

from __future__ import annotations

from runnerly_kit.messages import UserDeleted
from runnerly_kit.worker import bootstrap_worker
from runnerly_mailer.config import Settings, get_settings
from runnerly_mailer.mail import tasks
from runnerly_mailer.runtime import Runtime, build_runtime


def create_worker_runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings)
    bootstrap_worker(
        runtime,
        handlers={UserDeleted: lambda event: tasks.forget_user(runtime, event)},
        register=[lambda: tasks.register(runtime)],
    )
    return runtime


runtime = create_worker_runtime(get_settings())
celery = runtime.celery
