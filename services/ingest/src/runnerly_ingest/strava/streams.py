"""Streams: every Strava run's streams, a few runs a step once the backfill's list pages are
in, newest first, and at once for a run a runner opens. Each run is sent again with its
streams and splits."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import structlog
from sqlalchemy.orm import Session

from runnerly_ingest.dataservice import Outcome
from runnerly_ingest.models import StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits, mapping, repository
from runnerly_ingest.strava.calls import LinkGone, Paused, with_token
from runnerly_ingest.strava.client import Answer, StravaNotFound
from runnerly_ingest.strava.steps import LeasedStep, queued_step_lost_at

log = structlog.get_logger()

STREAMS_TASK = "ingest.strava.streams"
# Runs whose streams one turn fetches (a request each) before the link goes back in line.
STREAMS_PER_STEP = 5


def streams_step(runtime: Runtime, link_id: int, *, requested: bool = False) -> datetime | None:
    """Fetch the streams of a few of the link's runs (those a runner opened first, then
    newest first), send each run again with them and its splits, then queue the next turn
    behind every other queued step. ``requested``: only the runs a runner opened, at once,
    and no next turn (the link's own turns go on as they were).

    Returns the moment to try again when the rate budget is spent, Strava refuses for now,
    or (``requested``) another worker holds the link's streams (the caller schedules it).
    """
    return StreamsStep(runtime, link_id, requested=requested).run()


class StreamsStep(LeasedStep):
    name = "streams"

    def __init__(self, runtime: Runtime, link_id: int, *, requested: bool) -> None:
        super().__init__(runtime, link_id, requested=requested)
        self.requested = requested

    def ready(self, link: StravaLink) -> bool:
        # The list pages first: the backfill's last page queues the streams.
        return self.requested or (
            link.backfill_state == "done" and self.runtime.settings.background_streams
        )

    def take_lease(self, session: Session, now: datetime, until: datetime) -> bool:
        return repository.take_streams_lease(session, self.link_id, now, until)

    def busy(self, now: datetime) -> datetime | None:
        return now + timedelta(seconds=1) if self.requested else None

    def release(self, link: StravaLink) -> None:
        link.streams_lease_until = None

    def pause(self, link: StravaLink, until: datetime) -> None:
        link.streams_lease_until = None
        if not self.requested:
            link.streams_next_at = until

    def work(self) -> None:
        _fetch_streams(self.runtime, self.link_id, requested=self.requested)


def _fetch_streams(runtime: Runtime, link_id: int, *, requested: bool) -> None:
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            raise LinkGone
        if not requested and limits.over_fair_share(
            session, runtime.settings, link, runtime.now()
        ):
            log.info("strava.streams.fair_share", link_id=link_id)
            raise Paused(limits.next_day(runtime.now()))
        runner_id = link.runner_id
        batch = [
            (row.activity_id, dict(row.run))
            for row in repository.next_pending_streams(
                session, link_id, STREAMS_PER_STEP, requested_only=requested
            )
        ]
    for activity_id, run in batch:
        try:
            answer = with_token(runtime, link_id, partial(_streams, runtime, activity_id))
        except StravaNotFound:
            # Gone, made private, or recorded without streams: nothing more to fetch.
            log.info("strava.streams.none", link_id=link_id, activity_id=activity_id)
            with runtime.database.transaction() as session:
                repository.delete_pending_streams(session, link_id, [activity_id])
            continue
        run["streams"] = mapping.to_streams(answer.data)
        run["splits"] = mapping.to_splits(answer.data)
        runtime.dataservice.upsert_runs([run])
        with runtime.database.transaction() as session:
            gone = repository.locked_link(session, link_id) is None
            if not gone:
                repository.delete_pending_streams(session, link_id, [activity_id])
        if gone:
            # Unlinked while the streams were on their way: the run must not stay.
            runtime.dataservice.delete_runs(runner_id, "strava", [str(activity_id)])
            raise LinkGone
        log.info("strava.streams.fetched", link_id=link_id, activity_id=activity_id,
                 requested=requested)
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is None:
            raise LinkGone
        link.streams_lease_until = None
        if requested:
            return
        if repository.has_pending_streams(session, link_id):
            link.streams_next_at = queued_step_lost_at(runtime)
            # Behind every other athlete's step: round-robin across athletes.
            runtime.outbox.send_task(session, STREAMS_TASK, {"link_id": link_id})
        else:
            link.streams_next_at = None
            log.info("strava.streams.done", link_id=link_id)


def _streams(runtime: Runtime, activity_id: int, token: str) -> Answer:
    return runtime.strava.streams(token, activity_id)


def queue_streams(session: Session, runtime: Runtime, link: StravaLink) -> None:
    """Start the link's streams turns, unless they are on their way (queued or paused) or
    the backfill's list pages are not all in."""
    if (
        not runtime.settings.background_streams
        or link.backfill_state != "done"
        or link.streams_next_at is not None
        or not repository.has_pending_streams(session, link.id)
    ):
        return
    link.streams_next_at = queued_step_lost_at(runtime)
    runtime.outbox.send_task(session, STREAMS_TASK, {"link_id": link.id})


def runs_listed(
    session: Session,
    runtime: Runtime,
    link: StravaLink,
    listed: list[tuple[dict[str, Any], dict[str, Any]]],
    outcomes: list[Outcome],
) -> None:
    """Runs an event or a reconciliation brought: the new ones wait for their streams; a
    known one still waiting is sent with its newer summary."""
    created = {o.external_id for o in outcomes if o.status == "created"}
    new = [(run, a) for run, a in listed if run["external_id"] in created]
    repository.add_pending_streams(
        session, link.id, [run for run, _ in new], [mapping.start_epoch(a) for _, a in new]
    )
    repository.update_pending_runs(
        session, link.id, [run for run, _ in listed if run["external_id"] not in created]
    )
    queue_streams(session, runtime, link)


def forget_runs(runtime: Runtime, link_id: int, runner_id: str, external_ids: list[str]
                ) -> None:
    """Runs gone at Strava (or no longer runs): deleted, and their streams no longer
    fetched (a late fetch would bring them back)."""
    with runtime.database.transaction() as session:
        repository.delete_pending_streams(session, link_id, [int(i) for i in external_ids])
    runtime.dataservice.delete_runs(runner_id, "strava", external_ids)


def request_streams(session: Session, runtime: Runtime, runner_id: str, activity_id: int
                    ) -> bool:
    """A runner opened one of their runs whose streams are still to fetch: fetch them at
    once, ahead of the link's other runs. False when none are to fetch for this runner
    (fetched already, none at Strava, or not one of theirs)."""
    link = repository.link_of_runner(session, runner_id)
    if link is None:
        return False
    row = repository.pending_streams(session, link.id, activity_id)
    if row is None:
        return False
    now = runtime.now()
    # A page that polls until the streams arrive asks again and again: one task a lease.
    if row.requested_at is None or row.requested_at < now - timedelta(
        seconds=runtime.settings.lease_seconds
    ):
        row.requested_at = now
        runtime.outbox.send_task(session, STREAMS_TASK, {"link_id": link.id, "requested": True})
        log.info("strava.streams.requested", link_id=link.id, activity_id=activity_id)
    return True


def due_streams(runtime: Runtime) -> list[int]:
    """Links whose next streams step is due and that no worker holds (paused ones whose
    window reset, and any whose queued step a crash lost), each marked as queued again by
    the caller."""
    if not runtime.settings.background_streams:
        return []
    with runtime.database.transaction() as session:
        due = list(repository.due_streams(session, runtime.now()))
        repository.set_streams_next(session, due, queued_step_lost_at(runtime))
        return due
