from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Self

from pydantic import BaseModel, EmailStr, Field, field_validator, model_validator

from runnerly_kit.messages import (
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_PARTS_BYTES,
    MailAttachment,
    MailInlineImage,
    SendMail,
)

# Extra headers a requester may set, each with what its value must look like. Nothing else
# passes: From, To, Reply-To, Bcc and friends stay the mailer's.
ALLOWED_HEADERS = {
    "List-Unsubscribe": "one or two <https://...> or <mailto:...> URIs, comma-separated",
    "List-Unsubscribe-Post": "exactly 'List-Unsubscribe=One-Click' (RFC 8058)",
}
_UNSUBSCRIBE_URI = re.compile(r"^<(https?://|mailto:)[^<>\s]{1,1900}>$")


def _decoded(content_b64: str) -> bytes:
    try:
        return base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("content_b64 must be standard base64") from None


class Attachment(MailAttachment):
    @field_validator("content_b64")
    @classmethod
    def _base64(cls, value: str) -> str:
        _decoded(value)
        return value

    @property
    def content(self) -> bytes:
        return _decoded(self.content_b64)


class InlineImage(MailInlineImage):
    @field_validator("content_b64")
    @classmethod
    def _base64(cls, value: str) -> str:
        _decoded(value)
        return value

    @property
    def content(self) -> bytes:
        return _decoded(self.content_b64)


class MailRequest(SendMail):
    """The ``mailer.mail.send`` command as the mailer takes it: its kwargs, parsed into the
    command's model with what only the mailer checks (the address, the base64, the sizes,
    the headers)."""

    to: EmailStr
    attachments: Sequence[Attachment] = Field(default_factory=list, max_length=MAX_PARTS)
    inline_images: Sequence[InlineImage] = Field(default_factory=list, max_length=MAX_PARTS)

    @field_validator("headers")
    @classmethod
    def _safe_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if name not in ALLOWED_HEADERS:
                raise ValueError(
                    f"header {name!r} may not be set; allowed: {', '.join(ALLOWED_HEADERS)}"
                )
            if any(char in value for char in "\r\n\0"):
                raise ValueError(f"header {name!r} must be one line")
        unsubscribe = headers.get("List-Unsubscribe")
        if unsubscribe is not None:
            uris = [uri.strip() for uri in unsubscribe.split(",")]
            if not 1 <= len(uris) <= 2 or not all(_UNSUBSCRIBE_URI.match(u) for u in uris):
                raise ValueError(f"List-Unsubscribe must be {ALLOWED_HEADERS['List-Unsubscribe']}")
        post = headers.get("List-Unsubscribe-Post")
        if post is not None:
            if post != "List-Unsubscribe=One-Click":
                raise ValueError(
                    f"List-Unsubscribe-Post must be {ALLOWED_HEADERS['List-Unsubscribe-Post']}"
                )
            if unsubscribe is None or "<http" not in unsubscribe:
                raise ValueError("List-Unsubscribe-Post needs an https List-Unsubscribe URI")
        return headers

    @model_validator(mode="after")
    def _parts_fit(self) -> Self:
        if self.inline_images and not self.html:
            raise ValueError("inline images are shown by the HTML part: send html too")
        ids = [image.content_id for image in self.inline_images]
        if len(ids) != len(set(ids)):
            raise ValueError("every inline image needs its own content_id")
        sizes = [len(part.content) for part in self.attachments] + [
            len(image.content) for image in self.inline_images
        ]
        if any(size > MAX_PART_BYTES for size in sizes):
            raise ValueError(f"an attachment or image is larger than {MAX_PART_BYTES} bytes")
        if sum(sizes) > MAX_PARTS_BYTES:
            raise ValueError(f"attachments and images together exceed {MAX_PARTS_BYTES} bytes")
        return self


class MailboxMessage(BaseModel):
    id: str
    to: str
    subject: str
    date: datetime | None
    text: str
    html: str | None


class MailboxList(BaseModel):
    items: list[MailboxMessage]
