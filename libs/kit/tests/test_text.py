from __future__ import annotations

import unicodedata
from typing import Annotated

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from runnerly_kit.errors import install_error_handlers
from runnerly_kit.text import SingleLine, one_line

Name = TypeAdapter(Annotated[str, SingleLine(max_length=20)])

C0 = [chr(c) for c in range(0x00, 0x20)]
C1 = [chr(c) for c in range(0x80, 0xA0)]
DEL = ["\x7f"]
BIDI = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
INVISIBLE = ["\u200b", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063",
             "\u2064", "\ufeff", "\u061c", "\u180e", "\ufff9", "\ufffa", "\ufffb"]
# What str.splitlines() splits at, the information separators included.
LINE_BREAKS = ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
EVERY_FORBIDDEN = sorted(set(C0 + C1 + DEL + BIDI + INVISIBLE + LINE_BREAKS))

REAL_NAMES = [
    "Marathon de Paris",
    "Zürich-Marathon",
    "Ærøskøbing 10 km",
    "Łódź Maraton",
    "東京マラソン",
    "서울 마라톤",
    "北京马拉松",
    "Άθήνα Κλασικός",
    "Москва",
    "مراتن دبي",
    "מרתון תל אביב",
    "Run 🏃‍♀️ with 👨‍👩‍👧",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Edinburgh",
    "می\u200cخواهم",  # noqa: RUF001 - Persian needs the zero-width non-joiner
    "नमस्ते",
    "O'Brien & Sons <5k>",
    "Chiang Mai\u00a0Run",
]


@pytest.mark.parametrize("char", EVERY_FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_every_forbidden_character_is_refused_wherever_it_is(char: str, where: str) -> None:
    value = {"start": f"{char}Race", "middle": f"Ra{char}ce", "end": f"Race{char}"}[where]

    with pytest.raises(ValidationError) as caught:
        Name.validate_python(value)

    message = caught.value.errors()[0]["msg"]
    assert message.startswith("contains ")
    if char in LINE_BREAKS:
        assert message == "contains a line break"
    else:
        assert f"U+{ord(char):04X}" in message


def test_every_format_and_control_character_of_unicode_is_refused_but_the_named_few() -> None:
    allowed = {"\u00ad", "\u200c", "\u200d", *(chr(c) for c in range(0xE0020, 0xE0080))}
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in allowed:
            with pytest.raises(ValidationError):
                Name.validate_python(f"a{char}b")


def test_classes_are_named() -> None:
    cases = {
        "a\nb": "contains a line break",
        "a\u202eb": "contains a bidirectional override (U+202E)",
        "a\x00b": "contains a control character (U+0000)",
        "a\tb": "contains a control character (U+0009)",
        "a\u200bb": "contains an invisible formatting character (U+200B)",
        # Half a surrogate pair, as Python's json decodes "\\udc00" (pydantic's refuses it).
        "a\udc00b": "contains an unpaired surrogate (U+DC00)",
        "   ": "must not be empty or only spaces",
        "\u3000\u00a0": "must not be empty or only spaces",
        "x" * 21: "must be at most 20 characters",
    }
    for value, message in cases.items():
        with pytest.raises(ValidationError) as caught:
            Name.validate_python(value)
        assert caught.value.errors()[0]["msg"] == message


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_world_names_are_kept(name: str) -> None:
    assert Name.validate_python(name) == unicodedata.normalize("NFC", name)


def test_text_is_nfc_normalised_and_trimmed() -> None:
    decomposed = "  Zu\u0308rich  "

    assert Name.validate_python(decomposed) == "Zürich"


def test_length_counts_after_normalising_and_trimming() -> None:
    assert Name.validate_python("  " + "e\u0301" * 20 + "  ") == "é" * 20


def test_json_schema_states_the_bounds() -> None:
    assert Name.json_schema() == {"type": "string", "minLength": 1, "maxLength": 20}


@pytest.mark.parametrize("char", EVERY_FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_one_line_leaves_no_forbidden_character(char: str) -> None:
    # A line break or a tab separates words; a control or an invisible character does not.
    expected = "Race Day" if char.isspace() else "RaceDay"

    assert one_line(f" Race{char}{char}Day ") == expected


def test_one_line_keeps_real_names() -> None:
    for name in REAL_NAMES:
        assert one_line(name) == unicodedata.normalize("NFC", " ".join(name.split()))


class Race(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, SingleLine(max_length=20)]


def test_a_refusal_is_a_problem_naming_the_field_and_the_class() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/races")
    def create(race: Race) -> Race:
        return race

    response = TestClient(app).post("/races", json={"name": "Paris\r\nMarathon"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Name contains a line break."
    assert response.json()["errors"][0]["field"] == "name"
