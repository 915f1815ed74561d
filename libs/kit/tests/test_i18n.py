"""The languages and their catalogues as services read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from runnerly_kit.i18n import LANGUAGES, language_or_default, locale, translations

PO = """msgid ""
msgstr ""
"Language: zh_Hans\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Hello"
msgstr "你好"

msgid "%(num)d run"
msgid_plural "%(num)d runs"
msgstr[0] "%(num)d 次跑步"
"""


@pytest.mark.parametrize("asked", [None, "", "de", "zh", "zh-CN", "EN", "../zh-Hans"])
def test_a_language_runnerly_does_not_have_is_english(asked: str | None) -> None:
    assert language_or_default(asked) == "en"


def test_each_language_has_its_locale() -> None:
    assert LANGUAGES == ("en", "zh-Hans")
    assert str(locale("zh-Hans")) == "zh_Hans"
    assert str(locale(None)) == "en"


def test_a_catalogue_is_read_from_its_po_file(tmp_path: Path) -> None:
    catalogue = tmp_path / "zh-Hans" / "LC_MESSAGES" / "messages.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text(PO, encoding="utf-8")

    chinese = translations(tmp_path, "zh-Hans")
    english = translations(tmp_path, "en")

    assert chinese.gettext("Hello") == "你好"
    assert chinese.ngettext("%(num)d run", "%(num)d runs", 3) % {"num": 3} == "3 次跑步"
    assert english.gettext("Hello") == "Hello"
    assert english.ngettext("%(num)d run", "%(num)d runs", 1) == "%(num)d run"
    # Unknown languages never name a path: they are English, which needs no file.
    assert translations(tmp_path, "../../etc").gettext("Hello") == "Hello"
