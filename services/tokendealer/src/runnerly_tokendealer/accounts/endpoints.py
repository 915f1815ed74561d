from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from runnerly_tokendealer.accounts import service
from runnerly_tokendealer.accounts.schemas import (
    AccountConfirm,
    AccountCreate,
    AccountList,
    AccountRead,
    PasswordResetAccepted,
    PasswordResetConfirm,
    PasswordResetCreate,
    SessionsRevoked,
    SignupAccepted,
)
from runnerly_tokendealer.deps import (
    AccountLister,
    ClientAddress,
    ProfileReader,
    ProfileWriter,
    RuntimeDep,
    SessionDep,
)

router = APIRouter(tags=["accounts"])

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
TOO_MANY_MAILS: dict[str, Any] = {
    **PROBLEM,
    "description": "Too many mails asked for this address or from this client; see Retry-After",
}
RUNNER_ONLY: dict[int | str, dict[str, Any]] = {
    401: {**PROBLEM, "description": "No valid access token"},
    403: {**PROBLEM, "description": "A service's token, or a missing scope"},
    404: {**PROBLEM, "description": "The account was deleted"},
}


@router.post(
    "/accounts",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SignupAccepted,
    responses={
        422: {**PROBLEM, "description": "Invalid email, or a password too weak"},
        429: TOO_MANY_MAILS,
    },
)
def sign_up(
    data: AccountCreate, session: SessionDep, runtime: RuntimeDep, address: ClientAddress
) -> SignupAccepted:
    """Sign up: a confirmation link is mailed (the answer is the same for a known email)."""
    return service.sign_up(session, runtime, data, address)


@router.get(
    "/accounts",
    response_model=AccountList,
    responses={
        401: {**PROBLEM, "description": "No valid access token"},
        403: {**PROBLEM, "description": "The token lacks accounts:read"},
    },
)
def list_accounts(
    _: AccountLister,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> AccountList:
    """Confirmed accounts, a page at a time (for services that write to every runner)."""
    return service.list_confirmed(session, limit=limit, cursor=cursor)


@router.post(
    "/accounts/confirm",
    response_model=AccountRead,
    responses={400: {**PROBLEM, "description": "The link expired or was already used"}},
)
def confirm(data: AccountConfirm, session: SessionDep) -> AccountRead:
    """Confirm an email address with the token of the mailed link."""
    return AccountRead.model_validate(service.confirm(session, data.token))


@router.get(
    "/accounts/me",
    response_model=AccountRead,
    responses=RUNNER_ONLY,
)
def read_me(principal: ProfileReader, session: SessionDep) -> AccountRead:
    """The calling runner's account."""
    return AccountRead.model_validate(service.get(session, principal.sub))


@router.delete(
    "/accounts/me",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=RUNNER_ONLY,
)
def delete_me(principal: ProfileWriter, session: SessionDep, runtime: RuntimeDep) -> None:
    """Delete the calling runner's account; every service then forgets them."""
    service.delete(session, runtime, principal.sub)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PasswordResetAccepted,
    responses={429: TOO_MANY_MAILS},
)
def request_password_reset(
    data: PasswordResetCreate, session: SessionDep, runtime: RuntimeDep, address: ClientAddress
) -> PasswordResetAccepted:
    """Ask for a password reset link by mail (the answer is the same for an unknown email);
    it voids the links sent before."""
    return service.request_password_reset(
        session, runtime, data.email, address, data.language
    )


@router.post(
    "/password-reset/confirm",
    response_model=SessionsRevoked,
    responses={
        400: {**PROBLEM, "description": "The link expired, was used, or a newer one was sent"},
        422: {**PROBLEM, "description": "The new password is too weak"},
    },
)
def reset_password(
    data: PasswordResetConfirm, session: SessionDep, runtime: RuntimeDep
) -> SessionsRevoked:
    """Choose a new password with the token of the mailed link; every other link and every
    login of the account end, and the access tokens issued before are refused (the answer
    says from when)."""
    return service.reset_password(session, runtime, data)
