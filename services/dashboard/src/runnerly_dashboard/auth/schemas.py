from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

# Long enough for any token tokendealer issues (JWTs included), short enough to bound work.
TOKEN_MAX_LENGTH = 4096


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    # Tokendealer owns the password rules and explains them; here only a size cap.
    password: str = Field(min_length=1, max_length=1024)


class SignupAccepted(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: str
    email: str


class ConfirmRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)


class Account(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    id: str
    email: str
    confirmed: bool
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)


class LogoutRequest(BaseModel):
    """Revoke this refresh token; without a body, logout ends the cookie session."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)


class PasswordResetAccepted(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: str | None = None


class SessionsRevoked(BaseModel):
    """Tokendealer's answer to a reset: the runner's tokens issued before are refused."""

    user_id: str = Field(min_length=1, max_length=64)
    not_before: float


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)
    # Tokendealer owns the password rules and explains them; here only a size cap.
    password: str = Field(min_length=1, max_length=1024)
