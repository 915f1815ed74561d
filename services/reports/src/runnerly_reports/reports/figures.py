"""The report's figures as a reader sees them, in the runner's units and language.

The HTML mail, the plain-text part and the PDF all render this one view, so they cannot
disagree about a number. Words come from the catalogues in ``locales/`` (gettext, read with
Babel; English is the message ids), dates and numbers from Babel in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal
from babel.support import NullTranslations

from runnerly_kit.i18n import locale, translations
from runnerly_reports.reports.content import FASTEST_PACE_MIN_M, Month
from runnerly_reports.reports.schemas import Comparison, ReportContent, RunHighlight

METRES_PER_MILE = 1609.344
FEET_PER_METRE = 3.28084
LOCALES = Path(__file__).resolve().parent.parent / "locales"
# Marked for extraction only; each is translated where it is shown.
EFFORT_NAMES = {
    "1k": "1 km",
    "5k": "5 km",
    "10k": "10 km",
    "half": "Half marathon",
    "marathon": "Marathon",
}
# ASCII: the PDF's standard fonts have no U+2212, and every mail client shows it.
MINUS = "-"
_ENGLISH = Locale("en")


def distance(metres: float, units: str, where: Locale = _ENGLISH) -> str:
    value = metres / METRES_PER_MILE if units == "mi" else metres / 1000
    return f"{format_decimal(value, '#,##0.0', locale=where)} {units}"


def elevation(metres: float, units: str, where: Locale = _ENGLISH) -> str:
    if units == "mi":
        return f"{format_decimal(metres * FEET_PER_METRE, '#,##0', locale=where)} ft"
    return f"{format_decimal(metres, '#,##0', locale=where)} m"


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


def day(value: date, where: Locale = _ENGLISH) -> str:
    """"Sun 4 Oct" in English, the locale's own short day otherwise ("10月4日周日")."""
    if where.language == "en":
        return format_date(value, "EEE d MMM", locale=where)
    return format_skeleton("MMMEd", value, locale=where)


def long_day(value: date, where: Locale = _ENGLISH) -> str:
    if where.language == "en":
        return format_date(value, "EEE d MMM y", locale=where)
    return format_skeleton("yMMMEd", value, locale=where)


def month_label(month: Month, where: Locale = _ENGLISH) -> str:
    return format_skeleton("yMMMM", month.first_day, locale=where)


def signed(text_without_sign: str, negative: bool) -> str:
    return f"{MINUS if negative else '+'}{text_without_sign}"


def change(
    comparison: Comparison, units: str, t: NullTranslations | None = None,
    where: Locale = _ENGLISH,
) -> str:
    t = t or NullTranslations()
    if comparison.totals.runs == 0 and comparison.totals.distance_m == 0:
        return t.gettext("no runs then")
    delta = comparison.distance_change_m
    text = signed(distance(abs(delta), units, where), delta < 0)
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
    runs_text: str = ""
    # In digits only: the chart's font (DejaVu Sans) has no CJK glyphs.
    chart_label: str = ""


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
    language: str = "en"


@dataclass(frozen=True)
class _Words:
    """The report's language: its catalogue (``t``) and its Babel locale."""

    t: NullTranslations
    where: Locale
    units: str

    def runs(self, count: int) -> str:
        return self.t.ngettext("%(num)d run", "%(num)d runs", count) % {"num": count}

    def distance(self, metres: float) -> str:
        return distance(metres, self.units, self.where)

    def effort(self, name: str) -> str:
        return self.t.gettext(EFFORT_NAMES[name]) if name in EFFORT_NAMES else name


def catalogue(language: str) -> NullTranslations:
    return translations(LOCALES, language)


def view(content: ReportContent) -> ReportView:
    units = content.units
    words = _Words(catalogue(content.language), locale(content.language), units)
    t = words.t
    month = month_label(Month.parse(content.month), words.where)
    runs = content.has_runs
    greeting = (
        t.gettext("Hello %(name)s,") % {"name": content.display_name}
        if content.display_name
        else t.gettext("Hello runner,")
    )
    return ReportView(
        title=t.gettext("Your %(month)s in running") % {"month": month},
        month_label=month,
        greeting=greeting,
        has_runs=runs,
        empty_note=t.gettext(
            "No runs were recorded in %(month)s. Rest is part of training too; "
            "whenever you lace up again, your next report will show it."
        ) % {"month": month},
        summary=_summary(content, words) if runs else [],
        comparisons=_comparisons(content, words) if runs else [],
        highlights=_highlights(content, words) if runs else [],
        efforts=_efforts(content, words) if runs else [],
        weeks=_weeks(content, words) if runs else [],
        plan=_plan(content, words),
        race=_race(content, words),
        predictions=_predictions(content, words),
        prediction_note=_prediction_note(content, words),
        footnotes=_footnotes(content, words),
        units=units,
        language=content.language,
    )


def _summary(content: ReportContent, words: _Words) -> list[Row]:
    totals, t = content.totals, words.t
    return [
        Row(t.gettext("Distance"), words.distance(totals.distance_m)),
        Row(t.gettext("Moving time"), duration(totals.moving_time_s)),
        Row(t.gettext("Runs"), str(totals.runs)),
        Row(t.gettext("Elevation gain"),
            elevation(totals.elevation_gain_m, words.units, words.where)),
    ]


