from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class MailRequest(BaseModel):
    """A mail another service asks for (the kwargs of the ``mailer.mail.send`` task)."""

    model_config = ConfigDict(extra="forbid")

    to: EmailStr
    subject: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=100_000)
    html: str | None = Field(default=None, max_length=500_000)
    user_id: str | None = Field(default=None, max_length=64)


class MailboxMessage(BaseModel):
    id: str
    to: str
    subject: str
    date: datetime | None
    text: str
    html: str | None


class MailboxList(BaseModel):
    items: list[MailboxMessage]
