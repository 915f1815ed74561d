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
from runnerly_ingest.models import ConnectState, StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits, mapping, repository
from runnerly_ingest.strava.client import (
    Answer,
    StravaError,
    StravaNotFound,
    StravaRateLimited,
    StravaUnauthorized,
    StravaUnavailable,
)
from runnerly_ingest.strava.schemas import (
    BackfillRead,
    CallbackRequest,
    ConnectRead,
    StravaStatus,
    WebhookEvent,
)
from runnerly_kit.errors import BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable

log = structlog.get_logger()

STATE_TTL = timedelta(minutes=10)
# Refresh an access token when it has less than this left.
REFRESH_MARGIN = timedelta(minutes=5)
REQUESTED_SCOPE = "read,activity:read_all"
ACTIVITY_SCOPES = frozenset({"activity:read_all", "activity:read"})
BACKFILL_TASK = "ingest.strava.backfill"
EVENT_TASK = "ingest.strava.event"


class StateRefused(BadRequest):
    """An unknown, used or expired ``state``: the link must be started again. An expired
    one is deleted all the same."""

    keeps_changes = True


class Paused(Exception):
    """The shared rate budget (or the athlete's fair share) is spent until ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"paused until {until.isoformat()}")
        self.until = until


class LinkGone(Exception):
    """The link was removed (unlinked, deauthorized) while a task worked on it."""


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
        runtime.outbox.emit(
            session, "strava.linked", {"runner_id": runner_id, "athlete_id": athlete_id}
        )
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
    runtime: Runtime, link_id: int | None, request: Callable[[], Answer], *, read: bool = True
) -> Answer:
    """Reserve the request in the shared budget, send it, keep the usage Strava reports."""
    database = runtime.database
    with database.transaction() as session:
        link = repository.link(session, link_id) if link_id is not None else None
        wait = limits.reserve(session, runtime.settings, runtime.now(), read=read, link=link)
    if wait is not None:
        raise Paused(wait)
    try:
        answer = request()
    except StravaRateLimited as exc:
        with database.transaction() as session:
            until = limits.limited(session, exc.usage, runtime.now())
        log.warning("strava.rate_limited", until=until.isoformat())
        raise Paused(until) from exc
    with database.transaction() as session:
        limits.record(session, answer.usage, runtime.now())
    return answer


def access_token(runtime: Runtime, link_id: int) -> str:
    """The link's access token, refreshed first when it expires within five minutes.

    The refresh holds the link's row lock, so two workers never refresh at once (Strava may
    rotate the refresh token: the loser would present a spent one), and the rotated refresh
    token is stored in the same transaction as the new access token.
    """
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is None:
            raise LinkGone
        if link.expires_at - runtime.now() > REFRESH_MARGIN:
            return runtime.cipher.decrypt(link.access_token)
        grant = runtime.strava.refresh(runtime.cipher.decrypt(link.refresh_token))
        link.access_token = runtime.cipher.encrypt(grant.access_token)
        link.refresh_token = runtime.cipher.encrypt(grant.refresh_token)
        link.expires_at = datetime.fromtimestamp(grant.expires_at, UTC)
        log.info("strava.token_refreshed", athlete_id=link.athlete_id)
        return grant.access_token


# -- backfill ----------------------------------------------------------------------------


def backfill_step(runtime: Runtime, link_id: int) -> datetime | None:
    """Import one page of the athlete's history (newest first), then queue the next page.

    Returns the moment to continue when the rate budget is spent (the caller schedules it).
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
        with runtime.database.transaction() as session:
            link = repository.link(session, link_id)
            if link is not None:
                link.backfill_state = "paused"
                link.next_step_at = paused.until
                link.lease_until = None
        log.info("strava.backfill.paused", link_id=link_id, until=paused.until.isoformat())
        return paused.until
    except (StravaUnauthorized, LinkGone):
        deauthorized(runtime, link_id)
        return None
    except BaseException:
        _release(runtime, link_id)
        raise


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
        runner_id, cursor, imported = link.runner_id, link.backfill_before, link.runs_imported
        counted = frozenset(link.backfill_boundary or ())
        if link.backfill_state == "pending":
            link.backfill_started_at = runtime.now()
        link.backfill_state = "running"
    token = access_token(runtime, link_id)
    # Strava's ``before`` is exclusive and a page may end between two activities started in
    # the same second: ask from the cursor's second on again and skip those already counted.
    before = cursor + 1 if cursor is not None else None
    answer = _call(
        runtime,
        link_id,
        lambda: runtime.strava.activities(token, before=before, per_page=settings.page_size),
    )
    activities: list[dict[str, Any]] = [a for a in answer.data if isinstance(a, dict)]
    fresh = [a for a in activities if not _counted(a, cursor, counted)]
    runs = [mapping.to_run(runner_id, a) for a in fresh if mapping.is_run(a)]
    # Streams cost one request per run: only for the most recent runs, if at all.
    wanted = max(0, settings.streams_for_recent - imported)
    for run in runs[:wanted]:
        activity_id = int(run["external_id"])
        stream_answer = _call(
            runtime, link_id, partial(runtime.strava.streams, token, activity_id)
        )
        run["streams"] = mapping.to_streams(stream_answer.data)
    if runs:
        runtime.dataservice.upsert_runs(runs)
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


# -- deauthorization, webhooks, reconciliation ---------------------------------------------


