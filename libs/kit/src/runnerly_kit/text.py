"""Text that other people, mails and files see: one line, no hidden characters.

A name a runner types ends up in other runners' lists, in calendar files, mail headers and
PDFs. A line break there splits an iCalendar or mail header line (an injected property or
header), a bidirectional override makes ``exe.txt`` read as ``txt.exe``, and invisible
characters make two names that look alike differ. ``SingleLine`` refuses all of them at the
door, with a message that says which; ``one_line`` is for writers, which must still make
safe what older rows hold.

Use it as pydantic metadata: ``Annotated[str, SingleLine(max_length=200)]``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Embeddings, overrides and isolates: they reorder what follows them when displayed.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
# Format characters that real names need: joiners (Persian and Indic scripts, emoji such
# as families), the soft hyphen, and the tags of subdivision flags (England, Scotland).
_ALLOWED_FORMAT = frozenset(["\u00ad", "\u200c", "\u200d"]) | frozenset(
    chr(c) for c in range(0xE0020, 0xE0080)
)


def problem(char: str) -> str | None:
    """What is wrong with ``char`` in single-line text, or None when it is allowed."""
    if char in LINE_BREAKS:
        return "contains a line break"
    if char in BIDI_CONTROLS:
        return f"contains a bidirectional override (U+{ord(char):04X})"
    category = unicodedata.category(char)
    if category == "Cc":
        return f"contains a control character (U+{ord(char):04X})"
    if category == "Cf" and char not in _ALLOWED_FORMAT:
        return f"contains an invisible formatting character (U+{ord(char):04X})"
    if category == "Cs":
        return f"contains an unpaired surrogate (U+{ord(char):04X})"
    return None


def one_line(text: str) -> str:
    """``text`` made safe for a single-line field of a file or header, for writers, whose
    rows may predate the rule: line breaks and tabs become spaces, every other character
    ``SingleLine`` refuses is dropped, runs of spaces become one."""
    cleaned = "".join(
        " " if char.isspace() else "" if problem(char) else char for char in text
    )
    return unicodedata.normalize("NFC", " ".join(cleaned.split()))


@dataclass(frozen=True, slots=True)
class SingleLine:
    """A one-line name: NFC-normalised, trimmed, not empty, at most ``max_length``
    characters, without control, line-break, bidirectional-override or invisible
    formatting characters."""

    max_length: int = 200

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.validate, core_schema.str_schema()
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(minLength=1, maxLength=self.max_length)
        return json_schema

    def validate(self, value: str) -> str:
        text = unicodedata.normalize("NFC", value)
        for char in text:
            reason = problem(char)
            if reason is not None:
                raise PydanticCustomError("single_line", reason)
        text = text.strip()
        if not text:
            raise PydanticCustomError("single_line", "must not be empty or only spaces")
        if len(text) > self.max_length:
            raise PydanticCustomError(
                "single_line",
                "must be at most {max_length} characters",
                {"max_length": self.max_length},
            )
        return text
