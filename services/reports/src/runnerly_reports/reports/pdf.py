"""The report as a PDF (ReportLab, A4): the same view of the figures and the same chart as
the mail."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from runnerly_kit.text import one_line
from runnerly_reports.reports.figures import ReportView, Row, catalogue

ACCENT = colors.HexColor("#e4572e")
# Han, kana, CJK punctuation and full-width forms: printed in the CJK font (DejaVu Sans has
# none of them), every other character in DejaVu Sans (which has Cyrillic, Greek... that
# the CJK font lacks).
# A TrueType font with the CJK glyphs, embedded (subset) so that every reader prints them:
# Debian's fonts-droid-fallback (in the image, and installed by scripts/infra.sh). Where
# none is installed, Adobe's standard Chinese font, which the reader must supply.
CJK_FONT_FILES = (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),)
EMBEDDED_CJK_FONT = "DroidSansFallback"
STANDARD_CJK_FONT = "STSong-Light"
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef"
    "\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef]+"
)


def pdf(report: ReportView, chart_png: bytes | None) -> bytes:
    t = catalogue(report.language)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=report.title,
        author="Runnerly",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        # Fixed, so that the same report gives the same bytes.
        invariant=True,
    )
    styles = getSampleStyleSheet()
    regular, bold = _fonts()
    title = ParagraphStyle("ReportTitle", parent=styles["Title"], textColor=ACCENT,
                           alignment=0, fontSize=20, fontName=bold)
    heading = ParagraphStyle("ReportHeading", parent=styles["Heading2"], textColor=ACCENT,
                             fontSize=13, spaceBefore=10, spaceAfter=4, fontName=bold)
    body = ParagraphStyle("ReportBody", parent=styles["BodyText"], fontName=regular)
    small = ParagraphStyle("ReportSmall", parent=body, fontSize=8, textColor=colors.grey)
    story: list[Flowable] = [
        Paragraph(_markup(report.title), title),
        Paragraph(_markup(report.greeting), body),
    ]
    if not report.has_runs:
        story.append(Paragraph(_markup(report.empty_note), body))
    sections: list[tuple[str, list[Row]]] = [
        (t.gettext("The month"), report.summary),
        (t.gettext("Compared"), report.comparisons),
        (t.gettext("Highlights"), report.highlights),
        (t.gettext("Best efforts set"), report.efforts),
    ]
    for name, rows in sections:
        story.extend(_section(name, rows, heading, body, small))
    if report.weeks:
        story.append(Paragraph(_markup(t.gettext("Week by week")), heading))
        if chart_png is not None:
            width = document.width
            story.append(Image(io.BytesIO(chart_png), width=width, height=width * 0.32))
        story.append(
            _table(
                [Row(w.label, w.distance, w.runs_text) for w in report.weeks],
                body,
                small,
            )
        )
    for name, rows in (
        (t.gettext("Your plan"), report.plan),
        (t.gettext("Your next race"), report.race),
        (t.gettext("Race predictions"), report.predictions),
    ):
        story.extend(_section(name, rows, heading, body, small))
    if report.prediction_note:
        story.append(Paragraph(_markup(report.prediction_note), small))
    story.append(Spacer(1, 8 * mm))
    story.extend(Paragraph(_markup(note), small) for note in report.footnotes)
    document.build(story)
    return buffer.getvalue()


def _markup(text: str) -> str:
    """``text`` as a Paragraph's markup shows it: ``<``, ``>`` and ``&`` escaped (a race name
    is not markup), the controls a name stored before the one-line rule may hold made
    spaces (ReportLab would print a NUL as a glyph), and CJK runs set in the CJK font."""
    return _CJK.sub(
        lambda run: f'<font name="{_cjk_font()}">{run.group(0)}</font>', escape(one_line(text))
    )


@cache
def _fonts() -> tuple[str, str]:
    """The PDF's regular and bold fonts: DejaVu Sans, embedded (subset), so that names in
    Cyrillic, Greek, Armenian or Georgian are printed; the standard PDF fonts (Helvetica)
    cover Latin only. Matplotlib, which draws the chart, ships the font files."""
    directory = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = "DejaVuSans", "DejaVuSans-Bold"
    pdfmetrics.registerFont(TTFont(regular, directory / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(bold, directory / "DejaVuSans-Bold.ttf"))
    # So that <b> in a paragraph picks the bold face.
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold)
    return regular, bold


@cache
def _cjk_font() -> str:
    """The font CJK runs are set in. Neither has a bold face: bold CJK is the regular one."""
    installed = next((path for path in CJK_FONT_FILES if path.is_file()), None)
    if installed is not None:
        pdfmetrics.registerFont(TTFont(EMBEDDED_CJK_FONT, installed))
        name = EMBEDDED_CJK_FONT
    else:
        # Adobe's Chinese GB1 collection, not embedded: a reader with it (desktop readers
        # ship it) prints every Simplified Chinese character; one without prints blanks.
        pdfmetrics.registerFont(UnicodeCIDFont(STANDARD_CJK_FONT))
        name = STANDARD_CJK_FONT
    pdfmetrics.registerFontFamily(name, normal=name, bold=name)
    return name


def _section(
    name: str, rows: list[Row], heading: ParagraphStyle, body: ParagraphStyle,
    small: ParagraphStyle,
) -> list[Flowable]:
    if not rows:
        return []
    # A heading never ends a page alone.
    return [KeepTogether([Paragraph(_markup(name), heading), _table(rows, body, small)])]


def _table(rows: list[Row], body: ParagraphStyle, small: ParagraphStyle) -> Table:
    data = [
        [Paragraph(_markup(row.label), body), Paragraph(f"<b>{_markup(row.value)}</b>", body),
         Paragraph(_markup(row.note), small)]
        for row in rows
    ]
    table = Table(data, colWidths=[55 * mm, 45 * mm, 74 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
