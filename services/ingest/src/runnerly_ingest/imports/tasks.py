"""Edges: a job id in, one service call; the dataservice's failures become retries."""

from __future__ import annotations

import structlog

from runnerly_ingest.imports import service
from runnerly_ingest.runtime import Runtime

log = structlog.get_logger()


def register(runtime: Runtime) -> None:
    celery = runtime.celery

    def relay() -> None:
        # The next step goes out now, not at the API's next poll.
        try:
            runtime.outbox.relay()
        except Exception:  # the API's relay thread sends it later
            log.warning("outbox.relay_failed", exc_info=True)

    @celery.task(name=service.STEP_TASK, shared=False)  # type: ignore[untyped-decorator]
    def step(job_id: str, step: int) -> None:
        try:
            service.import_step(runtime, job_id, step)
        finally:
            relay()

    @celery.task(name=service.RESUME_TASK, shared=False)  # type: ignore[untyped-decorator]
    def resume() -> None:
        service.resume_jobs(runtime)
        service.purge_finished(runtime)
        relay()
