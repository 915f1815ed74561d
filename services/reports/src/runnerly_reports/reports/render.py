"""The report rendered: the HTML mail and its plain-text part (jinja2, its words through
the i18n extension's ``_``), and the PDF (``pdf.py``, ReportLab), all from the same view of
the figures and the same chart, in the report's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from runnerly_reports.reports.figures import ReportView, catalogue, view
from runnerly_reports.reports.schemas import ReportContent

CHART_CID = "weekly-chart@runnerly"

_templates = Environment(
    loader=PackageLoader("runnerly_reports.reports", "templates"),
    autoescape=select_autoescape(["html.j2"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
# English until a render names the report's own catalogue: each render passes its
# language's ``_``, so concurrent renders in two languages never share one.
_templates.install_null_translations(newstyle=False)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Links:
    report_url: str
    unsubscribe_url: str


@dataclass(frozen=True)
class RenderedReport:
    view: ReportView
    chart_png: bytes | None
    pdf: bytes


def render(content: ReportContent) -> RenderedReport:
    """The view, the chart (None for a month without runs) and the PDF of a report."""
    # Imported on first use: the API process renders only when a runner asks for a month
    # not built yet, and matplotlib and ReportLab weigh about 45 MB in every process that
    # loads them.
    from runnerly_reports.reports.chart import weekly_chart_png
    from runnerly_reports.reports.pdf import pdf

    report = view(content)
    chart = weekly_chart_png(report) if report.weeks else None
    return RenderedReport(view=report, chart_png=chart, pdf=pdf(report, chart))


def _words(report: ReportView) -> dict[str, Any]:
    t = catalogue(report.language)
    return {"_": t.gettext, "gettext": t.gettext, "ngettext": t.ngettext}


def html(report: ReportView, links: Links) -> str:
    return _templates.get_template("report.html.j2").render(
        **_words(report),
        report=report,
        chart_cid=CHART_CID,
        report_url=links.report_url,
        unsubscribe_url=links.unsubscribe_url,
    )


def text(report: ReportView, links: Links) -> str:
    return _templates.get_template("report.txt.j2").render(
        **_words(report),
        report=report, report_url=links.report_url, unsubscribe_url=links.unsubscribe_url
    )
