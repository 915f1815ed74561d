"""The report's figures as a reader sees them, in the runner's units.

The HTML mail, the plain-text part and the PDF all render this one view, so they cannot
disagree about a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from runnerly_reports.reports.content import FASTEST_PACE_MIN_M, Month
from runnerly_reports.reports.schemas import Comparison, ReportContent, RunHighlight

METRES_PER_MILE = 1609.344
FEET_PER_METRE = 3.28084
EFFORT_NAMES = {
    "1k": "1 km",
    "5k": "5 km",
    "10k": "10 km",
    "half": "Half marathon",
    "marathon": "Marathon",
}
# ASCII: the PDF's standard fonts have no U+2212, and every mail client shows it.
MINUS = "-"


def distance(metres: float, units: str) -> str:
    if units == "mi":
        return f"{metres / METRES_PER_MILE:,.1f} mi"
    return f"{metres / 1000:,.1f} km"


def elevation(metres: float, units: str) -> str:
    if units == "mi":
        return f"{metres * FEET_PER_METRE:,.0f} ft"
    return f"{metres:,.0f} m"


def clock(seconds: float) -> str:
    """A race time: 3:10:49, or 21:30 under an hour."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(seconds: int) -> str:
    """Time spent: 12 h 05 min, or 45 min."""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def pace(seconds_per_km: float, units: str) -> str:
    per_unit = seconds_per_km * (METRES_PER_MILE / 1000 if units == "mi" else 1)
    return f"{clock(per_unit)} /{units}"


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def signed(text_without_sign: str, negative: bool) -> str:
    return f"{MINUS if negative else '+'}{text_without_sign}"


def change(comparison: Comparison, units: str) -> str:
    if comparison.totals.runs == 0 and comparison.totals.distance_m == 0:
        return "no runs then"
    delta = comparison.distance_change_m
    text = signed(distance(abs(delta), units), delta < 0)
    if comparison.distance_change_pct is not None:
        pct = comparison.distance_change_pct
        text += f" ({signed(f'{abs(pct)} %', pct < 0)})"
    return text


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Week:
    label: str
    distance: str
    distance_m: float
    runs: int


@dataclass
class ReportView:
    title: str
    month_label: str
    greeting: str
    has_runs: bool
    empty_note: str
    summary: list[Row] = field(default_factory=list)
    comparisons: list[Row] = field(default_factory=list)
    highlights: list[Row] = field(default_factory=list)
    efforts: list[Row] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    plan: list[Row] = field(default_factory=list)
    race: list[Row] = field(default_factory=list)
    predictions: list[Row] = field(default_factory=list)
    prediction_note: str = ""
    footnotes: list[str] = field(default_factory=list)
    units: str = "km"


def _highlight(run: RunHighlight, units: str) -> str:
    return f"{distance(run.distance_m, units)} in {clock(run.moving_time_s)}"


def view(content: ReportContent) -> ReportView:
    units = content.units
    month = Month.parse(content.month)
    name = content.display_name or "runner"
    runs = content.has_runs
    return ReportView(
        title=f"Your {month.label()} in running",
        month_label=month.label(),
        greeting=f"Hello {name},",
        has_runs=runs,
        empty_note=(
            f"No runs were recorded in {month.label()}. Rest is part of training too; "
            "whenever you lace up again, your next report will show it."
        ),
        summary=_summary(content, units) if runs else [],
        comparisons=_comparisons(content, units) if runs else [],
        highlights=_highlights(content, units) if runs else [],
        efforts=_efforts(content) if runs else [],
        weeks=_weeks(content, units) if runs else [],
        plan=_plan(content),
        race=_race(content, units),
        predictions=_predictions(content),
        prediction_note=_prediction_note(content),
        footnotes=_footnotes(content, units),
        units=units,
    )


def _summary(content: ReportContent, units: str) -> list[Row]:
    totals = content.totals
    return [
        Row("Distance", distance(totals.distance_m, units)),
        Row("Moving time", duration(totals.moving_time_s)),
        Row("Runs", str(totals.runs)),
        Row("Elevation gain", elevation(totals.elevation_gain_m, units)),
    ]


