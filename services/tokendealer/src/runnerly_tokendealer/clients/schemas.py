from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OAuthErrorCode = Literal[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unsupported_grant_type",
    "invalid_scope",
]


class TokenRequest(BaseModel):
    """The form of ``POST /oauth/token`` (RFC 6749 §4.4.2)."""

    # RFC 6749 §3.2 tells the server to ignore parameters it does not know.
    model_config = ConfigDict(extra="ignore")

    grant_type: str = Field(min_length=1, max_length=64)
    scope: str = Field(default="", max_length=1000)
    client_id: str | None = Field(default=None, max_length=64)
    client_secret: str | None = Field(default=None, max_length=256)


class ClientCredentials(BaseModel):
    client_id: str = Field(min_length=1, max_length=64)
    client_secret: str = Field(min_length=1, max_length=256)


class ServiceToken(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name, not a secret
    # Seconds the token is valid for.
    expires_in: int
    scope: str


class OAuthErrorBody(BaseModel):
    """An error of the token endpoint, shaped as RFC 6749 §5.2 defines (not problem+json)."""

    error: OAuthErrorCode
    error_description: str
