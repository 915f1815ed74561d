"""The rendered report: the PDF, the HTML mail and its text part hold the same figures; the
PDF's first page is rendered to a PNG in artifacts/reports/ for a person to look at."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pypdf
import pypdfium2
import pytest

from runnerly_reports.reports import render
from runnerly_reports.reports.figures import ReportView
from runnerly_reports.reports.schemas import ReportContent

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Build, FakePeers

LINKS = render.Links("http://runnerly.test/reports/2026-10",
                     "http://runnerly.test/api/reports/unsubscribe?token=abc.def")
# The figures of alice_history's October, as a reader sees them.
ALICE_FIGURES = [
    "61.6 km", "5 h 34 min", "480 m",
    "+39.6 km (+180 %)", "+17.6 km (+40 %)",
    "21.1 km in 2:00:00", "4:30 /km",
    "3:50", "was 4:00", "22:10", "was 23:20", "45:00", "was 48:20", "1:59:10",
    "20.0 km", "8.0 km", "10.0 km", "2.5 km",
    "Lyon Marathon", "in 161 days", "3:27:01", "21:35", "1:39:17",
]


class _Text(HTMLParser):
    """The text a person reads in the HTML, and the image sources."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.images: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
        if tag == "table":
            self.tables += 1
        if tag in {"style", "link", "script"}:
            raise AssertionError(f"a mail must not rely on <{tag}>")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.chunks))


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def html_text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def every_figure(report: ReportView) -> list[str]:
    values = [row.value for section in (report.summary, report.comparisons, report.highlights,
                                        report.efforts, report.plan, report.race,
                                        report.predictions) for row in section]
    return values + [week.distance for week in report.weeks]


def test_the_pdf_the_html_and_the_text_hold_the_same_figures(
    build: Build, alice: FakePeers, artifacts: Path
) -> None:
    content = build("alice")

    rendered = render.render(content)
    html = render.html(rendered.view, LINKS)
    text = render.text(rendered.view, LINKS)

    in_pdf, in_html = pdf_text(rendered.pdf), html_text(html)
    figures = every_figure(rendered.view)
    assert len(figures) > 20
    for figure in [*ALICE_FIGURES, *figures]:
        assert figure in in_pdf, f"{figure!r} missing from the PDF"
        assert figure in in_html.text, f"{figure!r} missing from the HTML"
        assert figure in text, f"{figure!r} missing from the text part"
    assert in_html.images == [f"cid:{render.CHART_CID}"]
    assert in_html.tables >= 5
    assert "style=" in html and LINKS.unsubscribe_url in html and LINKS.unsubscribe_url in text
    assert rendered.chart_png is not None and rendered.chart_png.startswith(b"\x89PNG")
    save_first_page(rendered.pdf, artifacts / "alice-2026-10")


def test_an_empty_month_has_a_kind_note_and_no_tables_of_zeros(
    build: Build, peers: FakePeers, artifacts: Path
) -> None:
    peers.add_runner("carol", "carol@example.com", display_name="Carol")
    content = build("carol")

    rendered = render.render(content)
    html = render.html(rendered.view, LINKS)
    text = render.text(rendered.view, LINKS)

    note = "No runs were recorded in October 2026."
    for body in (pdf_text(rendered.pdf), html_text(html).text, text):
        assert note in body
        assert "Rest is part of training too" in body
        assert "Distance" not in body and "Week by week" not in body
    assert rendered.chart_png is None
    assert html_text(html).images == []
    save_first_page(rendered.pdf, artifacts / "carol-empty-2026-10")


def test_miles_for_a_runner_who_counts_in_miles(build: Build, alice: FakePeers) -> None:
    alice.profiles["alice"]["units"] = "mi"

    rendered = render.render(build("alice"))

    text = render.text(rendered.view, LINKS)
    assert "38.3 mi" in text  # 61.6 km
    assert "7:15 /mi" in text  # 4:30 /km
    assert "1,575 ft" in text  # 480 m
    # Distances and paces change units; the names of the standard distances do not.
    assert "61.6 km" not in text and "/km" not in text and "20.0 km" not in text
    assert "5 km: 22:10" in text


def test_names_with_markup_are_shown_not_interpreted(build: Build, peers: FakePeers) -> None:
    peers.add_runner("mal", "mal@example.com", display_name="<b>Mal</b> & co")
    peers.add_run("mal", datetime(2026, 10, 10, 9, 0, tzinfo=UTC), 5000, 1500,
                  name="<script>alert(1)</script>")

    rendered = render.render(build("mal"))
    html = render.html(rendered.view, LINKS)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Mal</b> & co" in pdf_text(rendered.pdf)


def test_names_in_other_scripts_are_printed_in_the_pdf(build: Build, peers: FakePeers) -> None:
    # Helvetica, a standard PDF font, has no Cyrillic or Greek: these came out as boxes.
    peers.add_runner("oleg", "oleg@example.com", display_name="Олег Σπύρος Zoë")
    peers.add_run("oleg", datetime(2026, 10, 10, 9, 0, tzinfo=UTC), 5000, 1500,
                  name="Пробежка")

    rendered = render.render(build("oleg"))

    assert "Hello Олег Σπύρος Zoë," in pdf_text(rendered.pdf)


