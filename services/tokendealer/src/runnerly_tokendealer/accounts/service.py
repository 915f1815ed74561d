"""Accounts: sign-up with email confirmation, password rules and reset, deletion."""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import structlog
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from runnerly_kit.errors import BadRequest, InvalidInput, NotFound
from runnerly_kit.messages import SendMail, UserCreated, UserDeleted, UserSessionsRevoked
from runnerly_kit.revocations import not_before_now
from runnerly_tokendealer import limits as limits_module
from runnerly_tokendealer import opaque_tokens
from runnerly_tokendealer.accounts import mails, repository
from runnerly_tokendealer.accounts.roles import GRANTABLE_ROLES
from runnerly_tokendealer.accounts.schemas import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    AccountCreate,
    AccountList,
    AccountSummary,
    PasswordResetAccepted,
    PasswordResetConfirm,
    SessionsRevoked,
    SignupAccepted,
)
from runnerly_tokendealer.db import utcnow
from runnerly_tokendealer.models import Account, AccountRole, AccountToken
from runnerly_tokendealer.runtime import Runtime
from runnerly_tokendealer.sessions import repository as sessions_repository
from runnerly_tokendealer.sessions import service as sessions_service

log = structlog.get_logger()

CONFIRM = "confirm"
RESET = "reset"
# zxcvbn's score (0-4) a password needs: 3 means more than 10^8 guesses even for an
# attacker who tries common and breached passwords, words, names and keyboard patterns first.
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer inputs (its matching is quadratic); the first 72 characters of a
# password that strong are already beyond any guessing.
STRENGTH_CHECKED_LENGTH = 72
# Words anyone guessing at this site tries with the victim's own address.
SITE_WORDS = ("runnerly", "running", "runner")
# zxcvbn keeps the caller's words in a module-level dictionary while it matches.
_strength_lock = threading.Lock()


class AccountGone(NotFound):
    title = "Account not found"


def check_password(password: str, email: str) -> None:
    """Refuse a password that is easy to guess, with a message that says what to do."""
    problem: str | None = None
    local_part = email.split("@", 1)[0].lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        problem = f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    elif len(password) > MAX_PASSWORD_LENGTH:
        problem = f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters."
    elif len(local_part) >= 3 and local_part in password.lower():
        problem = "Choose a password that does not contain your email address."
    else:
        problem = _guessability_problem(password, email)
    if problem is not None:
        raise InvalidInput(problem, errors=[{"field": "password", "message": problem}])


