"""The backfill: the athlete's history, a page a step, newest first.

Each page's bookkeeping commits with its cursor, so a crash resumes at the page it stopped
on; Strava and the dataservice answer with no transaction open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.orm import Session

from runnerly_ingest.models import StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits, mapping, repository, streams
from runnerly_ingest.strava.calls import LinkGone, Paused, with_token
from runnerly_ingest.strava.steps import LeasedStep, queued_step_lost_at

log = structlog.get_logger()

BACKFILL_TASK = "ingest.strava.backfill"


def backfill_step(runtime: Runtime, link_id: int) -> datetime | None:
    """Import one page of the athlete's history (newest first), then queue the next page.

    Returns the moment to continue when the rate budget is spent or Strava refuses for now
    (the caller schedules it).
    """
    return BackfillStep(runtime, link_id).run()


class BackfillStep(LeasedStep):
    name = "backfill"

    def ready(self, link: StravaLink) -> bool:
        return link.backfill_state != "done"

    def take_lease(self, session: Session, now: datetime, until: datetime) -> bool:
        return repository.take_lease(session, self.link_id, now, until)

    def release(self, link: StravaLink) -> None:
        link.lease_until = None

    def pause(self, link: StravaLink, until: datetime) -> None:
        link.backfill_state = "paused"
        link.next_step_at = until
        link.lease_until = None

    def work(self) -> None:
        _backfill_page(self.runtime, self.link_id)


def _backfill_page(runtime: Runtime, link_id: int) -> None:
    settings = runtime.settings
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            raise LinkGone
        if limits.over_fair_share(session, settings, link, runtime.now()):
            log.info("strava.backfill.fair_share", link_id=link_id)
            raise Paused(limits.next_day(runtime.now()))
        runner_id, cursor = link.runner_id, link.backfill_before
        counted = frozenset(link.backfill_boundary or ())
        if link.backfill_state == "pending":
            link.backfill_started_at = runtime.now()
        link.backfill_state = "running"
    # Strava's ``before`` is exclusive and a page may end between two activities started in
    # the same second: ask from the cursor's second on again and skip those already counted.
    before = cursor + 1 if cursor is not None else None
    answer = with_token(
        runtime,
        link_id,
        lambda token: runtime.strava.activities(
            token, before=before, per_page=settings.page_size
        ),
    )
    activities: list[dict[str, Any]] = [a for a in answer.data if isinstance(a, dict)]
    fresh = [a for a in activities if not _counted(a, cursor, counted)]
    listed = [a for a in fresh if mapping.is_run(a)]
    runs = [mapping.to_run(runner_id, a) for a in listed]
    outcomes = runtime.dataservice.upsert_runs(runs) if runs else []
    # Every run stored gets its streams once the list pages are in; a duplicate of a run
    # from a file keeps the file's.
    stored = {o.external_id for o in outcomes if o.status != "duplicate"}
    detail = [(run, mapping.start_epoch(a)) for run, a in zip(runs, listed, strict=True)
              if run["external_id"] in stored]
    page = _Page(cursor, counted, activities, fresh, runs, detail)
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is not None:
            _page_done(session, runtime, link, page)
    if link is None:
        # Unlinked while this page was on its way: its runs must not stay.
        runtime.dataservice.delete_runs(runner_id, "strava", [r["external_id"] for r in runs])


@dataclass(frozen=True)
class _Page:
    """A page as listed: from ``cursor`` (with the activities ``counted`` in its second),
    those not counted before (``fresh``), the runs sent, and those stored with their start
    (``detail``: their streams are to fetch)."""

    cursor: int | None
    counted: frozenset[int]
    activities: list[dict[str, Any]]
    fresh: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    detail: list[tuple[dict[str, Any], int]]


def _page_done(session: Session, runtime: Runtime, link: StravaLink, page: _Page) -> None:
    """The page's bookkeeping, under the link's row lock: counts, cursor, streams to fetch,
    and the next page queued (or the backfill done)."""
    settings, link_id = runtime.settings, link.id
    cursor, counted, activities = page.cursor, page.counted, page.activities
    fresh, runs, detail = page.fresh, page.runs, page.detail
    if link.backfill_before != cursor or frozenset(link.backfill_boundary or ()) != counted:
        return  # another step took this page meanwhile: its counts stand
    starts = [mapping.start_epoch(a) for a in activities]
    link.activities_seen += len(fresh)
    link.runs_imported += len(runs)
    repository.add_pending_streams(
        session, link_id, [run for run, _ in detail], [start for _, start in detail]
    )
    if starts:
        oldest = min(starts)
        boundary = {int(a["id"]) for a in activities if mapping.start_epoch(a) == oldest}
        if oldest == cursor:
            boundary |= counted
        if not fresh and len(activities) >= settings.page_size:
            # More activities in one second than a page holds (never seen of a person):
            # paging by time cannot go through it, so the rest of that second is skipped.
            log.warning("strava.backfill.crowded_second", link_id=link_id, second=oldest)
            oldest, boundary = oldest - 1, set()
        link.backfill_before = oldest
        link.backfill_boundary = sorted(boundary)
        link.sync_after = max(link.sync_after or 0, max(starts))
    link.lease_until = None
    if len(activities) < settings.page_size:
        link.backfill_state = "done"
        link.backfill_finished_at = link.last_sync_at = runtime.now()
        link.next_step_at = None
        log.info("strava.backfill.done", link_id=link_id, activities=link.activities_seen,
                 runs=link.runs_imported)
        streams.queue_streams(session, runtime, link)
    else:
        link.next_step_at = queued_step_lost_at(runtime)
        # Re-queued behind every other athlete's step: round-robin across athletes.
        runtime.outbox.send_task(session, BACKFILL_TASK, {"link_id": link_id})
    log.info("strava.backfill.page", link_id=link_id, activities=len(fresh),
             runs=len(runs))


def _counted(activity: dict[str, Any], cursor: int | None, counted: frozenset[int]) -> bool:
    """Whether a listed activity is one of the previous page's, listed again because it
    started in the cursor's second."""
    return (
        cursor is not None
        and mapping.start_epoch(activity) == cursor
        and int(activity["id"]) in counted
    )


def due_backfills(runtime: Runtime) -> list[int]:
    """Backfills whose next step is due and that no worker holds (paused ones whose window
    reset, and any whose queued step a crash lost), each marked as queued again by the
    caller."""
    with runtime.database.transaction() as session:
        due = list(repository.due_backfills(session, runtime.now()))
        repository.set_next_step(session, due, queued_step_lost_at(runtime))
        return due
