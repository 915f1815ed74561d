"""Every query of the Strava domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from runnerly_ingest.models import ConnectState, PendingEvent, RateBudget, StravaLink

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
    """Whether another athlete's backfill is still to be served."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(StravaLink)
            .where(StravaLink.id != link_id, StravaLink.backfill_state.in_(ACTIVE_BACKFILL))
        )
        or 0
    ) > 0


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
    dialect = session.get_bind().dialect.name
    insert = (
        postgresql.insert(PendingEvent) if dialect == "postgresql" else sqlite.insert(PendingEvent)
    )
    result = session.execute(
        insert.values(
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
