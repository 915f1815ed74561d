"""The languages Runnerly writes to runners in, and their gettext catalogues.

A service keeps its catalogues as ``<directory>/<language>/LC_MESSAGES/messages.po``; they
are read from the ``.po`` files with Babel when first needed, so no build step compiles
them. The message ids are the English text: English needs no catalogue.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal, get_args

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

Language = Literal["en", "zh-Hans"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"


def language_or_default(language: str | None) -> Language:
    """The language to write in: the one asked for when Runnerly has it, else English."""
    for known in LANGUAGES:
        if language == known:
            return known
    return DEFAULT_LANGUAGE


def locale(language: str | None) -> Locale:
    """Babel's locale of a language, for its dates, numbers and plural rules."""
    return Locale.parse(language_or_default(language), sep="-")


@cache
def translations(directory: Path, language: str | None) -> NullTranslations:
    """The catalogue of ``language`` in ``directory`` (English: the message ids as they are)."""
    chosen = language_or_default(language)
    if chosen == DEFAULT_LANGUAGE:
        return NullTranslations()
    path = directory / chosen / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale(chosen))
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
