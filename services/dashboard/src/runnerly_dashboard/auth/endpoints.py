from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response, status

from runnerly_dashboard.auth import service
from runnerly_dashboard.auth.schemas import (
    AccountConfirm,
    AccountRead,
    Credentials,
    LogoutRequest,
    PasswordResetAccepted,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    SignupAccepted,
    SignupRequest,
    TokenPair,
)
from runnerly_dashboard.cookies import clear_session_cookies, set_session_cookies
from runnerly_dashboard.deps import (
    CsrfTokenDep,
    PeersDep,
    RevocationsDep,
    SessionCookieDep,
    SessionDep,
    SettingsDep,
)
from runnerly_dashboard.problems import problem_responses

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/signup",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SignupAccepted,
    responses=problem_responses(409, 429, 503),
)
def signup(
    body: SignupRequest, request: Request, db: SessionDep, peers: PeersDep
) -> SignupAccepted:
    """Create an account; a confirmation link is mailed to the address. The time zone, if
    given, becomes the profile's at the account's first login."""
    return service.signup(db, peers, body, _client_address(request), now=datetime.now(UTC))


@router.post("/confirm", response_model=AccountRead, responses=problem_responses(404, 503))
def confirm(body: AccountConfirm, peers: PeersDep) -> AccountRead:
    """Confirm an account with the token from its confirmation mail."""
    return service.confirm(peers, body)


@router.post("/login", response_model=TokenPair, responses=problem_responses(401, 403, 429, 503))
def login(
    body: Credentials,
    request: Request,
    response: Response,
    db: SessionDep,
    peers: PeersDep,
    settings: SettingsDep,
) -> TokenPair:
    """Log in: returns a token pair for scripts and sets the browser's session cookies."""
    pair, new_session = service.login(
        db, peers, settings, body, _client_address(request), now=datetime.now(UTC),
        database=request.app.state.database,
    )
    set_session_cookies(response, settings, new_session.session_token, new_session.csrf_token)
    return pair


@router.post("/refresh", response_model=TokenPair, responses=problem_responses(401, 503))
def refresh(body: RefreshRequest, peers: PeersDep) -> TokenPair:
    """Trade a refresh token for a new token pair (the old refresh token is spent)."""
    return service.refresh(peers, body)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 503),
)
def logout(
    db: SessionDep,
    peers: PeersDep,
    settings: SettingsDep,
    session_token: SessionCookieDep,
    csrf_token: CsrfTokenDep = None,
    body: LogoutRequest | None = None,
) -> Response:
    """Revoke the given refresh token, or end the browser session and revoke its token."""
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if service.logout(db, peers, body, session_token, csrf_token):
        clear_session_cookies(response, settings)
    return response


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PasswordResetAccepted,
    responses=problem_responses(429, 503),
)
def request_password_reset(
    body: PasswordResetRequest, request: Request, peers: PeersDep
) -> PasswordResetAccepted:
    """Mail a password-reset link to the address, if it has an account; it voids the links
    mailed before."""
    return service.request_password_reset(peers, body, _client_address(request))


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(400, 503),
)
def confirm_password_reset(
    body: PasswordResetConfirm, db: SessionDep, peers: PeersDep, revocations: RevocationsDep
) -> Response:
    """Set a new password with the token from the reset mail (the newest one mailed): every
    session and login of the account ends, and the access tokens issued before it are
    refused from this answer on."""
    service.confirm_password_reset(db, peers, revocations, body)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _client_address(request: Request) -> str | None:
    # The peer, or behind a proxy named in RUNNERLY_TRUSTED_PROXIES the address it saw:
    # the kit's middleware has already put it in place of the proxy's.
    return request.client.host if request.client else None
