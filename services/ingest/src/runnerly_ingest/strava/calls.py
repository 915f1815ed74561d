"""Talking to Strava: within the shared rate budget, with the athlete's token (refreshed when
it expires or is refused), and what each refusal means for the link.

No transaction is open while Strava answers: the budget is reserved in one, the usage it
reports kept in another, and a token refresh reads the refresh token in one and stores what
Strava handed back in another that checks nobody refreshed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import structlog

from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits, repository
from runnerly_ingest.strava.client import (
    Answer,
    StravaError,
    StravaRateLimited,
    StravaRevoked,
    StravaUnauthorized,
    StravaUnavailable,
)

log = structlog.get_logger()

# Refresh an access token when it has less than this left.
REFRESH_MARGIN = timedelta(minutes=5)

# What Strava refused, as the runner is told: the application itself, this athlete's
# permission, or nothing at all (failing, not answering). None of these deletes anything.
APP_REFUSED = "app_refused"
PERMISSION_MISSING = "permission_missing"
STRAVA_UNAVAILABLE = "strava_unavailable"
Refusal = StravaError | StravaUnavailable


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


def call(
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


def with_token(
    runtime: Runtime, link_id: int, request: Callable[[str], Answer], *, verify: bool = False
) -> Answer:
    """Send a request with the athlete's access token. A refused token (401) proves
    nothing by itself: it is refreshed and the request sent once more; a refused refresh
    raises ``StravaRevoked``, the confirmation that the athlete withdrew access."""
    token = access_token(runtime, link_id)
    try:
        return call(runtime, link_id, partial(request, token), verify=verify)
    except StravaUnauthorized as exc:
        log.info("strava.token_refused", link_id=link_id, error=str(exc))
    token = access_token(runtime, link_id, refused=token)
    return call(runtime, link_id, partial(request, token), verify=verify)


def access_token(runtime: Runtime, link_id: int, *, refused: str | None = None) -> str:
    """The link's access token, refreshed first when it expires within five minutes, or
    when it is the ``refused`` one (Strava answered 401 to it).

    Two workers may refresh at once. Strava may rotate the refresh token, so only the
    tokens of the first refresh to come back are stored (the link's row lock orders them):
    the other finds the refresh token changed and uses what the first stored (another token,
    not another ciphertext: ``reencrypt_tokens`` changes the ciphertext alone). For the same
    reason a refused refresh is a revocation only when the refused token is still the
    link's: a spent one proves nothing.
    """
    cipher = runtime.cipher
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            raise LinkGone
        stored = cipher.decrypt(link.access_token)
        if link.expires_at - runtime.now() > REFRESH_MARGIN and stored != refused:
            return stored
        spent, athlete_id = link.refresh_token, link.athlete_id
    try:
        grant = runtime.strava.refresh(cipher.decrypt(spent))
    except StravaRevoked:
        with runtime.database.transaction() as session:
            link = repository.locked_link(session, link_id)
            if link is None:
                raise LinkGone from None
            if cipher.decrypt(link.refresh_token) != cipher.decrypt(spent):
                return cipher.decrypt(link.access_token)  # refreshed meanwhile
        raise
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is None:
            raise LinkGone
        if cipher.decrypt(link.refresh_token) != cipher.decrypt(spent):
            return cipher.decrypt(link.access_token)  # another refresh came back first
        link.access_token = cipher.encrypt(grant.access_token)
        link.refresh_token = cipher.encrypt(grant.refresh_token)
        link.expires_at = datetime.fromtimestamp(grant.expires_at, UTC)
    log.info("strava.token_refreshed", athlete_id=athlete_id)
    return grant.access_token


def refused(runtime: Runtime, link_id: int | None, exc: Refusal) -> datetime:
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
    their Strava runs, forget the tokens (Strava's API agreement). The runs go first: should
    the dataservice not answer, the link stays for the next confirmation to finish."""
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        runner_id, athlete_id = link.runner_id, link.athlete_id
    deleted = runtime.dataservice.delete_runs(runner_id, "strava")
    with runtime.database.transaction() as session:
        link = repository.locked_link(session, link_id)
        if link is not None:
            repository.delete_link(session, link)
    log.info("strava.deauthorized", runner_id=runner_id, athlete_id=athlete_id, runs=deleted)


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


def budget_usage(runtime: Runtime) -> list[tuple[str, str, int, int]]:
    """Strava's limits as (window, scope, used, limit), for the budget gauges."""
    with runtime.database.sessions() as session:
        return limits.usage(repository.budget(session), runtime.now())


def app_refused(runtime: Runtime) -> float:
    """1 while Strava refuses the application, else 0 (a Prometheus gauge)."""
    with runtime.database.sessions() as session:
        return 0.0 if limits.app_refusal(session) is None else 1.0
