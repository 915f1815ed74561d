"""A request's invalid fields in a runner's words, whatever the validation library says.

Pydantic's messages ("String should have at least 1 character", "Input should be a valid
date or datetime, input is too short") are written for programmers; every 422 of every
service is worded here instead, from the error's type and its context, and names the field
by its label ("Birth year", "Max heart rate")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

# Pydantic's own error types; any other is ours (PydanticCustomError), worded already.
_LIBRARY_TYPES = frozenset(get_args(ErrorType))

_UNITS = {"m": "(m)", "s": "(s)", "km": "(km)", "kg": "(kg)", "bpm": "(bpm)"}
_WORDS = {"hr": "heart rate", "id": "ID", "ids": "IDs", "vo2max": "VO2max", "url": "URL"}
_HIDDEN_LOCATIONS = ("body", "query", "path", "header", "cookie")


def label(loc: tuple[Any, ...]) -> str:
    """The field a location names, as a form would label it (``max_hr`` → "Max heart rate")."""
    names = [str(part) for part in loc if isinstance(part, str) and part not in _HIDDEN_LOCATIONS]
    if not names:
        return "The body" if loc[:1] == ("body",) else "This value"
    words = names[-1].replace("-", "_").split("_")
    text = " ".join(_UNITS.get(w, _WORDS.get(w, w)) if i else _WORDS.get(w, w)
                    for i, w in enumerate(words) if w)
    return text[:1].upper() + text[1:] if text else "This value"


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _characters(count: Any) -> str:
    return f"{count} character{'' if count == 1 else 's'}"


def _choices(expected: Any) -> str:
    return str(expected).replace("'", "")


def _ctx(error: Mapping[str, Any]) -> dict[str, Any]:
    return dict(error.get("ctx") or {})


Wording = Callable[[str, dict[str, Any]], str]

_BY_TYPE: dict[str, Wording] = {
    "missing": lambda f, c: f"{f} is required.",
    "string_too_short": lambda f, c: (
        f"{f} cannot be empty." if c.get("min_length") == 1
        else f"{f} needs at least {_characters(c.get('min_length'))}."
    ),
    "string_too_long": lambda f, c: f"{f} can be at most {_characters(c.get('max_length'))}.",
    "string_type": lambda f, c: f"{f} must be text.",
    "string_pattern_mismatch": lambda f, c: f"{f} is not in the expected form.",
    "too_short": lambda f, c: f"{f} needs at least {c.get('min_length')} item(s).",
    "too_long": lambda f, c: f"{f} can hold at most {c.get('max_length')} item(s).",
    "list_type": lambda f, c: f"{f} must be a list.",
    "tuple_type": lambda f, c: f"{f} must be a list.",
    "set_type": lambda f, c: f"{f} must be a list.",
    "dict_type": lambda f, c: f"{f} must be an object.",
    "model_type": lambda f, c: f"{f} must be an object.",
    "model_attributes_type": lambda f, c: f"{f} must be an object.",
    "int_parsing": lambda f, c: f"{f} must be a whole number.",
    "int_type": lambda f, c: f"{f} must be a whole number.",
    "int_from_float": lambda f, c: f"{f} must be a whole number.",
    "float_parsing": lambda f, c: f"{f} must be a number.",
    "float_type": lambda f, c: f"{f} must be a number.",
    "decimal_parsing": lambda f, c: f"{f} must be a number.",
    "decimal_type": lambda f, c: f"{f} must be a number.",
    "finite_number": lambda f, c: f"{f} must be a number.",
    "greater_than": lambda f, c: f"{f} must be more than {_number(c.get('gt'))}.",
    "greater_than_equal": lambda f, c: f"{f} must be at least {_number(c.get('ge'))}.",
    "less_than": lambda f, c: f"{f} must be less than {_number(c.get('lt'))}.",
    "less_than_equal": lambda f, c: f"{f} can be at most {_number(c.get('le'))}.",
    "multiple_of": lambda f, c: f"{f} must be a multiple of {_number(c.get('multiple_of'))}.",
    "bool_parsing": lambda f, c: f"{f} must be true or false.",
    "bool_type": lambda f, c: f"{f} must be true or false.",
    "date_parsing": lambda f, c: f"{f} is not a date: write it as YYYY-MM-DD.",
    "date_from_datetime_parsing": lambda f, c: f"{f} is not a date: write it as YYYY-MM-DD.",
    "date_from_datetime_inexact": lambda f, c: f"{f} must be a day, without a time.",
    "date_type": lambda f, c: f"{f} is not a date: write it as YYYY-MM-DD.",
    "datetime_parsing": lambda f, c: (
        f"{f} is not a date and time: write it as YYYY-MM-DDTHH:MM:SS."),
    "datetime_from_date_parsing": lambda f, c: (
        f"{f} is not a date: write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with a time."),
    "datetime_type": lambda f, c: f"{f} is not a date and time: write it as YYYY-MM-DDTHH:MM:SS.",
    "time_parsing": lambda f, c: f"{f} is not a time of day: write it as HH:MM.",
    "time_type": lambda f, c: f"{f} is not a time of day: write it as HH:MM.",
    "timezone_naive": lambda f, c: f"{f} needs a time zone offset.",
    "timezone_aware": lambda f, c: f"{f} must not carry a time zone offset.",
    "date_past": lambda f, c: f"{f} must be in the past.",
    "date_future": lambda f, c: f"{f} must be in the future.",
    "datetime_past": lambda f, c: f"{f} must be in the past.",
    "datetime_future": lambda f, c: f"{f} must be in the future.",
    "enum": lambda f, c: f"{f} must be one of: {_choices(c.get('expected'))}.",
    "literal_error": lambda f, c: f"{f} must be one of: {_choices(c.get('expected'))}.",
    "url_parsing": lambda f, c: f"{f} is not a web address.",
    "url_type": lambda f, c: f"{f} is not a web address.",
    "url_scheme": lambda f, c: f"{f} must start with {_choices(c.get('expected_schemes'))}.",
    "url_too_long": lambda f, c: f"{f} is too long.",
    "uuid_parsing": lambda f, c: f"{f} is not a valid identifier.",
    "uuid_type": lambda f, c: f"{f} is not a valid identifier.",
    "bytes_type": lambda f, c: f"{f} must be text.",
    "extra_forbidden": lambda f, c: f"{f} is not a field this request takes.",
    "none_required": lambda f, c: f"{f} must be left out.",
}


def _value_error(field: str, error: Mapping[str, Any]) -> str:
    """A validator's own message (ours, already in words), or an address that is not one."""
    text = str(error.get("msg", ""))
    text = text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if text.startswith("value is not a valid email address"):
        reason = str(_ctx(error).get("reason", "")).strip()
        return f"{field} is not an email address" + (f": {reason}" if reason else ".")
    if not text or text[0].isupper():
        return text
    end = "" if text.endswith(".") else "."
    return f"{field} {text}{end}" if text[0].islower() else f"{field}: {text}{end}"


def message(error: Mapping[str, Any]) -> str:
    """One validation error (pydantic's ``errors()`` item) in a runner's words."""
    field = label(tuple(error.get("loc", ())))
    kind = str(error.get("type", ""))
    if kind in {"value_error", "assertion_error"} or kind not in _LIBRARY_TYPES:
        return _value_error(field, error)
    wording = _BY_TYPE.get(kind)
    return wording(field, _ctx(error)) if wording else f"{field} is not valid."
