"""The weekly distance chart, as a PNG (matplotlib's Agg backend, no display needed)."""

from __future__ import annotations

import io

# The Agg canvas on a Figure of its own, never pyplot: no display, no global state.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from runnerly_reports.reports.figures import METRES_PER_MILE, ReportView

ACCENT = "#e4572e"
INK = "#333333"
WIDTH_IN, HEIGHT_IN, DPI = 6.0, 1.92, 110


def weekly_chart_png(report: ReportView) -> bytes:
    """A bar per week of the month, labelled with its distance."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    per_unit = METRES_PER_MILE if report.units == "mi" else 1000.0
    values = [week.distance_m / per_unit for week in report.weeks]
    labels = [week.chart_label or week.label for week in report.weeks]
    bars = axes.bar(range(len(values)), values, color=ACCENT, width=0.6)
    axes.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=8, color=INK, padding=2)
    axes.set_xticks(range(len(values)), labels, fontsize=8, color=INK)
    axes.set_ylabel(report.units, fontsize=8, color=INK)
    if report.language == "en":
        # Other languages' titles need glyphs the chart's font lacks; the heading above
        # the chart, in the mail and the PDF, names it in the reader's language.
        axes.set_title("Distance per week", fontsize=10, color=INK, loc="left")
    axes.set_ylim(0, max([*values, 1.0]) * 1.25)
    axes.tick_params(axis="y", labelsize=8, colors=INK)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Fixed margins, not tight_layout(): that draws the figure twice, doubling the cost.
    figure.subplots_adjust(left=0.09, right=0.98, top=0.86, bottom=0.14)
    buffer = io.BytesIO()
    # No metadata: the same weeks give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
