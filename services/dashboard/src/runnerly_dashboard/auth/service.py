"""Accounts and tokens are tokendealer's; the dashboard adds browser sessions on top:
an opaque cookie standing for a token pair it keeps fresh, and a CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

import httpx
import jwt
import structlog
from sqlalchemy.orm import Session

from runnerly_dashboard.auth import repository
from runnerly_dashboard.auth.schemas import (
    AccountConfirm,
    AccountRead,
    Credentials,
    LogoutRequest,
    PasswordResetAccepted,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    SessionsRevoked,
    SignupAccepted,
    SignupRequest,
    TokenPair,
)
from runnerly_dashboard.config import Settings
from runnerly_dashboard.models import BrowserSession
from runnerly_dashboard.peers import PeerProblem, Peers, call, parse
from runnerly_kit.db import Database
from runnerly_kit.errors import Forbidden, RunnerlyError, ServiceUnavailable, Unauthorized
from runnerly_kit.revocations import Revocations

log = structlog.get_logger()

# Renew the access token when it has less than this left, so that it cannot expire
# between the dashboard's check and the peer's.
RENEW_MARGIN = timedelta(seconds=60)
# Renewals of one session must not race: tokendealer rotates refresh tokens, so the
# loser of a race would present a spent token and end the session. Renewals are rare
# (one per access-token lifetime per session), so one lock per process costs nothing;
# across processes the row lock does the same.
_renew_lock = threading.Lock()
# The dataservice's profile default, which a zone said at sign-up replaces.
DEFAULT_TIME_ZONE = "UTC"
# A sign-up's row is written right after tokendealer created the account; one written
# later came from a sign-up with an address already taken.
SIGNUP_TIME_ZONE_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Caller:
    """Whose request this is and the access token that speaks for them to the peers."""

    access_token: str
    session_id: int | None = None  # None: a script with its own Bearer token

    @property
    def user_id(self) -> str:
        return user_id_of(self.access_token)


@dataclass(frozen=True)
class NewSession:
    """What the browser must be given to hold a new session (the cookies' values)."""

    session_token: str
    csrf_token: str


def user_id_of(access_token: str) -> str:
    """The token's subject, read without verifying: the token came from tokendealer itself,
    or the peer it is sent to verifies it."""
    return _subject_and_issued_at(access_token)[0]


def _subject_and_issued_at(access_token: str) -> tuple[str, float]:
    try:
        claims = jwt.decode(access_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is malformed.") from exc
    subject, issued_at = claims.get("sub"), claims.get("iat")
    if not isinstance(subject, str) or not subject:
        raise Unauthorized("The access token names no user.")
    if not isinstance(issued_at, int | float):
        raise Unauthorized("The access token has no issue time.")
    return subject, float(issued_at)


def check_not_revoked(revocations: Revocations, caller: Caller) -> None:
    """Refuse a deleted runner's token, or one issued before their password changed.

    Read without verifying the signature, which only makes refusing possible: a token this
    check lets through is still verified by the peer it goes to, and the claims read here
    cannot be altered without failing that verification.
    """
    subject, issued_at = _subject_and_issued_at(caller.access_token)
    revocations.check(subject, issued_at)


def _hash(session_token: str) -> str:
    return hashlib.sha256(session_token.encode()).hexdigest()


def signup(
    db: Session, peers: Peers, request: SignupRequest, client_address: str | None, now: datetime
) -> SignupAccepted:
    body = request.model_dump(exclude={"time_zone"})
    response = _relay(peers, "/accounts", body, client_address)
    accepted = parse(response, SignupAccepted, "tokendealer")
    if request.time_zone in available_timezones():
        repository.keep_signup_time_zone(
            db, _email_hash(request.email), str(request.time_zone), now
        )
    return accepted


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _apply_signup_time_zone(
    database: Database, peers: Peers, email_hash: str, access_token: str
) -> bool:
    """The time zone said at sign-up becomes the profile's at the first login. Only the
    sign-up that created the account counts (its row is written within moments of the
    account): a later sign-up with a taken address, by anyone, changes nothing. Read
    without a transaction, so none is held across the calls to the peers; True when a
    zone was kept (applied or not: it is used once)."""
    kept = database.read(lambda connection: repository.signup_time_zone(connection, email_hash))
    if kept is None:
        return False
    try:
        account = parse(call(peers.tokendealer, "GET", "/accounts/me", token=access_token),
                        AccountRead, "tokendealer")
        # Either side of the account's creation: the two services' clocks may differ a little.
        created_at = _utc(kept.created_at)
        if abs(created_at - account.created_at) > SIGNUP_TIME_ZONE_WINDOW:
            return True
        profile = call(peers.dataservice, "GET", "/profile", token=access_token).json()
        if profile.get("time_zone") not in (None, DEFAULT_TIME_ZONE):
            return True
        call(peers.dataservice, "PATCH", "/profile", token=access_token,
             json={"time_zone": kept.time_zone})
        log.info("profile.time_zone_from_signup", user_id=user_id_of(access_token))
    except RunnerlyError as error:
        # The login itself succeeded; the runner can still set the zone in Settings.
        log.warning("profile.time_zone_from_signup_failed", error=type(error).__name__)
    return True


def _utc(moment: datetime) -> datetime:
    # A plain read returns what the column holds; SQLite keeps no offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def confirm(peers: Peers, request: AccountConfirm) -> AccountRead:
    response = call(peers.tokendealer, "POST", "/accounts/confirm", json=request.model_dump())
    return parse(response, AccountRead, "tokendealer")


def login(
    db: Session,
    peers: Peers,
    settings: Settings,
    credentials: Credentials,
    client_address: str | None,
    now: datetime,
    database: Database,
) -> tuple[TokenPair, NewSession]:
    """Log in at tokendealer and open a browser session holding the token pair."""
    response = _relay(peers, "/login", credentials.model_dump(), client_address)
    pair = parse(response, TokenPair, "tokendealer")
    email_hash = _email_hash(credentials.email)
    if _apply_signup_time_zone(database, peers, email_hash, pair.access_token):
        repository.drop_signup_time_zone(db, email_hash)
    new_session = NewSession(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    browser_session = repository.add(
        db,
        BrowserSession(
            cookie_hash=_hash(new_session.session_token),
            user_id=user_id_of(pair.access_token),
            csrf_token=new_session.csrf_token,
            access_token=pair.access_token,
            access_expires_at=now + timedelta(seconds=pair.expires_in),
            refresh_token=pair.refresh_token,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.session_ttl_seconds),
        ),
    )
    log.info("session.started", session_id=browser_session.id, user_id=browser_session.user_id)
    return pair, new_session


def refresh(peers: Peers, request: RefreshRequest) -> TokenPair:
    response = call(peers.tokendealer, "POST", "/refresh", json=request.model_dump())
    return parse(response, TokenPair, "tokendealer")


def logout(
    db: Session,
    peers: Peers,
    request: LogoutRequest | None,
    session_token: str | None,
    csrf_token: str | None,
) -> bool:
    """Revoke the given refresh token, or end the cookie's session; True when cookies must go."""
    if request is not None:
        call(peers.tokendealer, "POST", "/logout", json=request.model_dump())
        return False
    if session_token is None:
        raise Unauthorized("Log in, or give the refresh token to revoke.")
    browser_session = repository.by_cookie_hash(db, _hash(session_token))
    if browser_session is None:
        return True  # already ended: logging out again is not an error
    _check_csrf(browser_session, csrf_token)
    try:
        call(peers.tokendealer, "POST", "/logout",
             json={"refresh_token": browser_session.refresh_token})
    except PeerProblem as exc:
        # Already revoked or expired at tokendealer: the session ends all the same.
        log.info("session.revoke_refused", session_id=browser_session.id, status=exc.status)
    repository.delete(db, browser_session)
    log.info("session.ended", session_id=browser_session.id, reason="logout")
    return True


def request_password_reset(
    peers: Peers, request: PasswordResetRequest, client_address: str | None
) -> PasswordResetAccepted:
    response = _relay(peers, "/password-reset", request.model_dump(), client_address)
    return parse(response, PasswordResetAccepted, "tokendealer")


def confirm_password_reset(
    db: Session, peers: Peers, revocations: Revocations, request: PasswordResetConfirm
) -> None:
    """Relay the reset; every browser session of the runner ends with their logins, and,
    before the answer, the runner's earlier access tokens are recorded as refused: the
    other services hear it by event, a moment later, but every request of a runner passes
    this door first."""
    response = call(peers.tokendealer, "POST", "/password-reset/confirm", json=request.model_dump())
    revoked = parse(response, SessionsRevoked, "tokendealer")
    end_sessions_of(db, revoked.user_id)
    revocations.record_not_before(db, revoked.user_id, revoked.not_before)


def _relay(
    peers: Peers, path: str, body: dict[str, Any], client_address: str | None
) -> httpx.Response:
    """A browser's request to tokendealer, which limits it per client address: the
    dashboard names the browser's address and proves with its token that it may."""
    if client_address is None:
        return call(peers.tokendealer, "POST", path, json=body)
    try:
        token = peers.relay.token()
    except ServiceUnavailable:
        # Without the token tokendealer counts the dashboard's own address for every
        # browser: stricter limits, not looser, and the request still goes through.
        log.error("auth.relay_token_unavailable", path=path)
        return call(peers.tokendealer, "POST", path, json=body)
    return call(
        peers.tokendealer, "POST", path, json=body, token=token,
        headers={"X-Forwarded-For": client_address},
    )


def resume(
    db: Session,
    peers: Peers,
    session_token: str,
    csrf_token: str | None,
    unsafe: bool,
    now: datetime,
) -> Caller | None:
    """The caller behind a session cookie, its access token renewed if about to expire;
    None when there is no such session any more (unknown, expired, or renewal refused)."""
    browser_session = repository.by_cookie_hash(db, _hash(session_token))
    if browser_session is None:
        return None
    if unsafe:
        _check_csrf(browser_session, csrf_token)
    if browser_session.expires_at <= now:
        repository.delete(db, browser_session)
        log.info("session.ended", session_id=browser_session.id, reason="expired")
        return None
    if browser_session.access_expires_at - now <= RENEW_MARGIN and not _renew(
        db, peers, browser_session, now
    ):
        return None
    return Caller(access_token=browser_session.access_token, session_id=browser_session.id)


def _check_csrf(browser_session: BrowserSession, csrf_token: str | None) -> None:
    if csrf_token is None or not hmac.compare_digest(
        csrf_token.encode(), browser_session.csrf_token.encode()
    ):
        raise Forbidden("Missing or wrong CSRF token.")


def _renew(db: Session, peers: Peers, browser_session: BrowserSession, now: datetime) -> bool:
    """Swap the session's token pair for a fresh one; False if tokendealer ended it."""
    with _renew_lock:
        repository.lock(db, browser_session)
        if browser_session.access_expires_at - now > RENEW_MARGIN:
            return True  # renewed by a concurrent request while this one waited
        still_valid = browser_session.access_expires_at > now
        try:
            response = call(peers.tokendealer, "POST", "/refresh",
                            json={"refresh_token": browser_session.refresh_token})
        except PeerProblem as exc:
            repository.delete(db, browser_session)
            log.info("session.ended", session_id=browser_session.id, reason="refresh_refused",
                     status=exc.status)
            return False
        except ServiceUnavailable:
            if still_valid:
                # The current token still has a few seconds: use them rather than fail.
                log.warning("session.renew_postponed", session_id=browser_session.id)
                return True
            raise
        pair = parse(response, TokenPair, "tokendealer")
        browser_session.access_token = pair.access_token
        browser_session.refresh_token = pair.refresh_token
        browser_session.access_expires_at = now + timedelta(seconds=pair.expires_in)
        db.flush()
        log.info("session.renewed", session_id=browser_session.id)
        return True


def end_sessions_of(db: Session, user_id: str) -> int:
    """Forget every browser session of a user (their account is gone)."""
    ended = repository.delete_for_user(db, user_id)
    log.info("session.ended_for_user", user_id=user_id, sessions=ended)
    return ended
