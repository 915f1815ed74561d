from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from runnerly_kit.i18n import DEFAULT_LANGUAGE, Language


def normalize_email(value: str) -> str:
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"Enter a valid email address ({exc}).") from exc
    return checked.normalized.lower()


Email = Annotated[str, Field(min_length=3, max_length=320), AfterValidator(normalize_email)]
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# Bounded here only against abuse; the service applies the password rules with messages that
# say what to do. The contract states the length rule, so that a form shows the service's
# numbers and never a copy of them.
Password = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1024,
        json_schema_extra={"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH},
    ),
]
LinkToken = Annotated[str, Field(min_length=1, max_length=128)]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    language: Language = Field(
        default=DEFAULT_LANGUAGE,
        description="The language of the confirmation mail: the browser's, at signup.",
    )


class SignupAccepted(BaseModel):
    """The same answer whether the email was new or not, so that it reveals nothing."""

    status: Literal["confirmation_sent"] = "confirmation_sent"
    email: str


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    confirmed: bool
    created_at: datetime
    roles: list[str] = Field(description='"runner", and the roles an operator granted.')


class AccountSummary(BaseModel):
    """A confirmed account, as a service that writes to runners (reports) needs it."""

    model_config = ConfigDict(from_attributes=True)

    user_id: str = Field(validation_alias="id")
    email: str
    confirmed_at: datetime


class AccountList(BaseModel):
    items: list[AccountSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class AccountConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: LinkToken


class PasswordResetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    language: Language = Field(
        default=DEFAULT_LANGUAGE, description="The language of the reset mail."
    )


class PasswordResetAccepted(BaseModel):
    """The same answer whether an account has this email or not."""

    status: Literal["reset_link_sent"] = "reset_link_sent"


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: LinkToken
    password: Password


class SessionsRevoked(BaseModel):
    """The account's access tokens issued before ``not_before`` are refused everywhere."""

    user_id: str
    not_before: float = Field(description="Seconds since the epoch (milliseconds kept).")