def test_the_same_report_renders_the_same_bytes(build: Build, alice: FakePeers) -> None:
    content = build("alice")

    first, second = render.render(content), render.render(
        ReportContent.model_validate(content.model_dump(mode="json"))
    )

    assert first.pdf == second.pdf and first.chart_png == second.chart_png


def save_first_page(pdf: bytes, stem: Path) -> None:
    """The PDF and its first page as a PNG, for a person to look at."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=1.5).to_pil().save(stem.with_suffix(".png"))
    finally:
        document.close()
    stem.with_suffix(".pdf").write_bytes(pdf)


def test_race_and_run_names_with_markup_are_printed_as_written_in_the_pdf(
    build: Build, peers: FakePeers
) -> None:
    peers.add_runner("mal", "mal@example.com", display_name="Mal")
    peers.add_run("mal", datetime(2026, 10, 10, 9, 0, tzinfo=UTC), 21100, 7000,
                  name="<b>Long & slow</b> <font size=40>")
    peers.add_race("<b>&amp; Lyon</b> <br/> & co", datetime(2027, 4, 11).date(), 42195,
                   entered_by=("mal",))

    rendered = render.render(build("mal"))
    text = pdf_text(rendered.pdf)

    assert "<b>Long & slow</b> <font size=40>" in text
    assert "<b>&amp; Lyon</b> <br/> & co" in text


def test_names_stored_before_the_one_line_rule_still_make_a_pdf(
    build: Build, peers: FakePeers
) -> None:
    peers.add_runner("old", "old@example.com", display_name="Old\r\nRunner\x00")
    peers.add_run("old", datetime(2026, 10, 10, 9, 0, tzinfo=UTC), 21100, 7000,
                  name="Long\nrun\x1b[31m \u202eevil")
    peers.add_race("Lyon\r\nMarathon\x07", datetime(2027, 4, 11).date(), 42195,
                   entered_by=("old",))

    rendered = render.render(build("old"))
    text = pdf_text(rendered.pdf)

    assert "Hello Old Runner," in text
    assert "Long run" in text
    assert "Lyon Marathon" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", text)


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))


# Month-on-month changes that fall on a half percent, and their whole percent: halves go
# away from zero, as the web app shows the same figure (it shows what the content says).
HALF_PERCENTS = [
    (10000, 9150, -9),  # -8.5 %
    (10000, 11250, 13),  # +12.5 %
    (10000, 10050, 1),  # +0.5 %
    (10000, 9950, -1),  # -0.5 %
    (8000, 8200, 3),  # +2.5 %
    (7000, 8450, 21),  # +20.714... %
]


@pytest.mark.parametrize(("then_m", "now_m", "percent"), HALF_PERCENTS)
def test_a_change_in_percent_is_one_whole_figure_in_the_content_mail_and_pdf(
    build: Build, peers: FakePeers, then_m: int, now_m: int, percent: int
) -> None:
    peers.add_runner("dora", "dora@example.com")
    peers.add_run("dora", paris(2026, 9, 12, 8, 0), then_m, 3600)
    peers.add_run("dora", paris(2026, 10, 12, 8, 0), now_m, 3600)

    content = build("dora")
    rendered = render.render(content)

    assert content.comparisons[0].distance_change_pct == percent
    shown = f"({'-' if percent < 0 else '+'}{abs(percent)} %)"
    for body in (pdf_text(rendered.pdf), html_text(render.html(rendered.view, LINKS)).text,
                 render.text(rendered.view, LINKS)):
        assert shown in body


def test_the_plan_share_is_one_whole_figure_in_the_content_mail_and_pdf(
    build: Build, alice: FakePeers
) -> None:
    workouts = [{"date": f"2026-10-{day:02d}", "kind": "easy",
                 "status": "done" if day == 1 else "missed"} for day in range(1, 9)]
    alice.plans = {"alice": [{"id": 7, "race_name": "Lyon Marathon",
                              "weeks": [{"index": 0, "workouts": workouts}]}]}

    content = build("alice")
    rendered = render.render(content)

    assert content.plan is not None and content.plan.share_pct == 13  # 1 of 8: 12.5 %
    for body in (pdf_text(rendered.pdf), html_text(render.html(rendered.view, LINKS)).text,
                 render.text(rendered.view, LINKS)):
        assert "13 %" in body and "12 %" not in body


def test_a_report_stored_with_a_fraction_of_a_percent_reads_as_a_whole_one(
    build: Build, peers: FakePeers
) -> None:
    peers.add_runner("dora", "dora@example.com")
    peers.add_run("dora", paris(2026, 9, 12, 8, 0), 10000, 3600)
    peers.add_run("dora", paris(2026, 10, 12, 8, 0), 9154, 3600)
    stored = build("dora").model_dump(mode="json")
    # As reports built before the whole-percent rule kept it: one decimal, no plan share.
    stored["comparisons"][0]["distance_change_pct"] = -8.5

    content = ReportContent.model_validate(stored)

    assert content.comparisons[0].distance_change_pct == -8  # from -846 m of 10,000 m
