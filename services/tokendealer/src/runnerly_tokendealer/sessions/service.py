"""Logins: password check with limits on failures, then refresh-token families."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from runnerly_kit.errors import Forbidden, Unauthorized
from runnerly_tokendealer import limits as limits_module
from runnerly_tokendealer import opaque_tokens
from runnerly_tokendealer.accounts import repository as accounts_repository
from runnerly_tokendealer.accounts.roles import scopes_for
from runnerly_tokendealer.db import utcnow
from runnerly_tokendealer.keys.service import issue_access_token
from runnerly_tokendealer.models import Account, RefreshToken
from runnerly_tokendealer.runtime import Runtime
from runnerly_tokendealer.sessions import repository
from runnerly_tokendealer.sessions.schemas import LoginRequest, TokenPair

log = structlog.get_logger()


class WrongCredentials(Unauthorized):
    title = "Wrong credentials"
    keeps_changes = True  # the failure just counted must outlive the refusal


class RefreshTokenRefused(Unauthorized):
    title = "Refresh token refused"
    keeps_changes = True  # a reused token's family stays revoked


def login(session: Session, runtime: Runtime, data: LoginRequest, address: str) -> TokenPair:
    """Check email and password; on success open a new refresh-token family."""
    settings = runtime.settings
    now = utcnow()
    email = data.email.strip().lower()
    account = accounts_repository.get_by_email(session, email)
    limits = {
        # The lock a guesser meets: one account from one client.
        f"client:{email} {address}": settings.login_max_failures_per_client,
        f"address:{address}": settings.login_max_failures_per_address,
        # A guess spread over many clients meets this ceiling; the clients the account
        # logged in from before are not held by it, so a guesser cannot lock the owner out.
        f"account:{email}": settings.login_max_failures_per_account,
    }
    if account is not None and repository.has_logged_in_from(
        session, account.id, address, now - timedelta(seconds=settings.refresh_token_ttl)
    ):
        del limits[f"account:{email}"]
    window = timedelta(seconds=settings.login_failure_window)
    for subject, limit in limits.items():
        count, oldest = repository.count_failures(session, subject, now - window)
        if count >= limit and oldest is not None:
            log.warning("login.throttled", subject=subject.split(":", 1)[0])
            raise limits_module.refusal(
                "Too many failed logins:", oldest=oldest, window=window, now=now
            )
    matches = _password_matches(runtime, account, data.password)
    if account is None or not matches:
        repository.prune_failures(session, now - window)
        repository.add_failures(
            session,
            [f"client:{email} {address}", f"address:{address}", f"account:{email}"],
            now,
        )
        log.info("login.failed")
        raise WrongCredentials("Wrong email or password.")
    if not account.confirmed:
        raise Forbidden("Confirm your email address first: we sent you a link.")
    # Only this client's count: the account-wide one goes on holding a distributed guess.
    repository.forget_failures(session, f"client:{email} {address}")
    if runtime.hasher.check_needs_rehash(account.password_hash):
        account.password_hash = runtime.hasher.hash(data.password)
    log.info("login.succeeded", user_id=account.id)
    return _issue(session, runtime, account.id, uuid.uuid4().hex, now, login_address=address)


def refresh(session: Session, runtime: Runtime, refresh_token: str) -> TokenPair:
    """Use a refresh token once: it gives a new one of the same family and an access token."""
    now = utcnow()
    found = repository.find_refresh_token(session, opaque_tokens.digest(refresh_token))
    if found is None or found.revoked_at is not None:
        raise RefreshTokenRefused("This refresh token is not valid: log in again.")
    if found.used_at is not None:
        # Used twice means it was copied: whoever holds the family loses it.
        revoked = repository.revoke_family(session, found.family_id, now)
        log.warning("refresh.reused", user_id=found.account_id, revoked=revoked)
        raise RefreshTokenRefused("This refresh token was already used: log in again.")
    if found.expires_at <= now:
        raise RefreshTokenRefused("This refresh token has expired: log in again.")
    found.used_at = now
    return _issue(
        session, runtime, found.account_id, found.family_id, now,
        login_address=found.login_address,
    )


def logout(session: Session, refresh_token: str) -> None:
    """End the login the refresh token belongs to; an unknown token is already logged out."""
    found = repository.find_refresh_token(session, opaque_tokens.digest(refresh_token))
    if found is not None:
        repository.revoke_family(session, found.family_id, utcnow())
        log.info("logout", user_id=found.account_id)


def end_every_login(session: Session, account: Account, now: datetime) -> None:
    """End every login of the account (its password changed): every refresh-token family
    is revoked, and the failures counted against it are forgotten with the old password."""
    revoked = repository.revoke_all_of_account(session, account.id, now)
    repository.forget_failures_of_account(session, account.email)
    log.info("login.ended_all", user_id=account.id, revoked=revoked)


def _password_matches(runtime: Runtime, account: Account | None, password: str) -> bool:
    # Verified against a dummy hash when there is no account, so that an unknown email
    # costs the same time as a wrong password.
    stored = account.password_hash if account is not None else runtime.dummy_hash
    try:
        runtime.hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return account is not None


def _issue(
    session: Session,
    runtime: Runtime,
    account_id: str,
    family_id: str,
    now: datetime,
    *,
    login_address: str | None,
) -> TokenPair:
    settings = runtime.settings
    token = opaque_tokens.new_token()
    repository.add_refresh_token(
        session,
        RefreshToken(
            account_id=account_id,
            family_id=family_id,
            token_hash=opaque_tokens.digest(token),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl),
            login_address=login_address,
        ),
    )
    account = accounts_repository.get(session, account_id)
    roles = account.roles if account is not None else []
    return TokenPair(
        access_token=issue_access_token(runtime.keys, settings, account_id, scopes_for(roles)),
        refresh_token=token,
        expires_in=settings.access_token_ttl,
    )
