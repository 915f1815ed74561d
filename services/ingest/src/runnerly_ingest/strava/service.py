"""The runner's link to Strava: connect (OAuth), the callback, status, unlink, and forgetting
a deleted account.

Connect and status run in the request's transaction and never commit. The callback, unlink
and forgetting call Strava (and the dataservice) with no transaction open: they read in a
short transaction, close it, call, then write in another that checks again; their endpoints
take no request session. The sync itself is in ``backfill``, ``streams`` and ``webhooks``;
talking to Strava within the budget in ``calls``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.orm import Session

from runnerly_ingest.config import Settings
from runnerly_ingest.crypto import TokenCipher
from runnerly_ingest.models import ConnectState, StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits, repository
from runnerly_ingest.strava.backfill import BACKFILL_TASK
from runnerly_ingest.strava.client import (
    StravaError,
    StravaRateLimited,
    StravaUnavailable,
    TokenGrant,
)
from runnerly_ingest.strava.schemas import (
    BackfillRead,
    CallbackRequest,
    ConnectRead,
    StravaStatus,
    SyncPaused,
)
from runnerly_ingest.strava.steps import queued_step_lost_at
from runnerly_kit.db import Database
from runnerly_kit.errors import BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable
from runnerly_kit.messages import StravaLinked

log = structlog.get_logger()

STATE_TTL = timedelta(minutes=10)
REQUESTED_SCOPE = "read,activity:read_all"
ACTIVITY_SCOPES = frozenset({"activity:read_all", "activity:read"})


class StateRefused(BadRequest):
    """An unknown, used or expired ``state``: the link must be started again. An expired
    one is deleted all the same."""

    keeps_changes = True


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


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
    runtime: Runtime, runner_id: str, request: CallbackRequest, now: datetime
) -> StravaStatus:
    """Check the state, exchange the code, store the link and start the backfill. The state
    is spent (single use, whatever follows) in a transaction of its own before Strava is
    asked."""
    with runtime.database.transaction() as session:
        refusal = _spend_state(session, runner_id, request.state, now)
    if refusal is not None:
        raise refusal
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
    name = " ".join(
        str(part) for part in (athlete.get("firstname"), athlete.get("lastname")) if part
    ) or None
    with runtime.database.transaction() as session:
        # The account may have gone while Strava answered: then nothing is stored.
        runtime.revocations.ensure_admitted(session, runner_id)
        link = _store_link(session, runtime, runner_id=runner_id, athlete_id=athlete_id,
                           name=name, grant=grant, granted=granted, now=now)
        return _status(session, runtime.settings, link, now)


def _spend_state(session: Session, runner_id: str, state: str, now: datetime
                 ) -> StateRefused | None:
    """Check the state and delete it; why it is refused once deleted (then the refusal is
    raised after the commit, so the deletion stands)."""
    stored = repository.state(session, _hash(state))
    if stored is None:
        raise StateRefused("This Strava link was already used or never started; start again.")
    if not hmac.compare_digest(stored.runner_id, runner_id):
        raise Forbidden("This Strava link was started by another account.")
    repository.delete_state(session, stored)  # single use, whatever follows
    if stored.expires_at <= now:
        return StateRefused("This Strava link expired (after 10 minutes); start again.")
    return None


def _store_link(
    session: Session,
    runtime: Runtime,
    *,
    runner_id: str,
    athlete_id: int,
    name: str | None,
    grant: TokenGrant,
    granted: set[str],
    now: datetime,
) -> StravaLink:
    """The new link (its backfill queued), or the runner's link with the fresh tokens."""
    other = repository.link_of_athlete(session, athlete_id)
    if other is not None and other.runner_id != runner_id:
        raise Conflict("This Strava athlete is already linked to another Runnerly account.")
    link = repository.link_of_runner(session, runner_id)
    if link is not None and link.athlete_id != athlete_id:
        raise Conflict("Your account is linked to another Strava athlete: unlink it first.")
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
                next_step_at=queued_step_lost_at(runtime),
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
    return link


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


@dataclass(frozen=True)
class _Held:
    """What forgetting a link needs once its transaction is closed."""

    link_id: int
    athlete_id: int
    access_token: str  # encrypted


def _held(runtime: Runtime, runner_id: str) -> _Held | None:
    with runtime.database.transaction() as session:
        link = repository.link_of_runner(session, runner_id)
        if link is None:
            return None
        return _Held(link.id, link.athlete_id, link.access_token)


def _forget(runtime: Runtime, held: _Held) -> None:
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, held.link_id)
        if link is not None:
            repository.delete_link(session, link)


def unlink(runtime: Runtime, runner_id: str) -> None:
    """Deauthorize at Strava, delete every Strava run of the runner, forget the tokens. The
    runs go before the link: should the dataservice not answer, the runner can try again."""
    held = _held(runtime, runner_id)
    if held is None:
        raise NotFound("Your account is not linked to Strava.")
    _deauthorize_at_strava(runtime, held)
    deleted = runtime.dataservice.delete_runs(runner_id, "strava")
    _forget(runtime, held)
    log.info("strava.unlinked", runner_id=runner_id, athlete_id=held.athlete_id, runs=deleted)


def forget_runner(runtime: Runtime, runner_id: str) -> None:
    """The account is gone (``user.deleted``): forget the link and its tokens. The
    dataservice forgets the runs itself on the same event."""
    held = _held(runtime, runner_id)
    if held is None:
        return
    _deauthorize_at_strava(runtime, held)
    _forget(runtime, held)
    log.info("strava.forgotten", runner_id=runner_id, athlete_id=held.athlete_id)


def _deauthorize_at_strava(runtime: Runtime, held: _Held) -> None:
    """Best effort: the tokens are forgotten here whatever Strava answers."""
    try:
        runtime.strava.deauthorize(runtime.cipher.decrypt(held.access_token))
    except (StravaError, StravaUnavailable, StravaRateLimited, ValueError) as exc:
        log.warning("strava.deauthorize_failed", athlete_id=held.athlete_id, error=str(exc))


def reencrypt_tokens(database: Database, cipher: TokenCipher) -> int:
    """Every link's tokens encrypted again with the first of ``cipher``'s keys, so that
    the keys after it can be dropped from ``RUNNERLY_INGEST_TOKEN_KEY``; the number of
    links. One link at a time under its row lock, so a worker refreshing a link meanwhile
    waits a moment at most (it too encrypts with the first key). A token that no key
    decrypts stops it with ``ValueError``, naming the link, before anything of that link
    changes."""
    with database.sessions() as session:
        link_ids = repository.link_ids(session)
    done = 0
    for link_id in link_ids:
        with database.transaction() as session:
            link = repository.locked_link(session, link_id)
            if link is None:  # unlinked meanwhile
                continue
            try:
                access = cipher.rotate(link.access_token)
                refresh = cipher.rotate(link.refresh_token)
            except ValueError as exc:
                raise ValueError(f"Strava link {link_id}: {exc}") from None
            link.access_token, link.refresh_token = access, refresh
            done += 1
    log.info("strava.tokens_reencrypted", links=done)
    return done