def _guessability_problem(password: str, email: str) -> str | None:
    """What makes the password easy to guess (common or breached ones, words, repeats,
    sequences, keyboard rows), judged offline by zxcvbn's lists and patterns; or None."""
    local_part, _, domain = email.lower().partition("@")
    with _strength_lock:
        verdict = zxcvbn(
            password[:STRENGTH_CHECKED_LENGTH],
            user_inputs=[email.lower(), local_part, domain, *SITE_WORDS],
        )
    if verdict["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = verdict["feedback"]
    reason = feedback["warning"] or "This password is easy to guess."
    advice = " ".join(feedback["suggestions"]) or "Add another word or two."
    return f"{reason.rstrip('.')}: choose a less obvious password. {advice}"


def sign_up(
    session: Session, runtime: Runtime, data: AccountCreate, address: str
) -> SignupAccepted:
    """Create the account and mail a confirmation link; for an email that has an account,
    mail its owner instead. The answer is the same either way."""
    check_password(data.password, data.email)
    _count_mail_request(session, runtime, "signup", data.email, address)
    # Hashed even when unused, so that both paths take as long.
    password_hash = runtime.hasher.hash(data.password)
    account = repository.get_by_email(session, data.email)
    if account is None:
        account = Account(
            id=uuid.uuid4().hex,
            email=data.email,
            password_hash=password_hash,
            confirmed_at=None,
            created_at=utcnow(),
        )
        if repository.add_if_new(session, account):
            # The id only: the outbox keeps relayed rows for a while, and an address there
            # would outlive the account.
            runtime.outbox.emit(session, UserCreated(user_id=account.id))
            _send_confirmation(session, runtime, account, data.language)
            log.info("account.created", user_id=account.id)
            return SignupAccepted(email=data.email)
        account = repository.get_by_email(session, data.email)
        assert account is not None  # taken by a concurrent signup a moment ago
    if account.confirmed:
        _send_already_registered(session, runtime, account, data.language)
    else:
        # They may have lost the first link: a new one is the helpful answer.
        _send_confirmation(session, runtime, account, data.language)
    log.info("account.signup_repeated", user_id=account.id)
    return SignupAccepted(email=data.email)


def confirm(session: Session, token: str) -> Account:
    """Confirm the email address a link token was sent to."""
    now = utcnow()
    digest = opaque_tokens.digest(token)
    found = repository.find_usable_token(session, CONFIRM, digest, now)
    account = repository.get(session, found.account_id) if found else None
    if found is None or account is None:
        # A runner who opens the link twice, or an older mail's link, is not refused but
        # told the account is ready: the page then offers to log in.
        known = found or repository.find_token(session, CONFIRM, digest)
        owner = repository.get(session, known.account_id) if known else None
        if owner is not None and owner.confirmed_at is not None:
            raise BadRequest("This account is already confirmed: log in.",
                             reason="already_confirmed")
        raise BadRequest("This confirmation link has expired or was already used.")
    found.used_at = now
    if account.confirmed_at is None:
        account.confirmed_at = now
        log.info("account.confirmed", user_id=account.id)
    return account


def get(session: Session, account_id: str) -> Account:
    account = repository.get(session, account_id)
    if account is None:
        raise AccountGone("This account no longer exists.")
    return account


def list_confirmed(session: Session, *, limit: int, cursor: str | None) -> AccountList:
    """Confirmed accounts in a stable order, a page at a time (the cursor is the last id)."""
    if cursor is not None and not _is_account_id(cursor):
        raise InvalidInput("The cursor is not one this service issued; start again without it.")
    rows = repository.list_confirmed(session, after_id=cursor, limit=limit + 1)
    items = [AccountSummary.model_validate(row) for row in rows[:limit]]
    return AccountList(items=items, next_cursor=items[-1].user_id if len(rows) > limit else None)


def _is_account_id(value: str) -> bool:
    return len(value) == 32 and all(char in "0123456789abcdef" for char in value)


def grant_role(session: Session, email: str, role: str) -> Account:
    """Give an account a role; its next token (at the latest in one refresh) carries it."""
    account = _for_role_change(session, email, role)
    if role not in account.roles:
        account.role_grants.append(
            AccountRole(account_id=account.id, role=role, granted_at=utcnow())
        )
        log.info("account.role_granted", user_id=account.id, role=role)
    return account


def revoke_role(session: Session, email: str, role: str) -> Account:
    account = _for_role_change(session, email, role)
    account.role_grants = [grant for grant in account.role_grants if grant.role != role]
    log.info("account.role_revoked", user_id=account.id, role=role)
    return account


def _for_role_change(session: Session, email: str, role: str) -> Account:
    if role not in GRANTABLE_ROLES:
        raise InvalidInput(f"'{role}' is not a role; one of: {', '.join(sorted(GRANTABLE_ROLES))}.")
    account = repository.get_by_email(session, email.strip().lower())
    if account is None:
        raise NotFound(f"No account has the email {email}.")
    return account


def delete(session: Session, runtime: Runtime, account_id: str) -> None:
    """Delete the account and everything kept about it; every service hears of it."""
    account = get(session, account_id)
    sessions_repository.delete_all_of_account(session, account.id)
    sessions_repository.forget_failures_of_account(session, account.email)
    repository.delete_mail_requests(
        session, [_mail_subject(kind, account.email) for kind in MAIL_KINDS]
    )
    repository.delete(session, account)
    # This service refuses the account's tokens from this commit on, and keeps nothing that
    # names it; every other service does the same when it hears of it.
    runtime.revocations.record_deletion(session, account.id)
    runtime.outbox.forget(session, [account.id, account.email])
    # The address lets the mailer drop its local copies; the row goes once relayed.
    runtime.outbox.emit(session, UserDeleted(user_id=account.id, email=account.email))
    log.info("account.deleted", user_id=account.id)


def request_password_reset(
    session: Session, runtime: Runtime, email: str, address: str, language: str | None = None
) -> PasswordResetAccepted:
    """Mail a reset link if an account has this email; answer the same either way. The new
    link voids every older one."""
    _count_mail_request(session, runtime, "reset", email, address)
    account = repository.get_by_email(session, email)
    if account is not None:
        settings = runtime.settings
        repository.void_tokens(session, account.id, RESET, utcnow())
        token = _new_link_token(session, account, RESET, settings.reset_token_ttl)
        mail = mails.password_reset(
            _link(runtime, "/reset-password", token), settings.reset_token_ttl // 60, language
        )
        _send(session, runtime, account, mail)
        log.info("account.reset_requested", user_id=account.id)
    return PasswordResetAccepted()


def reset_password(
    session: Session, runtime: Runtime, data: PasswordResetConfirm
) -> SessionsRevoked:
    """Set a new password from a reset link; every other link and every login of the
    account ends."""
    now = utcnow()
    found = repository.find_usable_token(session, RESET, opaque_tokens.digest(data.token), now)
    account = repository.get(session, found.account_id) if found else None
    if found is None or account is None:
        raise BadRequest(
            "This password reset link has expired, was already used or was replaced by a "
            "newer one: use the newest link we sent, or ask for a new one."
        )
    check_password(data.password, account.email)
    repository.void_tokens(session, account.id, RESET, now)
    account.password_hash = runtime.hasher.hash(data.password)
    # Following the mailed link proves they own the address.
    if account.confirmed_at is None:
        account.confirmed_at = now
    sessions_service.end_every_login(session, account, now)
    log.info("account.password_reset", user_id=account.id)
    return revoke_access_tokens(session, runtime, account.id)


def revoke_access_tokens(session: Session, runtime: Runtime, account_id: str) -> SessionsRevoked:
    """Refuse, in every service, the account's access tokens issued until now (its password
    changed): here from this commit on, elsewhere when ``user.sessions_revoked`` arrives
    (the dashboard records it before it answers)."""
    revoked = SessionsRevoked(user_id=account_id, not_before=not_before_now())
    runtime.revocations.record_not_before(session, account_id, revoked.not_before)
    runtime.outbox.emit(
        session, UserSessionsRevoked(user_id=revoked.user_id, not_before=revoked.not_before)
    )
    log.info("account.access_tokens_revoked", user_id=account_id)
    return revoked


def _count_mail_request(
    session: Session, runtime: Runtime, kind: str, email: str, address: str
) -> None:
    """Count a request that may mail ``email``, or refuse it past the limits: per kind of
    mail and email, and per client address. Counted whether the email has an account or
    not, so that the refusal reveals nothing."""
    settings = runtime.settings
    now = utcnow()
    window = timedelta(seconds=settings.mail_window)
    limits = {
        _mail_subject(kind, email): settings.mail_max_per_email,
        f"address:{address}": settings.mail_max_per_address,
    }
    for subject, limit in limits.items():
        count, oldest = repository.count_mail_requests(session, subject, now - window)
        if count >= limit and oldest is not None:
            log.warning("mail.throttled", subject=subject.split(":", 1)[0])
            raise limits_module.refusal(
                "Too many emails asked for: look for the ones already sent (and in the spam "
                "folder), or",
                oldest=oldest,
                window=window,
                now=now,
            )
    repository.prune_mail_requests(session, now - window)
    repository.add_mail_requests(session, list(limits), now)


MAIL_KINDS = ("signup", "reset")


def _mail_subject(kind: str, email: str) -> str:
    """How a mail request is counted for an email: by its digest, so the count keeps no
    address (an unknown address is counted too, and a deleted runner's is forgotten)."""
    return f"{kind}:{hashlib.sha256(email.encode()).hexdigest()}"


def _send_confirmation(
    session: Session, runtime: Runtime, account: Account, language: str
) -> None:
    ttl = runtime.settings.confirm_token_ttl
    token = _new_link_token(session, account, CONFIRM, ttl)
    _send(
        session,
        runtime,
        account,
        mails.confirmation(_link(runtime, "/confirm", token), ttl // 3600, language),
    )


def _send_already_registered(
    session: Session, runtime: Runtime, account: Account, language: str
) -> None:
    base = runtime.settings.public_url.rstrip("/")
    _send(
        session,
        runtime,
        account,
        mails.already_registered(f"{base}/login", f"{base}/reset-password", language),
    )


def _new_link_token(session: Session, account: Account, purpose: str, ttl: int) -> str:
    token = opaque_tokens.new_token()
    now = utcnow()
    repository.add_token(
        session,
        AccountToken(
            account_id=account.id,
            purpose=purpose,
            token_hash=opaque_tokens.digest(token),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        ),
    )
    return token


def _link(runtime: Runtime, path: str, token: str) -> str:
    return f"{runtime.settings.public_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def _send(session: Session, runtime: Runtime, account: Account, mail: mails.Mail) -> None:
    runtime.outbox.send_task(
        session,
        SendMail(
            to=account.email,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            user_id=account.id,
        ),
    )
