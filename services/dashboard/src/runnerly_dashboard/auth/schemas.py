"""The account's requests and answers: tokendealer's own (``contract``, generated from its
contract). The dashboard's door adds one check before calling anyone: an address that is
not one is refused here (tokendealer answers a malformed login as an unknown one)."""

from __future__ import annotations

from pydantic import EmailStr, Field

from runnerly_dashboard.auth.contract import (
    AccountConfirm,
    AccountCreate,
    AccountRead,
    LoginRequest,
    LogoutRequest,
    PasswordResetAccepted,
    PasswordResetConfirm,
    PasswordResetCreate,
    RefreshRequest,
    SessionsRevoked,
    SignupAccepted,
    TokenPair,
)

__all__ = [
    "AccountConfirm",
    "AccountRead",
    "Credentials",
    "LogoutRequest",
    "PasswordResetAccepted",
    "PasswordResetConfirm",
    "PasswordResetRequest",
    "RefreshRequest",
    "SessionsRevoked",
    "SignupAccepted",
    "SignupRequest",
    "TokenPair",
]


class SignupRequest(AccountCreate):
    email: EmailStr = Field(max_length=320)
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="The runner's IANA time zone (the browser's), set on the profile at the "
        "account's first login; one this server does not know is ignored.",
    )


class Credentials(LoginRequest):
    email: EmailStr = Field(max_length=320)


class PasswordResetRequest(PasswordResetCreate):
    email: EmailStr = Field(max_length=320)
