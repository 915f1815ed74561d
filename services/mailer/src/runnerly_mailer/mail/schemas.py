from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from runnerly_kit.text import SingleLine

# Bounds one mail: each part decoded, all parts together (most providers refuse ~25 MB).
MAX_PART_BYTES = 5 * 1024 * 1024
MAX_PARTS_BYTES = 10 * 1024 * 1024
MAX_PARTS = 5
# base64 is 4/3 the size of what it encodes.
MAX_PART_B64 = (MAX_PART_BYTES + 2) // 3 * 4
ATTACHMENT_TYPES = (
    "application/pdf",
    "text/calendar",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
)
InlineImageType = Literal["image/png", "image/jpeg", "image/gif"]
_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")
_CONTENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_UNSUBSCRIBE_URI = re.compile(r"^<(https?://|mailto:)[^<>\s]{1,1900}>$")
# Extra headers a requester may set, each with what its value must look like. Nothing else
# passes: From, To, Reply-To, Bcc and friends stay the mailer's.
ALLOWED_HEADERS = {
    "List-Unsubscribe": "one or two <https://...> or <mailto:...> URIs, comma-separated",
    "List-Unsubscribe-Post": "exactly 'List-Unsubscribe=One-Click' (RFC 8058)",
}


def _decoded(content_b64: str) -> bytes:
    try:
        return base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("content_b64 must be standard base64") from None


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, Field(pattern=_FILENAME.pattern)]
    content_type: Annotated[str, Field(description=f"One of {', '.join(ATTACHMENT_TYPES)}.")]
    content_b64: Annotated[str, Field(min_length=4, max_length=MAX_PART_B64)]

    @field_validator("content_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ATTACHMENT_TYPES:
            raise ValueError(f"attachments may be {', '.join(ATTACHMENT_TYPES)}, not {value}")
        return value

    @field_validator("content_b64")
    @classmethod
    def _base64(cls, value: str) -> str:
        _decoded(value)
        return value

    @property
    def content(self) -> bytes:
        return _decoded(self.content_b64)


class InlineImage(BaseModel):
    """An image the HTML shows by ``<img src="cid:{content_id}">``."""

    model_config = ConfigDict(extra="forbid")

    content_id: Annotated[str, Field(pattern=_CONTENT_ID.pattern)]
    content_type: InlineImageType
    content_b64: Annotated[str, Field(min_length=4, max_length=MAX_PART_B64)]

    @field_validator("content_b64")
    @classmethod
    def _base64(cls, value: str) -> str:
        _decoded(value)
        return value

    @property
    def content(self) -> bytes:
        return _decoded(self.content_b64)


class MailRequest(BaseModel):
    """A mail another service asks for (the kwargs of the ``mailer.mail.send`` task)."""

    model_config = ConfigDict(extra="forbid")

    to: EmailStr
    subject: Annotated[str, SingleLine(max_length=200)]
    text: str = Field(min_length=1, max_length=100_000)
    html: str | None = Field(default=None, max_length=500_000)
    user_id: str | None = Field(default=None, max_length=64)
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_PARTS)
    inline_images: list[InlineImage] = Field(default_factory=list, max_length=MAX_PARTS)
    headers: dict[str, str] = Field(
        default_factory=dict, description=f"Only {', '.join(ALLOWED_HEADERS)}."
    )

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
