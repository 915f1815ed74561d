"""Typed dependencies: the database session, the peers, the settings, and the caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from runnerly_dashboard.auth import service as auth_service
from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.config import Settings
from runnerly_dashboard.cookies import CSRF_HEADER, SESSION_COOKIE
from runnerly_dashboard.peers import Peers
from runnerly_kit.db import Database, SessionDep
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


def _peers(request: Request) -> Peers:
    peers: Peers = request.app.state.peers
    return peers


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _revocations(request: Request) -> Revocations:
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


def _caller(
    request: Request,
    peers: PeersDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_token: SessionCookieDep,
    csrf_token: CsrfTokenDep = None,
) -> Caller:
    revocations: Revocations = request.app.state.revocations
    # A Bearer token is sent by a script, never attached by a browser on its own, so it
    # needs no CSRF token; the peers verify it.
    if bearer is not None and bearer.credentials:
        scripted = Caller(access_token=bearer.credentials)
        auth_service.check_not_revoked(revocations, scripted)
        return scripted
    if not session_token:
        raise Unauthorized("Log in, or send 'Authorization: Bearer <access token>'.")
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
