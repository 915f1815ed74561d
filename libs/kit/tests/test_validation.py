"""Validation errors in a runner's words: each type pydantic reports, labelled by field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, EmailStr, Field, ValidationError

from runnerly_kit.validation import label, message

LIBRARY_WORDS = ("should", "Input", "valid date or datetime", "Field required", "Value error")


class Form(BaseModel):
    display_name: Annotated[str, Field(min_length=1, max_length=5, pattern=r"^[a-z]+$")]
    birth_year: Annotated[int, Field(ge=1900, le=2100)]
    weight_kg: Annotated[float, Field(gt=0, lt=500)]
    race_day: dt.date
    started_at: dt.datetime
    units: Literal["km", "mi"]
    email: EmailStr
    tags: Annotated[list[str], Field(max_length=1)]
    public: bool


BAD = [
    {"display_name": ""}, {"display_name": "toolong"}, {"display_name": "A1"},
    {"display_name": 3}, {"birth_year": 1800}, {"birth_year": 3000}, {"birth_year": "x"},
    {"birth_year": 1.5}, {"weight_kg": 0}, {"weight_kg": 900}, {"weight_kg": "x"},
    {"race_day": "20"}, {"race_day": "2026-13-45"}, {"race_day": "2026-01-01T10:00"},
    {"started_at": "yesterday"}, {"started_at": "20"}, {"units": "furlongs"},
    {"email": "no at-sign"}, {"tags": "x"}, {"tags": ["a", "b"]}, {"public": "perhaps"},
]


@pytest.mark.parametrize("data", BAD)
def test_every_error_is_in_a_runners_words(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)

    for error in caught.value.errors():
        text = message(error)
        assert not any(words in text for words in LIBRARY_WORDS), (error["type"], text)
        assert text.startswith(label(tuple(error["loc"])))


def test_the_bounds_are_said_in_numbers() -> None:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate({"birth_year": 1800, "display_name": ""})
    texts = {message(e) for e in caught.value.errors()}

    assert "Birth year must be at least 1900." in texts
    assert "Display name cannot be empty." in texts
    assert "Units is required." in texts


@pytest.mark.parametrize(
    ("loc", "expected"),
    [(("body", "max_hr"), "Max heart rate"), (("body", "weight_kg"), "Weight (kg)"),
     (("query", "after"), "After"), (("body", "goals", 0, "distance_m"), "Distance (m)"),
     (("body",), "The body")],
)
def test_a_field_is_named_by_its_label(loc: tuple[object, ...], expected: str) -> None:
    assert label(loc) == expected


def test_a_library_error_without_words_of_its_own_still_names_its_field() -> None:
    assert message({"type": "complex_type", "loc": ("body", "vo2max"), "msg": "x"}) == (
        "VO2max is not valid."
    )


def test_our_own_errors_keep_their_words_after_the_label() -> None:
    error = {"type": "single_line", "loc": ("body", "name"), "msg": "contains a line break"}
    assert message(error) == "Name contains a line break."
