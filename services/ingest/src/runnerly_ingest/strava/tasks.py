"""Edges: link ids or events in, one service call; Strava's and the dataservice's
failures become retries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from celery import Task

from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import service, webhooks
from runnerly_ingest.strava.backfill import BACKFILL_TASK, backfill_step, due_backfills
from runnerly_ingest.strava.calls import Paused
from runnerly_ingest.strava.client import StravaError, StravaUnavailable
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_ingest.strava.streams import STREAMS_TASK, due_streams, streams_step
from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.messages import UserDeleted
from runnerly_kit.tasks import RetryableError

log = structlog.get_logger()

RESUME_TASK = "ingest.strava.resume"
RECONCILE_TASK = "ingest.strava.reconcile"
SUBSCRIBE_TASK = "ingest.strava.subscribe"


def register(runtime: Runtime) -> None:
    celery = runtime.celery

    def relay() -> None:
        # Messages a task wrote go out now, not at the API's next poll.
        try:
            runtime.outbox.relay()
        except Exception:  # the API's relay thread sends them later
            log.warning("outbox.relay_failed", exc_info=True)

    @celery.task(name=BACKFILL_TASK, bind=True, shared=False)  # type: ignore[untyped-decorator]
    def backfill(self: Task, link_id: int) -> None:
        try:
            resume_at = backfill_step(runtime, link_id)
        except StravaUnavailable as exc:
            raise RetryableError(str(exc)) from exc
        finally:
            relay()
        if resume_at is not None:
            # Continues when the window resets; beat's resume task is the safety net.
            self.app.send_task(BACKFILL_TASK, kwargs={"link_id": link_id},
                               eta=resume_at)

    @celery.task(name=STREAMS_TASK, bind=True, shared=False)  # type: ignore[untyped-decorator]
    def streams(self: Task, link_id: int, requested: bool = False) -> None:
        try:
            resume_at = streams_step(runtime, link_id, requested=requested)
        except StravaUnavailable as exc:
            raise RetryableError(str(exc)) from exc
        finally:
            relay()
        if resume_at is not None:
            # As a backfill step: continues when the window resets, beat as the safety net.
            self.app.send_task(STREAMS_TASK,
                               kwargs={"link_id": link_id, "requested": requested},
                               eta=resume_at)

    @celery.task(name=webhooks.EVENT_TASK, bind=True, shared=False)  # type: ignore[untyped-decorator]
    def event(self: Task, event: dict[str, Any]) -> None:
        parsed = WebhookEvent.model_validate(event)
        try:
            webhooks.handle_event(runtime, parsed)
        except Paused as paused:
            countdown = max(1.0, (paused.until - datetime.now(UTC)).total_seconds())
            raise self.retry(countdown=countdown, max_retries=None) from paused
        except StravaUnavailable as exc:
            raise RetryableError(str(exc)) from exc

    @celery.task(name=RESUME_TASK, shared=False)  # type: ignore[untyped-decorator]
    def resume() -> None:
        for link_id in due_backfills(runtime):
            celery.send_task(BACKFILL_TASK, kwargs={"link_id": link_id})
        for link_id in due_streams(runtime):
            celery.send_task(STREAMS_TASK, kwargs={"link_id": link_id})
        # Synced links Strava refused: try again once the refusal's next try has come; the
        # first answer clears the pause.
        for link_id in webhooks.refused_links_due(runtime):
            reconcile_one(link_id)
        # Webhook events folded while their verification share was spent: one listing each.
        for link_id in webhooks.catch_ups_due(runtime):
            catch_up_one(link_id)
        # Until the push subscription exists (Strava or the dashboard may have been down
        # at start), try again at every tick; once it does, this is one database read.
        ensure_subscription()

    def ensure_subscription() -> None:
        try:
            webhooks.ensure_subscription(runtime)
        except (StravaUnavailable, StravaError, KeyError, TypeError, ValueError) as exc:
            log.warning("strava.subscription.failed", error=str(exc))

    def reconcile_one(link_id: int) -> None:
        try:
            webhooks.reconcile(runtime, link_id)
        except ServiceUnavailable as exc:
            log.warning("strava.reconcile.failed", link_id=link_id, error=str(exc))

    def catch_up_one(link_id: int) -> None:
        try:
            webhooks.catch_up(runtime, link_id)
        except ServiceUnavailable as exc:
            log.warning("strava.catch_up.failed", link_id=link_id, error=str(exc))

    @celery.task(name=RECONCILE_TASK, shared=False)  # type: ignore[untyped-decorator]
    def reconcile() -> None:
        for link_id in webhooks.reconcile_targets(runtime):
            reconcile_one(link_id)

    @celery.task(name=SUBSCRIBE_TASK, shared=False)  # type: ignore[untyped-decorator]
    def subscribe() -> None:
        ensure_subscription()


def forget_user(runtime: Runtime, event: UserDeleted) -> None:
    service.forget_runner(runtime, event.user_id)
