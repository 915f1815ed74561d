"""Edges: the month's schedule, one runner's build, and the ``user.deleted`` event."""

from __future__ import annotations

import structlog
from celery import Celery
from sqlalchemy.exc import OperationalError

from runnerly_kit.messages import UserDeleted
from runnerly_kit.tasks import RetryableError, create_celery
from runnerly_reports.config import Settings
from runnerly_reports.reports import service
from runnerly_reports.reports.content import Month
from runnerly_reports.runtime import Runtime

log = structlog.get_logger()


def register(runtime: Runtime) -> None:
    celery = runtime.celery

    @celery.task(name=service.MONTH_TASK, shared=False)  # type: ignore[untyped-decorator]
    def run_month(month: str | None = None) -> int:
        return queue_month(runtime, month)

    @celery.task(name=service.BUILD_TASK, shared=False)  # type: ignore[untyped-decorator]
    def build(runner_id: str, month: str, email: str) -> str:
        return build_one(runtime, runner_id, month, email)


def queue_month(runtime: Runtime, month: str | None) -> int:
    """One build task per subscribed runner, a page of accounts per transaction: fired
    twice, it queues twice, and each build finds its report already sent."""
    target = Month.parse(month) if month else service.previous_month(runtime.now())
    if not service.ended_everywhere(target, runtime.now()):
        # Some runners would still be living it: their reports would be cut short.
        log.warning("report.month_not_over", month=str(target))
        return 0
    queued = 0
    for page in runtime.tokendealer.accounts(runtime.settings.accounts_page_size):
        with runtime.database.transaction() as session:
            queued += service.queue_month(session, runtime, target, page)
    log.info("report.month_queued", month=str(target), runners=queued)
    return queued


def build_one(runtime: Runtime, runner_id: str, month: str, email: str) -> str:
    try:
        return service.build_and_send(runtime, runner_id, Month.parse(month), email)
    except service.RunnerGone:
        return "deleted"  # logged where it was found
    except service.MonthNotOver as exc:
        log.warning("report.month_not_over", runner_id=runner_id, month=month,
                    detail=exc.detail)
        return "month_not_over"
    except OperationalError as exc:
        # (SQLite) another writer's lock: the retry finds the report as the committed state
        # left it. A peer down (ServiceUnavailable) is retried by the kit's task class.
        raise RetryableError(f"report {runner_id} {month}: {exc}") from exc


def forget_runner(runtime: Runtime, event: UserDeleted) -> None:
    with runtime.database.transaction() as session:
        service.forget_runner(session, event.user_id)


def request_month(settings: Settings, month: Month) -> None:
    """Ask the reports worker to send ``month``'s reports (the operator's command)."""
    celery: Celery = create_celery(settings.service_name, settings.broker_url)
    celery.send_task(service.MONTH_TASK, kwargs={"month": str(month)})
