from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class MailMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    to: str
    subject: str
    date: datetime | None = None
    text: str
    html: str | None = None


class Mailbox(BaseModel):
    items: list[MailMessage]