def _comparisons(content: ReportContent, units: str) -> list[Row]:
    labels = {"previous_month": "Against", "last_year": "Against"}
    rows = []
    for comparison in content.comparisons:
        other = Month.parse(comparison.month).label()
        then = comparison.totals
        rows.append(
            Row(
                f"{labels[comparison.kind]} {other}",
                change(comparison, units),
                f"{distance(then.distance_m, units)}, "
                f"{then.runs} run{'' if then.runs == 1 else 's'} then"
                if then.runs
                else "",
            )
        )
    return rows


def _highlights(content: ReportContent, units: str) -> list[Row]:
    rows = []
    if content.longest_run:
        run = content.longest_run
        rows.append(Row("Longest run", _highlight(run, units), f"{run.name}, {day(run.day)}"))
    if content.fastest_run:
        run = content.fastest_run
        rows.append(
            Row(
                "Fastest pace",
                pace(run.pace_s_per_km, units),
                f"{run.name}, {day(run.day)}, {distance(run.distance_m, units)}",
            )
        )
    return rows


def _efforts(content: ReportContent) -> list[Row]:
    rows = []
    for effort in content.best_efforts:
        note = (
            "your first at this distance"
            if effort.previous_best_s is None
            else f"was {clock(effort.previous_best_s)}"
        )
        rows.append(
            Row(
                EFFORT_NAMES.get(effort.distance, effort.distance),
                clock(effort.elapsed_time_s),
                f"{day(effort.day)}, {note}",
            )
        )
    return rows


def _weeks(content: ReportContent, units: str) -> list[Week]:
    return [
        Week(
            label=f"{week.first_day.day}\u2013{week.last_day.day} {week.last_day:%b}"
            if week.first_day != week.last_day
            else f"{week.first_day.day} {week.first_day:%b}",
            distance=distance(week.distance_m, units),
            distance_m=week.distance_m,
            runs=week.runs,
        )
        for week in content.weeks
    ]


def _plan(content: ReportContent) -> list[Row]:
    plan = content.plan
    if plan is None:
        return []
    share = f"{plan.share_pct} %" if plan.share_pct is not None else "nothing due yet"
    return [
        Row("Plan", plan.name or f"Plan {plan.plan_id}"),
        Row("Workouts done", f"{plan.done} of {plan.done + plan.missed}", share),
        Row("Workouts planned this month", str(plan.planned)),
    ]


def _race(content: ReportContent, units: str) -> list[Row]:
    race = content.next_race
    if race is None:
        return []
    days = "today" if race.days_to_go == 0 else (
        "tomorrow" if race.days_to_go == 1 else f"in {race.days_to_go} days"
    )
    rows = [
        Row("Next race", race.name, f"{day(race.date)} {race.date.year}, "
            f"{distance(race.distance_m, units)}"),
        Row("Countdown", days),
    ]
    if race.predicted_time_s is not None:
        rows.append(Row("Predicted time", clock(race.predicted_time_s)))
    return rows


def _predictions(content: ReportContent) -> list[Row]:
    if content.prediction_basis is None:
        return []
    return [
        Row(EFFORT_NAMES.get(p.distance, p.distance), clock(p.time_s))
        for p in content.predictions
    ]


def _prediction_note(content: ReportContent) -> str:
    basis = content.prediction_basis
    if basis is None:
        return ""
    return (
        "Predicted with Riegel's formula from your best recent effort: "
        f"{EFFORT_NAMES.get(basis.distance, basis.distance)} in "
        f"{clock(basis.elapsed_time_s)} on {day(basis.day)}."
    )


def _footnotes(content: ReportContent, units: str) -> list[str]:
    footnotes = []
    if content.has_runs:
        footnotes.append(
            f"Fastest pace counts runs of {distance(FASTEST_PACE_MIN_M, units)} or more."
        )
    footnotes.append(f"Days are counted in your time zone, {content.time_zone}.")
    return footnotes
