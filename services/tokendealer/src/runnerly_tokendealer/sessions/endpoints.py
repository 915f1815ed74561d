from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from runnerly_tokendealer.deps import ClientAddress, RuntimeDep, SessionDep
from runnerly_tokendealer.sessions import service
from runnerly_tokendealer.sessions.schemas import (
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    TokenPair,
)

router = APIRouter(tags=["sessions"])

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post(
    "/login",
    response_model=TokenPair,
    responses={
        401: {**PROBLEM, "description": "Wrong email or password"},
        403: {**PROBLEM, "description": "The email address is not confirmed yet"},
        429: {**PROBLEM, "description": "Too many failed logins; see Retry-After"},
    },
)
def login(
    data: LoginRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    address: ClientAddress,
    response: Response,
) -> TokenPair:
    """Log in with email and password: an access token and a refresh token."""
    response.headers.update(NO_STORE)
    return service.login(session, runtime, data, address)


@router.post(
    "/refresh",
    response_model=TokenPair,
    responses={401: {**PROBLEM, "description": "Unknown, used, revoked or expired token"}},
)
def refresh(
    data: RefreshRequest, session: SessionDep, runtime: RuntimeDep, response: Response
) -> TokenPair:
    """Trade a refresh token (once) for a new pair; a reused one ends its whole login."""
    response.headers.update(NO_STORE)
    return service.refresh(session, runtime, data.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def logout(data: LogoutRequest, session: SessionDep) -> None:
    """End the login a refresh token belongs to."""
    service.logout(session, data.refresh_token)
