"""Generated from contracts/mailer.json (MailboxList) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field


class MailboxMessage(BaseModel):
    date: Annotated[AwareDatetime | None, Field(title="Date")]
    html: Annotated[str | None, Field(title="Html")]
    id: Annotated[str, Field(title="Id")]
    subject: Annotated[str, Field(title="Subject")]
    text: Annotated[str, Field(title="Text")]
    to: Annotated[str, Field(title="To")]


class MailboxList(BaseModel):
    items: Annotated[list[MailboxMessage], Field(title="Items")]