def _comparisons(content: ReportContent, words: _Words) -> list[Row]:
    t = words.t
    rows = []
    for comparison in content.comparisons:
        other = month_label(Month.parse(comparison.month), words.where)
        then = comparison.totals
        rows.append(
            Row(
                t.gettext("Against %(month)s") % {"month": other},
                change(comparison, words.units, t, words.where),
                t.gettext("%(distance)s, %(runs)s then")
                % {"distance": words.distance(then.distance_m), "runs": words.runs(then.runs)}
                if then.runs
                else "",
            )
        )
    return rows


def _highlights(content: ReportContent, words: _Words) -> list[Row]:
    t, where = words.t, words.where
    rows = []
    if content.longest_run:
        run = content.longest_run
        rows.append(Row(t.gettext("Longest run"), _highlight(run, words),
                        f"{run.name}, {day(run.day, where)}"))
    if content.fastest_run:
        run = content.fastest_run
        rows.append(
            Row(
                t.gettext("Fastest pace"),
                pace(run.pace_s_per_km, words.units),
                f"{run.name}, {day(run.day, where)}, {words.distance(run.distance_m)}",
            )
        )
    return rows


def _highlight(run: RunHighlight, words: _Words) -> str:
    return words.t.gettext("%(distance)s in %(time)s") % {
        "distance": words.distance(run.distance_m), "time": clock(run.moving_time_s)
    }


def _efforts(content: ReportContent, words: _Words) -> list[Row]:
    t = words.t
    rows = []
    for effort in content.best_efforts:
        note = (
            t.gettext("your first at this distance")
            if effort.previous_best_s is None
            else t.gettext("was %(time)s") % {"time": clock(effort.previous_best_s)}
        )
        rows.append(
            Row(
                words.effort(effort.distance),
                clock(effort.elapsed_time_s),
                f"{day(effort.day, words.where)}, {note}",
            )
        )
    return rows


def _weeks(content: ReportContent, words: _Words) -> list[Week]:
    where = words.where
    weeks = []
    for week in content.weeks:
        first, last = week.first_day, week.last_day
        if where.language == "en":
            label = (f"{first.day}\u2013{last.day} {last:%b}" if first != last
                     else f"{first.day} {first:%b}")
        else:
            label = (format_interval(first, last, "MMMd", locale=where) if first != last
                     else format_skeleton("MMMd", first, locale=where))
        weeks.append(
            Week(
                label=label,
                distance=words.distance(week.distance_m),
                distance_m=week.distance_m,
                runs=week.runs,
                runs_text=words.runs(week.runs),
                chart_label=label if where.language == "en"
                else format_interval(first, last, "Md", locale=where),
            )
        )
    return weeks


def _plan(content: ReportContent, words: _Words) -> list[Row]:
    plan, t = content.plan, words.t
    if plan is None:
        return []
    share = f"{plan.share_pct} %" if plan.share_pct is not None else t.gettext("nothing due yet")
    return [
        Row(t.gettext("Plan"), plan.name or t.gettext("Plan %(id)s") % {"id": plan.plan_id}),
        Row(t.gettext("Workouts done"),
            t.gettext("%(done)s of %(due)s") % {"done": plan.done, "due": plan.done + plan.missed},
            share),
        Row(t.gettext("Workouts planned this month"), str(plan.planned)),
    ]


def _race(content: ReportContent, words: _Words) -> list[Row]:
    race, t = content.next_race, words.t
    if race is None:
        return []
    days = t.gettext("today") if race.days_to_go == 0 else (
        t.gettext("tomorrow") if race.days_to_go == 1
        else t.ngettext("in %(num)d day", "in %(num)d days", race.days_to_go)
        % {"num": race.days_to_go}
    )
    rows = [
        Row(t.gettext("Next race"), race.name,
            f"{long_day(race.date, words.where)}, {words.distance(race.distance_m)}"),
        Row(t.gettext("Countdown"), days),
    ]
    if race.predicted_time_s is not None:
        rows.append(Row(t.gettext("Predicted time"), clock(race.predicted_time_s)))
    return rows


def _predictions(content: ReportContent, words: _Words) -> list[Row]:
    if content.prediction_basis is None:
        return []
    return [Row(words.effort(p.distance), clock(p.time_s)) for p in content.predictions]


def _prediction_note(content: ReportContent, words: _Words) -> str:
    basis = content.prediction_basis
    if basis is None:
        return ""
    return words.t.gettext(
        "Predicted with Riegel's formula from your best recent effort: "
        "%(effort)s in %(time)s on %(day)s."
    ) % {
        "effort": words.effort(basis.distance),
        "time": clock(basis.elapsed_time_s),
        "day": day(basis.day, words.where),
    }


def _footnotes(content: ReportContent, words: _Words) -> list[str]:
    t = words.t
    footnotes = []
    if content.has_runs:
        footnotes.append(
            t.gettext("Fastest pace counts runs of %(distance)s or more.")
            % {"distance": words.distance(FASTEST_PACE_MIN_M)}
        )
    footnotes.append(
        t.gettext("Days are counted in your time zone, %(zone)s.") % {"zone": content.time_zone}
    )
    return footnotes
