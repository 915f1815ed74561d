"""The plans Celery worker (``runnerly worker plans``): planned versus done, as runs come
and go, and forgetting deleted runners."""

from __future__ import annotations

from runnerly_kit.worker import bootstrap_worker
from runnerly_plans.config import Settings, get_settings
from runnerly_plans.plans import tasks
from runnerly_plans.runtime import Runtime, build_runtime


def create_worker_runtime(settings: Settings) -> Runtime:
    runtime = build_runtime(settings)
    bootstrap_worker(runtime, handlers=tasks.handlers(runtime))
    return runtime


runtime = create_worker_runtime(get_settings())
celery = runtime.celery
