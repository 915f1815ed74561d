"""A report in the runner's language: the mail, its text part and the PDF, with dates and
numbers in that language, CJK names printed with a font that has their glyphs, and every
message of the code in the Simplified Chinese catalogue."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdf
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from runnerly_reports.reports import pdf, render
from runnerly_reports.reports.figures import LOCALES

from .test_render import LINKS, html_text, pdf_text, save_first_page

if TYPE_CHECKING:
    from conftest import Build, FakePeers

PACKAGE = Path(render.__file__).resolve().parent.parent


def test_a_chinese_runners_report_is_in_chinese_everywhere(
    build: Build, alice: FakePeers, artifacts: Path
) -> None:
    alice.profiles["alice"].update(language="zh-Hans", display_name="张伟")

    content = build("alice")
    rendered = render.render(content)
    html = render.html(rendered.view, LINKS)
    text = render.text(rendered.view, LINKS)

    assert content.language == "zh-Hans"
    assert rendered.view.title == "你的2026年10月跑步报告"
    in_pdf = pdf_text(rendered.pdf)
    for body in (in_pdf, html_text(html).text, text):
        assert "张伟，你好！" in body  # noqa: RUF001 (Chinese punctuation is full-width)
        for words in ("本月", "亮点", "逐周", "与2026年9月相比", "与2025年10月相比", "全程马拉松"):
            assert words in body, words
        # Babel's Chinese dates, never the English ones.
        assert "10月17日周六" in body
        for english in ("Highlights", "Week by week", "October", "Sat ", " Oct"):
            assert english not in body, english
        assert "61.6 km" in body and "还有 161 天" in body
    assert '<html lang="zh-Hans">' in html
    save_first_page(rendered.pdf, artifacts / "alice-zh-Hans-2026-10")


def _fonts_of(document: bytes) -> dict[str, Any]:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return {
        str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1]: font.get_object()
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def _wei(build: Build, peers: FakePeers) -> bytes:
    peers.add_runner("wei", "wei@example.com", display_name="张伟 Олег")
    peers.add_run("wei", datetime(2026, 10, 10, 9, 0, tzinfo=UTC), 5000, 1500, name="西湖晨跑")
    document = render.render(build("wei")).pdf
    assert "Hello 张伟 Олег," in pdf_text(document)
    assert "西湖晨跑" in pdf_text(document)
    return document


def test_cjk_names_are_printed_with_an_embedded_font_that_has_them(
    build: Build, peers: FakePeers
) -> None:
    # DejaVu Sans has no Han glyphs: an English report of a runner named in Chinese printed
    # boxes. Cyrillic stays in DejaVu Sans, which the CJK font lacks.
    if not any(path.is_file() for path in pdf.CJK_FONT_FILES):
        if os.environ.get("CI"):
            pytest.fail("fonts-droid-fallback is missing (scripts/infra.sh install installs it)")
        pytest.skip("no CJK TrueType font is installed")

    fonts = _fonts_of(_wei(build, peers))

    # Embedded, as a subset: every reader prints 张伟 from the file's own glyphs.
    cjk = fonts[pdf.EMBEDDED_CJK_FONT]
    descriptor = cjk["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor
    program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    drawn = [name for name in program.getGlyphOrder() if program["glyf"][name].numberOfContours]
    assert len(drawn) >= len(set("张伟西湖晨跑"))  # each character has an outline, not a box
    assert "DejaVuSans" in fonts


def test_without_a_cjk_font_installed_the_standard_chinese_font_is_named(
    build: Build, peers: FakePeers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "CJK_FONT_FILES", ())
    pdf._cjk_font.cache_clear()
    try:
        fonts = _fonts_of(_wei(build, peers))
    finally:
        pdf._cjk_font.cache_clear()

    cjk = fonts[pdf.STANDARD_CJK_FONT]
    # Adobe's GB1 collection, which holds every Simplified Chinese character, addressed
    # by Unicode: a reader that has the collection prints 张伟, not boxes.
    assert cjk["/Encoding"] == "/UniGB-UCS2-H"
    assert cjk["/DescendantFonts"][0].get_object()["/CIDSystemInfo"]["/Ordering"] == "GB1"


def test_every_message_of_the_report_is_in_the_chinese_catalogue() -> None:
    method_map = [("**.py", "python"), ("**/templates/**.j2", "jinja2")]
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            PACKAGE, method_map, keywords={"gettext": None, "ngettext": (1, 2), "_": None}
        )
    }
    with (LOCALES / "zh-Hans" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    assert len(found) > 40
    assert sorted(found - translated) == []
