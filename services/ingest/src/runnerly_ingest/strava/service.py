"""Strava link and sync.

Endpoint functions (connect, callback, status, unlink) run in the request's transaction and
never commit. Sync functions (backfill steps, webhook events, reconciliation) are called by
tasks and own short transactions of their own between Strava's answers: each page's
bookkeeping commits with its cursor, so a crash resumes at the page it stopped on, and no
database lock is held while waiting for Strava.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import structlog
from sqlalchemy.orm import Session

from runnerly_ingest.config import Settings
from runnerly_ingest.dataservice import Outcome
from runnerly_ingest.models import ConnectState, StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits, mapping, repository
from runnerly_ingest.strava.client import (
    Answer,
    StravaError,
    StravaNotFound,
    StravaRateLimited,
    StravaRevoked,
    StravaUnauthorized,
    StravaUnavailable,
)
from runnerly_ingest.strava.schemas import (
    BackfillRead,
    CallbackRequest,
    ConnectRead,
    StravaStatus,
    SyncPaused,
    WebhookEvent,
)
from runnerly_kit.errors import BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable
from runnerly_kit.messages import StravaLinked

log = structlog.get_logger()

STATE_TTL = timedelta(minutes=10)
# Refresh an access token when it has less than this left.
REFRESH_MARGIN = timedelta(minutes=5)
REQUESTED_SCOPE = "read,activity:read_all"
ACTIVITY_SCOPES = frozenset({"activity:read_all", "activity:read"})
BACKFILL_TASK = "ingest.strava.backfill"
EVENT_TASK = "ingest.strava.event"
# A catch-up of folded webhook events lists the activities started this far back (or since
# the last sync, if earlier): the ones an update or a change of sport most likely concerns.
CATCH_UP_LOOKBACK_DAYS = 7
STREAMS_TASK = "ingest.strava.streams"
# Runs whose streams one turn fetches (a request each) before the link goes back in line.
STREAMS_PER_STEP = 5


class StateRefused(BadRequest):
    """An unknown, used or expired ``state``: the link must be started again. An expired
    one is deleted all the same."""

    keeps_changes = True


class Paused(Exception):
    """The shared rate budget (or the athlete's fair share) is spent until ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"paused until {until.isoformat()}")
        self.until = until


class VerificationSpent(Exception):
    """The share of the budget for verifying webhook events is spent until ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"verification share spent until {until.isoformat()}")
        self.until = until


class LinkGone(Exception):
    """The link was removed (unlinked, deauthorized) while a task worked on it."""


# What Strava refused, as the runner is told: the application itself, this athlete's
# permission, or nothing at all (failing, not answering). None of these deletes anything.
APP_REFUSED = "app_refused"
PERMISSION_MISSING = "permission_missing"
STRAVA_UNAVAILABLE = "strava_unavailable"
Refusal = StravaError | StravaUnavailable


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


# -- the runner's endpoints --------------------------------------------------------------


def connect(session: Session, runtime: Runtime, runner_id: str, now: datetime) -> ConnectRead:
    """An authorization URL whose ``state`` is bound to this runner for ten minutes."""
    repository.delete_expired_states(session, now)
    state = secrets.token_urlsafe(32)
    repository.add_state(
        session,
        ConnectState(state_hash=_hash(state), runner_id=runner_id, expires_at=now + STATE_TTL),
    )
    url = runtime.strava.authorize_url(runtime.settings.callback_url, state, REQUESTED_SCOPE)
    return ConnectRead(authorize_url=url, demo_mode=bool(runtime.settings.demo_mode))


def callback(
    session: Session, runtime: Runtime, runner_id: str, request: CallbackRequest, now: datetime
) -> StravaStatus:
    """Check the state, exchange the code, store the link and start the backfill."""
    stored = repository.state(session, _hash(request.state))
    if stored is None:
        raise StateRefused("This Strava link was already used or never started; start again.")
    if not hmac.compare_digest(stored.runner_id, runner_id):
        raise Forbidden("This Strava link was started by another account.")
    repository.delete_state(session, stored)  # single use, whatever follows
    if stored.expires_at <= now:
        raise StateRefused("This Strava link expired (after 10 minutes); start again.")
    granted = {scope.strip() for scope in request.scope.split(",")}
    if not granted & ACTIVITY_SCOPES:
        raise StateRefused(
            "Runnerly needs to read your activities: approve the 'View data about your "
            "activities' permission at Strava."
        )
    try:
        grant = runtime.strava.exchange_code(request.code)
    except StravaRateLimited as exc:
        raise ServiceUnavailable("Strava is busy; try again in a few minutes.") from exc
    except StravaUnavailable as exc:
        raise ServiceUnavailable("Strava cannot be reached; try again later.") from exc
    except StravaError as exc:
        raise StateRefused(f"Strava refused the authorization code ({exc}).") from exc
    athlete = grant.athlete or {}
    athlete_id = athlete.get("id")
    if not isinstance(athlete_id, int):
        raise ServiceUnavailable("Strava's answer named no athlete.")
    other = repository.link_of_athlete(session, athlete_id)
    if other is not None and other.runner_id != runner_id:
        raise Conflict("This Strava athlete is already linked to another Runnerly account.")
    link = repository.link_of_runner(session, runner_id)
    if link is not None and link.athlete_id != athlete_id:
        raise Conflict("Your account is linked to another Strava athlete: unlink it first.")
    name = " ".join(
        str(part) for part in (athlete.get("firstname"), athlete.get("lastname")) if part
    ) or None
    cipher = runtime.cipher
    if link is None:
        link = repository.add_link(
            session,
            StravaLink(
                runner_id=runner_id,
                athlete_id=athlete_id,
                athlete_name=name,
                access_token=cipher.encrypt(grant.access_token),
                refresh_token=cipher.encrypt(grant.refresh_token),
                expires_at=datetime.fromtimestamp(grant.expires_at, UTC),
                scopes=",".join(sorted(granted)),
                linked_at=now,
                backfill_state="pending",
                next_step_at=_queued_step_lost_at(runtime),
                activities_seen=0,
                runs_imported=0,
                requests_today=0,
            ),
        )
        runtime.outbox.emit(session, StravaLinked(runner_id=runner_id, athlete_id=athlete_id))
        runtime.outbox.send_task(session, BACKFILL_TASK, {"link_id": link.id})
        log.info("strava.linked", runner_id=runner_id, athlete_id=athlete_id, link_id=link.id)
    else:
        # Approved again (a new scope, a new device): fresh tokens, the sync goes on.
        link.access_token = cipher.encrypt(grant.access_token)
        link.refresh_token = cipher.encrypt(grant.refresh_token)
        link.expires_at = datetime.fromtimestamp(grant.expires_at, UTC)
        link.scopes = ",".join(sorted(granted))
        link.athlete_name = name or link.athlete_name
        session.flush()
        log.info("strava.relinked", runner_id=runner_id, athlete_id=athlete_id)
    return _status(session, runtime.settings, link, now)


def status(session: Session, settings: Settings, runner_id: str, now: datetime) -> StravaStatus:
    link = repository.link_of_runner(session, runner_id)
    if link is None:
        return StravaStatus(linked=False, demo_mode=bool(settings.demo_mode))
    return _status(session, settings, link, now)


def _status(
    session: Session, settings: Settings, link: StravaLink, now: datetime
) -> StravaStatus:
    limited = limits.limited_until(session, now)
    paused_until = link.next_step_at if link.backfill_state == "paused" else None
    refusal = limits.app_refusal(session) or (link if link.refused_reason else None)
    sync_paused = None
    if refusal is not None and refusal.refused_since and refusal.refused_until:
        sync_paused = SyncPaused(
            reason=refusal.refused_reason,
            detail=refusal.refused_detail or "",
            since=refusal.refused_since,
            next_try_at=refusal.refused_until,
        )
        if paused_until == refusal.refused_until:
            paused_until = None  # not the rate limit's pause
    return StravaStatus(
        linked=True,
        demo_mode=bool(settings.demo_mode),
        athlete_id=link.athlete_id,
        athlete_name=link.athlete_name,
        backfill=BackfillRead(
            state=link.backfill_state,
            activities_seen=link.activities_seen,
            runs_imported=link.runs_imported,
            started_at=link.backfill_started_at,
            finished_at=link.backfill_finished_at,
        ),
        last_sync_at=link.last_sync_at,
        rate_limited_until=paused_until or limited,
        sync_paused=sync_paused,
    )


def unlink(session: Session, runtime: Runtime, runner_id: str) -> None:
    """Deauthorize at Strava, delete every Strava run of the runner, forget the tokens."""
    link = repository.link_of_runner(session, runner_id)
    if link is None:
        raise NotFound("Your account is not linked to Strava.")
    _deauthorize_at_strava(runtime, link)
    deleted = runtime.dataservice.delete_runs(runner_id, "strava")
    repository.delete_link(session, link)
    log.info("strava.unlinked", runner_id=runner_id, athlete_id=link.athlete_id, runs=deleted)


def forget_runner(runtime: Runtime, runner_id: str) -> None:
    """The account is gone (``user.deleted``): forget the link and its tokens. The
    dataservice forgets the runs itself on the same event."""
    with runtime.database.transaction() as session:
        link = repository.link_of_runner(session, runner_id)
        if link is None:
            return
        _deauthorize_at_strava(runtime, link)
        repository.delete_link(session, link)
        log.info("strava.forgotten", runner_id=runner_id, athlete_id=link.athlete_id)


def _deauthorize_at_strava(runtime: Runtime, link: StravaLink) -> None:
    """Best effort: the tokens are forgotten here whatever Strava answers."""
    try:
        runtime.strava.deauthorize(runtime.cipher.decrypt(link.access_token))
    except (StravaError, StravaUnavailable, StravaRateLimited, ValueError) as exc:
        log.warning("strava.deauthorize_failed", athlete_id=link.athlete_id, error=str(exc))


# -- talking to Strava within the budget ---------------------------------------------------


def _call(
    runtime: Runtime,
    link_id: int | None,
    request: Callable[[], Answer],
    *,
    read: bool = True,
    verify: bool = False,
) -> Answer:
    """Reserve the request in the shared budget, send it, keep the usage Strava reports.
    ``verify``: it verifies webhook events, within their own share of the budget; when that
    (or the budget) is spent it raises ``VerificationSpent``, not ``Paused``."""
    database = runtime.database
    now = runtime.now()
    with database.transaction() as session:
        link = repository.link(session, link_id) if link_id is not None else None
        wait = limits.reserve(
            session, runtime.settings, now, read=read, link=link, verify=verify
        )
        refused = wait is not None and limits.refused_until(session, now, link) is not None
    if wait is not None:
        raise VerificationSpent(wait) if verify and not refused else Paused(wait)
    try:
        answer = request()
    except StravaRateLimited as exc:
        with database.transaction() as session:
            until = limits.limited(session, exc.usage, runtime.now())
        log.warning("strava.rate_limited", until=until.isoformat())
        raise Paused(until) from exc
    with database.transaction() as session:
        limits.record(session, answer.usage, runtime.now())
        link = repository.link(session, link_id) if link_id is not None else None
        if limits.answered(session, link):
            log.info("strava.refusal_over", link_id=link_id)
    return answer


def _with_token(
    runtime: Runtime, link_id: int, request: Callable[[str], Answer], *, verify: bool = False
) -> Answer:
    """Send a request with the athlete's access token. A refused token (401) proves
    nothing by itself: it is refreshed and the request sent once more; a refused refresh
    raises ``StravaRevoked``, the confirmation that the athlete withdrew access."""
    token = access_token(runtime, link_id)
    try:
        return _call(runtime, link_id, partial(request, token), verify=verify)
    except StravaUnauthorized as exc:
        log.info("strava.token_refused", link_id=link_id, error=str(exc))
    token = access_token(runtime, link_id, refused=token)
    return _call(runtime, link_id, partial(request, token), verify=verify)


def access_token(runtime: Runtime, link_id: int, *, refused: str | None = None) -> str:
    """The link's access token, refreshed first when it expires within five minutes, or
    when it is the ``refused`` one (Strava answered 401 to it).

    The refresh holds the link's row lock, so two workers never refresh at once (Strava may
    rotate the refresh token: the loser would present a spent one), and the rotated refresh
    token is stored in the same transaction as the new access token.
    """
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is None:
            raise LinkGone
        stored = runtime.cipher.decrypt(link.access_token)
        if link.expires_at - runtime.now() > REFRESH_MARGIN and stored != refused:
            return stored
        grant = runtime.strava.refresh(runtime.cipher.decrypt(link.refresh_token))
        link.access_token = runtime.cipher.encrypt(grant.access_token)
        link.refresh_token = runtime.cipher.encrypt(grant.refresh_token)
        link.expires_at = datetime.fromtimestamp(grant.expires_at, UTC)
        log.info("strava.token_refreshed", athlete_id=link.athlete_id)
        return grant.access_token


# -- backfill ----------------------------------------------------------------------------


def backfill_step(runtime: Runtime, link_id: int) -> datetime | None:
    """Import one page of the athlete's history (newest first), then queue the next page.

    Returns the moment to continue when the rate budget is spent or Strava refuses for now
    (the caller schedules it).
    """
    settings = runtime.settings
    now = runtime.now()
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None or link.backfill_state == "done":
            return None
        if not repository.take_lease(
            session, link_id, now, now + timedelta(seconds=settings.lease_seconds)
        ):
            log.info("strava.backfill.busy", link_id=link_id)
            return None
    try:
        _backfill_page(runtime, link_id)
        return None
    except Paused as paused:
        until = paused.until
    except StravaRevoked as exc:
        revoked(runtime, link_id, exc)
        return None
    except LinkGone:
        return None
    except (StravaError, StravaUnavailable) as exc:
        until = _refused(runtime, link_id, exc)
    except BaseException:
        _release(runtime, link_id)
        raise
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.backfill_state = "paused"
            link.next_step_at = until
            link.lease_until = None
    log.info("strava.backfill.paused", link_id=link_id, until=until.isoformat())
    return until


def _release(runtime: Runtime, link_id: int) -> None:
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.lease_until = None


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
    answer = _with_token(
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
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is None:
            # Unlinked while this page was on its way: its runs must not stay.
            runtime.dataservice.delete_runs(runner_id, "strava", [r["external_id"] for r in runs])
            return
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
            _queue_streams(session, runtime, link)
        else:
            link.next_step_at = _queued_step_lost_at(runtime)
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
        repository.set_next_step(session, due, _queued_step_lost_at(runtime))
        return due


def _queued_step_lost_at(runtime: Runtime) -> datetime:
    """When a step queued now counts as lost if no worker has taken it: a lease's length
    from now. Until then beat's resume tick leaves the link alone; a step queued twice
    would give its athlete two turns in every round of the queue."""
    return runtime.now() + timedelta(seconds=runtime.settings.lease_seconds)


# -- streams -----------------------------------------------------------------------------


def streams_step(runtime: Runtime, link_id: int, *, requested: bool = False) -> datetime | None:
    """Fetch the streams of a few of the link's runs (those a runner opened first, then
    newest first), send each run again with them and its splits, then queue the next turn
    behind every other queued step. ``requested``: only the runs a runner opened, at once,
    and no next turn (the link's own turns go on as they were).

    Returns the moment to try again when the rate budget is spent, Strava refuses for now,
    or (``requested``) another worker holds the link's streams (the caller schedules it).
    """
    settings = runtime.settings
    now = runtime.now()
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return None
        if not requested and (link.backfill_state != "done" or not settings.background_streams):
            return None  # the list pages first: the backfill's last page queues the streams
        if not repository.take_streams_lease(
            session, link_id, now, now + timedelta(seconds=settings.lease_seconds)
        ):
            log.info("strava.streams.busy", link_id=link_id, requested=requested)
            return now + timedelta(seconds=1) if requested else None
    try:
        _fetch_streams(runtime, link_id, requested=requested)
        return None
    except Paused as paused:
        until = paused.until
    except StravaRevoked as exc:
        revoked(runtime, link_id, exc)
        return None
    except LinkGone:
        return None
    except (StravaError, StravaUnavailable) as exc:
        until = _refused(runtime, link_id, exc)
    except BaseException:
        _release_streams(runtime, link_id)
        raise
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.streams_lease_until = None
            if not requested:
                link.streams_next_at = until
    log.info("strava.streams.paused", link_id=link_id, until=until.isoformat())
    return until


def _release_streams(runtime: Runtime, link_id: int) -> None:
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.streams_lease_until = None


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
            answer = _with_token(runtime, link_id, partial(_streams, runtime, activity_id))
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
            if repository.locked_link(session, link_id) is None:
                # Unlinked while the streams were on their way: the run must not stay.
                runtime.dataservice.delete_runs(runner_id, "strava", [str(activity_id)])
                raise LinkGone
            repository.delete_pending_streams(session, link_id, [activity_id])
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
            link.streams_next_at = _queued_step_lost_at(runtime)
            # Behind every other athlete's step: round-robin across athletes.
            runtime.outbox.send_task(session, STREAMS_TASK, {"link_id": link_id})
        else:
            link.streams_next_at = None
            log.info("strava.streams.done", link_id=link_id)


def _queue_streams(session: Session, runtime: Runtime, link: StravaLink) -> None:
    """Start the link's streams turns, unless they are on their way (queued or paused) or
    the backfill's list pages are not all in."""
    if (
        not runtime.settings.background_streams
        or link.backfill_state != "done"
        or link.streams_next_at is not None
        or not repository.has_pending_streams(session, link.id)
    ):
        return
    link.streams_next_at = _queued_step_lost_at(runtime)
    runtime.outbox.send_task(session, STREAMS_TASK, {"link_id": link.id})


def _runs_listed(
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
    _queue_streams(session, runtime, link)


def _forget_runs(runtime: Runtime, link_id: int, runner_id: str, external_ids: list[str]
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
        repository.set_streams_next(session, due, _queued_step_lost_at(runtime))
        return due


# -- deauthorization, webhooks, reconciliation ---------------------------------------------


def _streams(runtime: Runtime, activity_id: int, token: str) -> Answer:
    return runtime.strava.streams(token, activity_id)


def _refused(runtime: Runtime, link_id: int | None, exc: Refusal) -> datetime:
    """Strava refused, and nothing proves the athlete withdrew access: record it (the
    application's refusal on the shared row, an athlete's on their link) and give the
    next try. Nothing is deleted."""
    if isinstance(exc, StravaUnavailable):
        reason, app_wide = STRAVA_UNAVAILABLE, True
    elif exc.of_the_app:
        reason, app_wide = APP_REFUSED, True
    else:
        reason, app_wide = PERMISSION_MISSING, link_id is None
    now = runtime.now()
    with runtime.database.transaction() as session:
        link = None if app_wide or link_id is None else repository.link(session, link_id)
        until = limits.refused(
            session, runtime.settings, now, reason=reason, detail=str(exc), link=link
        )
        since = (link or repository.budget(session)).refused_since
    log.warning(
        "strava.refused", reason=reason, app_wide=app_wide, link_id=link_id, error=str(exc),
        since=since.isoformat() if since else None, next_try=until.isoformat(),
    )
    return until


def revoked(runtime: Runtime, link_id: int, exc: StravaRevoked) -> None:
    """Strava refused the athlete's refresh token: the athlete withdrew access."""
    log.warning("strava.access_revoked", link_id=link_id, error=str(exc))
    deauthorized(runtime, link_id)


def deauthorized(runtime: Runtime, link_id: int) -> None:
    """The athlete withdrew Runnerly's access (confirmed by a refused refresh token): delete
    their Strava runs, forget the tokens (Strava's API agreement)."""
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        deleted = runtime.dataservice.delete_runs(link.runner_id, "strava")
        repository.delete_link(session, link)
        log.info("strava.deauthorized", runner_id=link.runner_id, athlete_id=link.athlete_id,
                 runs=deleted)


def accept_event(session: Session, runtime: Runtime, event: WebhookEvent) -> bool:
    """Queue a push event for the worker; False (ignored) unless it names the subscription
    this app holds and a linked athlete (anyone can post to the webhook). An event for an
    object whose event still waits is folded into it: one verification for both. Answered
    at once, and 200 either way: Strava wants its answer within two seconds and retries
    anything else."""
    subscription = repository.budget(session).subscription_id
    if subscription is None or event.subscription_id != subscription:
        log.warning("strava.webhook.foreign", subscription_id=event.subscription_id,
                    current=subscription)
        return False
    link = repository.link_of_athlete(session, event.owner_id)
    if link is None:
        log.debug("strava.webhook.unknown_athlete", owner_id=event.owner_id)
        return False
    if repository.add_pending_event(
        session, link.id, event.object_type, event.object_id, runtime.now()
    ):
        runtime.outbox.send_task(session, EVENT_TASK, {"event": event.model_dump()})
    return True


def verify_subscription(settings: Settings, mode: str, verify_token: str) -> bool:
    expected = settings.webhook_verify_token.get_secret_value()
    return mode == "subscribe" and hmac.compare_digest(verify_token.encode(), expected.encode())


def handle_event(runtime: Runtime, event: WebhookEvent) -> None:
    """Reflect one push event, as Strava confirms it: a new, changed or deleted activity is
    fetched, then upserted if a run, deleted if gone (404) or no longer a run; a
    deauthorization forgets the athlete once Strava refuses their refresh token.

    The reads are the verification share's: once it is spent, the athlete's events are
    folded into one catch-up listing (``catch_up``), due when the share is back.

    Raises ``Paused`` (retry then) when Strava refuses for now.
    """
    now = runtime.now()
    with runtime.database.transaction() as session:
        link = repository.link_of_athlete(session, event.owner_id)
        link_id, runner_id = (link.id, link.runner_id) if link else (None, None)
        folded = link is not None and link.catch_up_at is not None and link.catch_up_at > now
        if link_id is not None:
            repository.take_pending_event(session, link_id, event.object_type, event.object_id)
    if link_id is None or runner_id is None:
        log.info("strava.webhook.unknown_athlete", owner_id=event.owner_id)
        return
    if folded:
        log.debug("strava.webhook.folded", link_id=link_id, object_id=event.object_id)
        return
    try:
        if event.object_type == "athlete":
            _athlete_event(runtime, link_id, event)
        else:
            _activity_event(runtime, link_id, runner_id, event)
    except VerificationSpent as spent:
        _fold(runtime, link_id, spent.until)
    except StravaRevoked as exc:
        revoked(runtime, link_id, exc)
    except LinkGone:
        return
    except (StravaError, StravaUnavailable) as exc:
        raise Paused(_refused(runtime, link_id, exc)) from exc


def _athlete_event(runtime: Runtime, link_id: int, event: WebhookEvent) -> None:
    """A deauthorization is confirmed the one way a lost event would be: the token is
    refused, and so is its refresh (``StravaRevoked``). It can also be older than the link
    it finds (the runner unlinked, then linked the same athlete again): the new link's
    tokens work, and it stays."""
    if str(event.updates.get("authorized", "")).lower() != "false":
        return
    _with_token(runtime, link_id, runtime.strava.athlete, verify=True)
    log.info("strava.webhook.stale_deauthorization", link_id=link_id)


def _fold(runtime: Runtime, link_id: int, until: datetime) -> None:
    """The verification share is spent: this event and the athlete's next ones until
    ``until`` wait for one catch-up listing, rather than a read each."""
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        if link.catch_up_at is None or link.catch_up_at < until:
            link.catch_up_at = until
    log.info("strava.webhook.folded_into_catch_up", link_id=link_id, at=until.isoformat())


def _activity_event(
    runtime: Runtime, link_id: int, runner_id: str, event: WebhookEvent
) -> None:
    activity_id = str(event.object_id)
    try:
        answer = _with_token(
            runtime, link_id, lambda token: runtime.strava.activity(token, event.object_id),
            verify=True,
        )
    except StravaNotFound:
        _forget_runs(runtime, link_id, runner_id, [activity_id])
        return
    activity = answer.data if isinstance(answer.data, dict) else {}
    if not mapping.is_run(activity):
        _forget_runs(runtime, link_id, runner_id, [activity_id])
        return
    if event.aspect_type == "delete":
        # Strava still serves it as a run: the event was not Strava's, or is out of date.
        log.warning("strava.webhook.delete_not_confirmed", link_id=link_id,
                    activity_id=activity_id)
    run = mapping.to_run(runner_id, activity)
    outcomes = runtime.dataservice.upsert_runs([run])
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.sync_after = max(link.sync_after or 0, mapping.start_epoch(activity))
            link.last_sync_at = runtime.now()
            _runs_listed(session, runtime, link, [(run, activity)], outcomes)


def reconcile(runtime: Runtime, link_id: int, *, catch_up: bool = False) -> None:
    """List the activities started after the last sync (what a lost event missed).

    ``catch_up``: for the webhook events folded while the verification share was spent,
    also the last ``CATCH_UP_LOOKBACK_DAYS`` (what they may have changed), on that share;
    it is due again when the share is back if that share or Strava stops it.
    """
    settings = runtime.settings
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        if link.backfill_state != "done":
            if catch_up:
                link.catch_up_at = None  # the backfill still to come lists them all
            return
        # ``after`` is exclusive: from the newest start's second on, so an activity started
        # in that same second and not yet seen is listed too (the known one is re-sent,
        # an update).
        runner_id, after = link.runner_id, max(0, (link.sync_after or 0) - 1)
        due = link.catch_up_at
        if catch_up:
            lookback = runtime.now() - timedelta(days=CATCH_UP_LOOKBACK_DAYS)
            after = min(after, int(lookback.timestamp()))
    again: datetime | None = None
    try:
        page = 1
        while True:
            answer = _with_token(
                runtime,
                link_id,
                lambda token, page=page: runtime.strava.activities(  # type: ignore[misc]
                    token, after=after, page=page, per_page=settings.page_size
                ),
                verify=catch_up,
            )
            activities = [a for a in answer.data if isinstance(a, dict)]
            listed = [(mapping.to_run(runner_id, a), a) for a in activities if mapping.is_run(a)]
            outcomes = (
                runtime.dataservice.upsert_runs([run for run, _ in listed]) if listed else []
            )
            if catch_up:
                # An update event may have been a change of sport: no longer a run.
                others = [str(a["id"]) for a in activities if not mapping.is_run(a)]
                if others:
                    _forget_runs(runtime, link_id, runner_id, others)
            with runtime.database.transaction() as session:
                link = repository.link(session, link_id)
                if link is None:
                    return
                _runs_listed(session, runtime, link, listed, outcomes)
                starts = [mapping.start_epoch(a) for a in activities]
                if starts:
                    link.sync_after = max(link.sync_after or 0, max(starts))
                link.last_sync_at = runtime.now()
            if len(activities) < settings.page_size:
                break
            page += 1
    except (Paused, VerificationSpent) as paused:
        log.info("strava.reconcile.paused", link_id=link_id, until=paused.until.isoformat())
        again = paused.until
    except StravaRevoked as exc:
        revoked(runtime, link_id, exc)
        return
    except LinkGone:
        return
    except (StravaError, StravaUnavailable) as exc:
        again = _refused(runtime, link_id, exc)
    if catch_up:
        with runtime.database.transaction() as session:
            link = repository.link(session, link_id)
            if link is not None and again is not None:
                link.catch_up_at = max(again, link.catch_up_at or again)
            elif link is not None and link.catch_up_at == due:
                link.catch_up_at = None  # else events were folded meanwhile: due again
        if again is None:
            log.info("strava.webhook.caught_up", link_id=link_id)


def catch_up(runtime: Runtime, link_id: int) -> None:
    """One listing for the athlete's webhook events folded while the verification share
    was spent."""
    reconcile(runtime, link_id, catch_up=True)


def catch_ups_due(runtime: Runtime) -> list[int]:
    with runtime.database.transaction() as session:
        return list(repository.catch_ups_due(session, runtime.now()))


def refused_links_due(runtime: Runtime) -> list[int]:
    """Synced links to try again now that their refusal's next try has come (an
    athlete's, or the application's: then every synced link, the first answer clears
    it). Backfills resume through ``due_backfills``."""
    now = runtime.now()
    with runtime.database.transaction() as session:
        budget = repository.budget(session)
        if budget.refused_until is not None and budget.refused_until > now:
            return []
        app_due = budget.refused_reason is not None
        return list(repository.refused_synced_links(session, now, everyone=app_due))


def readiness_note(runtime: Runtime) -> str | None:
    """What the operator is told while Strava refuses the application (ready stays 200:
    the service is fine)."""
    with runtime.database.sessions() as session:
        refusal = limits.app_refusal(session)
        if refusal is None or refusal.refused_since is None or refusal.refused_until is None:
            return None
        return (
            f"Strava refuses the app ({refusal.refused_reason}) since "
            f"{refusal.refused_since.isoformat()}: {refusal.refused_detail}. Sync is paused, "
            f"nothing is deleted; next try at {refusal.refused_until.isoformat()}."
        )


def app_refused(runtime: Runtime) -> float:
    """1 while Strava refuses the application, else 0 (a Prometheus gauge)."""
    with runtime.database.sessions() as session:
        return 0.0 if limits.app_refusal(session) is None else 1.0


def reconcile_targets(runtime: Runtime) -> list[int]:
    with runtime.database.transaction() as session:
        return list(repository.synced_links(session))


def ensure_subscription(runtime: Runtime) -> int | None:
    """Make sure Strava pushes events to our webhook (idempotent); the subscription id."""
    settings = runtime.settings
    if not settings.has_strava_credentials:
        log.info("strava.subscription.skipped", reason="no Strava credentials")
        return None
    with runtime.database.transaction() as session:
        known = repository.budget(session).subscription_id
    if known is not None:
        return known
    existing = runtime.strava.subscriptions().data
    subscription_id: int | None = None
    for item in existing if isinstance(existing, list) else []:
        if isinstance(item, dict) and item.get("callback_url") == settings.webhook_url:
            subscription_id = int(item["id"])
    if subscription_id is None and existing:
        log.warning("strava.subscription.other_callback", subscriptions=existing)
        return None
    if subscription_id is None:
        created = runtime.strava.subscribe(
            settings.webhook_url, settings.webhook_verify_token.get_secret_value()
        ).data
        subscription_id = int(created["id"])
    with runtime.database.transaction() as session:
        repository.locked_budget(session).subscription_id = subscription_id
    log.info("strava.subscription.ready", subscription_id=subscription_id,
             callback_url=settings.webhook_url)
    return subscription_id
