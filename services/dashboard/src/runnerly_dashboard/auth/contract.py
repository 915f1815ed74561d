"""Generated from contracts/tokendealer.json (AccountCreate, AccountConfirm, AccountRead, SignupAccepted, LoginRequest, TokenPair, RefreshRequest, LogoutRequest, PasswordResetCreate, PasswordResetAccepted, PasswordResetConfirm, SessionsRevoked) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class AccountConfirm(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    token: Annotated[str, Field(max_length=128, min_length=1, title="Token")]


class AccountCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    email: Annotated[str, Field(max_length=320, min_length=3, title="Email")]
    language: Annotated[
        Literal["en", "zh-Hans"],
        Field(
            description="The language of the confirmation mail: the browser's, at signup.",
            title="Language",
        ),
    ] = "en"
    password: Annotated[str, Field(max_length=128, min_length=10, title="Password")]


class AccountRead(BaseModel):
    confirmed: Annotated[bool, Field(title="Confirmed")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    email: Annotated[str, Field(title="Email")]
    id: Annotated[str, Field(title="Id")]
    roles: Annotated[
        list[str], Field(description='"runner", and the roles an operator granted.', title="Roles")
    ]


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    email: Annotated[str, Field(max_length=320, min_length=1, title="Email")]
    password: Annotated[str, Field(max_length=1024, min_length=1, title="Password")]


class LogoutRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    refresh_token: Annotated[str, Field(max_length=200, min_length=1, title="Refresh Token")]


class PasswordResetAccepted(BaseModel):
    """
    The same answer whether an account has this email or not.
    """

    status: Annotated[Literal["reset_link_sent"], Field(title="Status")] = "reset_link_sent"


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    password: Annotated[str, Field(max_length=128, min_length=10, title="Password")]
    token: Annotated[str, Field(max_length=128, min_length=1, title="Token")]


class PasswordResetCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    email: Annotated[str, Field(max_length=320, min_length=3, title="Email")]
    language: Annotated[
        Literal["en", "zh-Hans"],
        Field(description="The language of the reset mail.", title="Language"),
    ] = "en"


class RefreshRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    refresh_token: Annotated[str, Field(max_length=200, min_length=1, title="Refresh Token")]


class SessionsRevoked(BaseModel):
    """
    The account's access tokens issued before ``not_before`` are refused everywhere.
    """

    not_before: Annotated[
        float, Field(description="Seconds since the epoch (milliseconds kept).", title="Not Before")
    ]
    user_id: Annotated[str, Field(title="User Id")]


class SignupAccepted(BaseModel):
    """
    The same answer whether the email was new or not, so that it reveals nothing.
    """

    email: Annotated[str, Field(title="Email")]
    status: Annotated[Literal["confirmation_sent"], Field(title="Status")] = "confirmation_sent"


class TokenPair(BaseModel):
    access_token: Annotated[str, Field(title="Access Token")]
    expires_in: Annotated[int, Field(title="Expires In")]
    refresh_token: Annotated[str, Field(title="Refresh Token")]
    token_type: Annotated[Literal["Bearer"], Field(title="Token Type")] = "Bearer"