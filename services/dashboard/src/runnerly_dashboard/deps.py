"""Typed dependencies: the database session, the peers, the settings, and the caller."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Annotated

import anyio
from fastapi import Depends, Header, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from runnerly_dashboard.auth import service as auth_service
from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.config import Settings
from runnerly_dashboard.cookies import CSRF_HEADER, SESSION_COOKIE
from runnerly_dashboard.peers import Peers
from runnerly_kit.db import Database, SessionDep, is_sqlite
from runnerly_kit.errors import Unauthorized
from runnerly_kit.revocations import Revocations

__all__ = [
    "CallerDep",
    "CsrfTokenDep",
    "IfNoneMatchDep",
    "PeersDep",
    "RevocationsDep",
    "SessionCookieDep",
    "SessionDep",
    "SettingsDep",
]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Declared as security schemes so the OpenAPI contract shows both ways in.
_bearer = HTTPBearer(auto_error=False, description="A runner's access token (scripts).")
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The browser session set by login."
)


# Async although nothing here waits: FastAPI runs a plain function dependency in its thread
# pool, a trip per request that costs more than reading an attribute.
async def _peers(request: Request) -> Peers:
    peers: Peers = request.app.state.peers
    return peers


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _revocations(request: Request) -> Revocations:
    revocations: Revocations = request.app.state.revocations
    return revocations


PeersDep = Annotated[Peers, Depends(_peers)]
SettingsDep = Annotated[Settings, Depends(_settings)]
RevocationsDep = Annotated[Revocations, Depends(_revocations)]
SessionCookieDep = Annotated[str | None, Depends(_session_cookie)]
CsrfTokenDep = Annotated[
    str | None,
    Header(
        alias=CSRF_HEADER,
        max_length=256,
        description="The runnerly_csrf cookie's value; required on cookie-authenticated writes.",
    ),
]
IfNoneMatchDep = Annotated[
    str | None,
    Header(alias="If-None-Match", max_length=1024, description="An ETag from an earlier read."),
]


# Threads (per process) that wait on a network database's revocation checks at once: a
# few overlap the round trips; the pool's forty would only fight over the GIL.
_NETWORK_CHECKS = anyio.CapacityLimiter(4)


async def _caller(
    request: Request,
    peers: PeersDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_token: SessionCookieDep,
    csrf_token: CsrfTokenDep = None,
) -> Caller:
    # Resolved on the event loop, so that an endpoint relayed there makes no thread trip;
    # what blocks is sent to a thread.
    revocations: Revocations = request.app.state.revocations
    database: Database = request.app.state.database
    # A Bearer token is sent by a script, never attached by a browser on its own, so it
    # needs no CSRF token; the peers verify it.
    if bearer is not None and bearer.credentials:
        scripted = Caller(access_token=bearer.credentials)
        check = partial(auth_service.check_not_revoked, revocations, scripted)
        # On SQLite the check is one primary-key read of a local file (in WAL mode never
        # waiting for a writer): less than a trip to a thread would cost.
        if is_sqlite(database.url):
            check()
        else:
            await anyio.to_thread.run_sync(check, limiter=_NETWORK_CHECKS)
        return scripted
    if not session_token:
        raise Unauthorized("Log in, or send 'Authorization: Bearer <access token>'.")
    # Renewing the session's token pair may call tokendealer: in a thread.
    return await anyio.to_thread.run_sync(
        partial(_session_caller, request, peers, session_token, csrf_token, revocations)
    )


def _session_caller(
    request: Request,
    peers: Peers,
    session_token: str,
    csrf_token: str | None,
    revocations: Revocations,
) -> Caller:
    database: Database = request.app.state.database
    # Its own transaction, committed before the endpoint runs: a renewed token pair must be
    # kept even if the endpoint then fails, since tokendealer has already spent the old one.
    with database.transaction() as db:
        caller = auth_service.resume(
            db,
            peers,
            session_token,
            csrf_token,
            unsafe=request.method in UNSAFE_METHODS,
            now=datetime.now(UTC),
        )
    if caller is None:
        raise Unauthorized("Your session has ended; log in again.")
    auth_service.check_not_revoked(revocations, caller)
    return caller


CallerDep = Annotated[Caller, Depends(_caller)]
