"""Every query of the Strava domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_ingest.models import (
    ConnectState,
    PendingEvent,
    PendingStreams,
    RateBudget,
    StravaLink,
)
from runnerly_kit.db import insert_for

BUDGET_ID = 1
# A webhook event's task not taken by a worker within this long counts as lost: the next
# event for its object is queued again rather than folded into it.
PENDING_EVENT_LOST = timedelta(hours=1)
ACTIVE_BACKFILL = ("pending", "running", "paused")


def _lock_row(session: Session, model: type[StravaLink] | type[RateBudget], row_id: int) -> None:
    """Take the row's write lock before reading it: FOR UPDATE on PostgreSQL; on SQLite a
    no-op UPDATE, which takes the database's write lock at once (a read first, upgraded to
    a write later, could deadlock with another writer)."""
    session.execute(sa.update(model).where(model.id == row_id).values(id=model.id))


# -- links -------------------------------------------------------------------------------


def link_of_runner(session: Session, runner_id: str) -> StravaLink | None:
    return session.scalar(sa.select(StravaLink).where(StravaLink.runner_id == runner_id))


def link_of_athlete(session: Session, athlete_id: int) -> StravaLink | None:
    return session.scalar(sa.select(StravaLink).where(StravaLink.athlete_id == athlete_id))


def link_ids(session: Session) -> list[int]:
    return list(session.scalars(sa.select(StravaLink.id).order_by(StravaLink.id)))


def link(session: Session, link_id: int) -> StravaLink | None:
    return session.get(StravaLink, link_id)


def locked_link(session: Session, link_id: int) -> StravaLink | None:
    _lock_row(session, StravaLink, link_id)
    return session.scalar(
        sa.select(StravaLink)
        .where(StravaLink.id == link_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def add_link(session: Session, link: StravaLink) -> StravaLink:
    session.add(link)
    session.flush()
    return link


def delete_link(session: Session, link: StravaLink) -> None:
    session.execute(sa.delete(PendingEvent).where(PendingEvent.link_id == link.id))
    session.delete(link)
    session.flush()


def take_lease(session: Session, link_id: int, now: datetime, until: datetime) -> bool:
    """Claim the link's backfill step unless another worker holds it."""
    result = session.execute(
        sa.update(StravaLink)
        .where(
            StravaLink.id == link_id,
            sa.or_(StravaLink.lease_until.is_(None), StravaLink.lease_until < now),
        )
        .values(lease_until=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_backfills(session: Session, now: datetime, limit: int = 100) -> Sequence[int]:
    """Links whose backfill may take its next step now, least recently served first."""
    return session.scalars(
        sa.select(StravaLink.id)
        .where(
            StravaLink.backfill_state.in_(ACTIVE_BACKFILL),
            sa.or_(StravaLink.next_step_at.is_(None), StravaLink.next_step_at <= now),
            sa.or_(StravaLink.lease_until.is_(None), StravaLink.lease_until < now),
        )
        .order_by(StravaLink.next_step_at, StravaLink.id)
        .limit(limit)
    ).all()


def set_next_step(session: Session, link_ids: Sequence[int], at: datetime) -> None:
    if link_ids:
        session.execute(
            sa.update(StravaLink).where(StravaLink.id.in_(link_ids)).values(next_step_at=at)
        )


def others_waiting(session: Session, link_id: int) -> bool:
    """Whether another athlete's backfill, or streams, are still to be served."""
    backfill = session.scalar(
        sa.select(sa.func.count())
        .select_from(StravaLink)
        .where(StravaLink.id != link_id, StravaLink.backfill_state.in_(ACTIVE_BACKFILL))
    )
    return bool(backfill) or session.scalar(
        sa.select(PendingStreams.link_id).where(PendingStreams.link_id != link_id).limit(1)
    ) is not None


# -- streams -----------------------------------------------------------------------------


def take_streams_lease(session: Session, link_id: int, now: datetime, until: datetime) -> bool:
    """Claim the link's streams step unless another worker holds it."""
    result = session.execute(
        sa.update(StravaLink)
        .where(
            StravaLink.id == link_id,
            sa.or_(StravaLink.streams_lease_until.is_(None), StravaLink.streams_lease_until < now),
        )
        .values(streams_lease_until=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def add_pending_streams(session: Session, link_id: int, runs: Sequence[dict[str, Any]],
                        starts: Sequence[int]) -> None:
    """Queue these runs' streams; a run already waiting keeps its place, with the newer
    summary."""
    if not runs:
        return
    waiting = {
        row.activity_id: row
        for row in session.scalars(
            sa.select(PendingStreams).where(
                PendingStreams.link_id == link_id,
                PendingStreams.activity_id.in_([int(run["external_id"]) for run in runs]),
            )
        )
    }
    for run, started_at in zip(runs, starts, strict=True):
        activity_id = int(run["external_id"])
        row = waiting.get(activity_id)
        if row is None:
            row = PendingStreams(link_id=link_id, activity_id=activity_id, run=run,
                                 started_at=started_at)
            session.add(row)
            waiting[activity_id] = row
        else:
            row.run, row.started_at = run, started_at
    session.flush()


def update_pending_runs(session: Session, link_id: int, runs: Sequence[dict[str, Any]]) -> None:
    """The newer summaries of runs still waiting for their streams (sent with them)."""
    by_id = {int(run["external_id"]): run for run in runs}
    if not by_id:
        return
    for row in session.scalars(
        sa.select(PendingStreams).where(
            PendingStreams.link_id == link_id, PendingStreams.activity_id.in_(list(by_id))
        )
    ):
        row.run = by_id[row.activity_id]


def next_pending_streams(
    session: Session, link_id: int, limit: int, *, requested_only: bool = False
) -> Sequence[PendingStreams]:
    """The runs to fetch next: those a runner opened (latest first), then newest first."""
    query = sa.select(PendingStreams).where(PendingStreams.link_id == link_id)
    if requested_only:
        query = query.where(PendingStreams.requested_at.is_not(None))
    return session.scalars(
        query.order_by(
            PendingStreams.requested_at.is_(None),
            PendingStreams.requested_at.desc(),
            PendingStreams.started_at.desc(),
            PendingStreams.activity_id.desc(),
        ).limit(limit)
    ).all()


def pending_streams(session: Session, link_id: int, activity_id: int) -> PendingStreams | None:
    return session.get(PendingStreams, (link_id, activity_id))


def delete_pending_streams(session: Session, link_id: int, activity_ids: Sequence[int]) -> None:
    if activity_ids:
        session.execute(
            sa.delete(PendingStreams).where(
                PendingStreams.link_id == link_id,
                PendingStreams.activity_id.in_(list(activity_ids)),
            )
        )


def has_pending_streams(session: Session, link_id: int) -> bool:
    return session.scalar(
        sa.select(PendingStreams.link_id).where(PendingStreams.link_id == link_id).limit(1)
    ) is not None


def due_streams(session: Session, now: datetime, limit: int = 100) -> Sequence[int]:
    """Links with streams to fetch whose next step is due and that no worker holds, once
    their backfill's list pages are in; least recently served first."""
    return session.scalars(
        sa.select(StravaLink.id)
        .where(
            StravaLink.backfill_state == "done",
            sa.or_(StravaLink.streams_next_at.is_(None), StravaLink.streams_next_at <= now),
            sa.or_(StravaLink.streams_lease_until.is_(None),
                   StravaLink.streams_lease_until < now),
            sa.exists().where(PendingStreams.link_id == StravaLink.id),
        )
        .order_by(StravaLink.streams_next_at, StravaLink.id)
        .limit(limit)
    ).all()


def set_streams_next(session: Session, link_ids: Sequence[int], at: datetime) -> None:
    if link_ids:
        session.execute(
            sa.update(StravaLink).where(StravaLink.id.in_(link_ids)).values(streams_next_at=at)
        )


def synced_links(session: Session) -> Sequence[int]:
    """Links whose backfill is done: reconciliation lists what came after."""
    return session.scalars(
        sa.select(StravaLink.id).where(StravaLink.backfill_state == "done").order_by(
            StravaLink.id
        )
    ).all()


def refused_synced_links(session: Session, now: datetime, *, everyone: bool) -> Sequence[int]:
    """Synced links whose refusal's next try has come; with ``everyone`` (the application
    was refused), every synced link not waiting for its own next try."""
    due = sa.and_(StravaLink.refused_until.is_not(None), StravaLink.refused_until <= now)
    if everyone:
        due = sa.or_(StravaLink.refused_until.is_(None), StravaLink.refused_until <= now)
    return session.scalars(
        sa.select(StravaLink.id)
        .where(StravaLink.backfill_state == "done", due)
        .order_by(StravaLink.id)
    ).all()


def catch_ups_due(session: Session, now: datetime) -> Sequence[int]:
    """Links whose folded webhook events are due to be caught up."""
    return session.scalars(
        sa.select(StravaLink.id)
        .where(StravaLink.catch_up_at.is_not(None), StravaLink.catch_up_at <= now)
        .order_by(StravaLink.catch_up_at, StravaLink.id)
    ).all()


# -- webhook events waiting to be verified -------------------------------------------------


def add_pending_event(
    session: Session, link_id: int, object_type: str, object_id: int, now: datetime
) -> bool:
    """Note that an event for this object waits; False when one already did (the new one
    is folded into it), unless that one counts as lost. Two requests racing for one object:
    one insert wins."""
    result = session.execute(
        insert_for(session, PendingEvent).values(
            link_id=link_id, object_type=object_type, object_id=object_id, queued_at=now
        ).on_conflict_do_update(
            index_elements=[PendingEvent.link_id, PendingEvent.object_type,
                            PendingEvent.object_id],
            set_={"queued_at": now},
            where=PendingEvent.queued_at < now - PENDING_EVENT_LOST,
        ).returning(PendingEvent.link_id)
    )
    # RETURNING, not the row count: PostgreSQL's driver counts a conflict left alone too.
    return result.first() is not None


def take_pending_event(session: Session, link_id: int, object_type: str, object_id: int) -> None:
    """The event's verification begins: an event arriving from now on is queued anew."""
    session.execute(
        sa.delete(PendingEvent).where(
            PendingEvent.link_id == link_id,
            PendingEvent.object_type == object_type,
            PendingEvent.object_id == object_id,
        )
    )


# -- connect states ----------------------------------------------------------------------


def add_state(session: Session, state: ConnectState) -> None:
    session.add(state)
    session.flush()


def state(session: Session, state_hash: str) -> ConnectState | None:
    return session.get(ConnectState, state_hash)


def delete_state(session: Session, state: ConnectState) -> None:
    session.delete(state)
    session.flush()


def delete_expired_states(session: Session, now: datetime) -> None:
    session.execute(sa.delete(ConnectState).where(ConnectState.expires_at < now))


# -- the shared rate budget ----------------------------------------------------------------


def locked_budget(session: Session) -> RateBudget:
    _lock_row(session, RateBudget, BUDGET_ID)
    budget = session.scalar(
        sa.select(RateBudget)
        .where(RateBudget.id == BUDGET_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert budget is not None, "the migration creates the budget row"
    return budget


def budget(session: Session) -> RateBudget:
    found = session.get(RateBudget, BUDGET_ID)
    assert found is not None, "the migration creates the budget row"
    return found