def deauthorized(runtime: Runtime, link_id: int) -> None:
    """The athlete withdrew Runnerly's access: delete their Strava runs, forget the tokens
    (Strava's API agreement)."""
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        deleted = runtime.dataservice.delete_runs(link.runner_id, "strava")
        repository.delete_link(session, link)
        log.info("strava.deauthorized", runner_id=link.runner_id, athlete_id=link.athlete_id,
                 runs=deleted)


def _access_withdrawn(runtime: Runtime, link_id: int) -> bool:
    """Whether Strava now refuses the link's tokens. A deauthorization event can be older
    than the link it finds: the runner unlinked (which deauthorizes), then linked the same
    athlete again before the event was handled. Only a refused token proves the new link
    was withdrawn too; the event's whole-second time cannot tell."""
    try:
        token = access_token(runtime, link_id)
        _call(runtime, link_id, lambda: runtime.strava.athlete(token))
    except (StravaError, LinkGone):  # refused token or refresh, or already forgotten
        return True
    log.info("strava.webhook.stale_deauthorization", link_id=link_id)
    return False


def accept_event(session: Session, runtime: Runtime, event: WebhookEvent) -> bool:
    """Queue a push event for the worker; False (ignored) when it is for another
    subscription. Answered at once: Strava wants its 200 within two seconds."""
    subscription = repository.budget(session).subscription_id
    if (
        subscription is not None
        and event.subscription_id is not None
        and event.subscription_id != subscription
    ):
        log.warning("strava.webhook.foreign", subscription_id=event.subscription_id)
        return False
    runtime.outbox.send_task(session, EVENT_TASK, {"event": event.model_dump()})
    return True


def verify_subscription(settings: Settings, mode: str, verify_token: str) -> bool:
    expected = settings.webhook_verify_token.get_secret_value()
    return mode == "subscribe" and hmac.compare_digest(verify_token.encode(), expected.encode())


def handle_event(runtime: Runtime, event: WebhookEvent) -> None:
    """Reflect one push event: a new or changed activity is fetched and upserted (or deleted
    if no longer a run), a deleted one deleted, a deauthorization forgets the athlete."""
    with runtime.database.transaction() as session:
        link = repository.link_of_athlete(session, event.owner_id)
        link_id, runner_id = (link.id, link.runner_id) if link else (None, None)
    if link_id is None or runner_id is None:
        log.info("strava.webhook.unknown_athlete", owner_id=event.owner_id)
        return
    if event.object_type == "athlete":
        if str(event.updates.get("authorized", "")).lower() == "false" and _access_withdrawn(
            runtime, link_id
        ):
            deauthorized(runtime, link_id)
        return
    activity_id = str(event.object_id)
    if event.aspect_type == "delete":
        runtime.dataservice.delete_runs(runner_id, "strava", [activity_id])
        return
    try:
        token = access_token(runtime, link_id)
        answer = _call(runtime, link_id, lambda: runtime.strava.activity(token, event.object_id))
    except StravaNotFound:
        runtime.dataservice.delete_runs(runner_id, "strava", [activity_id])
        return
    except (StravaUnauthorized, LinkGone):
        deauthorized(runtime, link_id)
        return
    activity = answer.data if isinstance(answer.data, dict) else {}
    if not mapping.is_run(activity):
        runtime.dataservice.delete_runs(runner_id, "strava", [activity_id])
        return
    run = mapping.to_run(runner_id, activity)
    if event.aspect_type == "create" and runtime.settings.streams_for_recent:
        streams = _call(runtime, link_id, lambda: runtime.strava.streams(token, event.object_id))
        run["streams"] = mapping.to_streams(streams.data)
    runtime.dataservice.upsert_runs([run])
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.sync_after = max(link.sync_after or 0, mapping.start_epoch(activity))
            link.last_sync_at = runtime.now()


def reconcile(runtime: Runtime, link_id: int) -> None:
    """List the activities started after the last sync (what a lost event missed)."""
    settings = runtime.settings
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None or link.backfill_state != "done":
            return
        # ``after`` is exclusive: from the newest start's second on, so an activity started
        # in that same second and not yet seen is listed too (the known one is re-sent,
        # an update).
        runner_id, after = link.runner_id, max(0, (link.sync_after or 0) - 1)
    try:
        token = access_token(runtime, link_id)
        page = 1
        while True:
            answer = _call(
                runtime,
                link_id,
                partial(
                    runtime.strava.activities,
                    token,
                    after=after,
                    page=page,
                    per_page=settings.page_size,
                ),
            )
            activities = [a for a in answer.data if isinstance(a, dict)]
            runs = [mapping.to_run(runner_id, a) for a in activities if mapping.is_run(a)]
            if runs:
                runtime.dataservice.upsert_runs(runs)
            with runtime.database.transaction() as session:
                link = repository.link(session, link_id)
                if link is None:
                    return
                starts = [mapping.start_epoch(a) for a in activities]
                if starts:
                    link.sync_after = max(link.sync_after or 0, max(starts))
                link.last_sync_at = runtime.now()
            if len(activities) < settings.page_size:
                break
            page += 1
    except Paused as paused:
        log.info("strava.reconcile.paused", link_id=link_id, until=paused.until.isoformat())
    except (StravaUnauthorized, LinkGone):
        deauthorized(runtime, link_id)


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
