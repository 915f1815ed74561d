"""Opaque keyset cursors: the sort key of the last item a page showed, base64-encoded."""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import date, datetime

from runnerly_kit.errors import InvalidInput

INVALID_CURSOR = "The cursor is not one this service issued; start again without it."


def encode_cursor(key: datetime | date, row_id: int) -> str:
    raw = json.dumps([key.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encode_number_cursor(kind: str, key: float, row_id: int) -> str:
    """A cursor on a numeric sort key, which names its sort: a page of one sort cannot be
    continued with another's cursor."""
    raw = json.dumps([kind, key, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_number_cursor(cursor: str, kind: str) -> tuple[float, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        named, key, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidInput(INVALID_CURSOR) from exc
    if (
        named != kind
        or not isinstance(key, int | float)
        or isinstance(key, bool)
        or not math.isfinite(key)
        or not isinstance(row_id, int)
        or isinstance(row_id, bool)
    ):
        raise InvalidInput(INVALID_CURSOR)
    return float(key), row_id


def _decode(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidInput(INVALID_CURSOR) from exc
    if not isinstance(key, str) or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise InvalidInput(INVALID_CURSOR)
    return key, row_id


def decode_datetime_cursor(cursor: str) -> tuple[datetime, int]:
    key, row_id = _decode(cursor)
    try:
        moment = datetime.fromisoformat(key)
    except ValueError as exc:
        raise InvalidInput(INVALID_CURSOR) from exc
    if moment.tzinfo is None:
        raise InvalidInput(INVALID_CURSOR)
    return moment, row_id


def decode_date_cursor(cursor: str) -> tuple[date, int]:
    key, row_id = _decode(cursor)
    try:
        return date.fromisoformat(key), row_id
    except ValueError as exc:
        raise InvalidInput(INVALID_CURSOR) from exc
