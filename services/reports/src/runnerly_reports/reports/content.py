"""What a monthly report says, computed from plain data: no I/O, no clock.

Every figure is kept in SI units (metres, seconds); the renderers format them in the
runner's units. A run belongs to the month of its start on the runner's clock (the profile's
time zone), so a run at 23:30 on the 31st in Honolulu is October's even though it is
November in UTC.

Definitions a reader of the report may ask about:

- **Fastest pace** is over runs of at least ``FASTEST_PACE_MIN_M`` (3 km): a sprint to the
  bus is not a pace to report.
- **Best efforts set** are the month's best efforts (the dataservice's ``/records`` over the
  month) that beat every earlier one at the same distance (``/records`` before the month);
  the first effort ever at a distance counts, marked ``first``.
- **Weekly distance** is per Monday-to-Sunday week, counting only the month's days: the
  weeks add up to the month.
- **Predictions** use Riegel's formula ``T2 = T1 x (D2 / D1) ** 1.06`` from one reference
  effort: among the best efforts of at least 5 km in the ``PREDICTION_WINDOW`` (8 weeks)
  ending with the month, the one that predicts the fastest 10 km. Shorter efforts are not
  used: Riegel extrapolates badly from them.
- **Plan adherence** counts the plan's workouts dated in the month (rest days aside): done
  (a run matched) against done plus missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from runnerly_reports.peers import BestEffort, MonthTotals, Plan, Profile, Race, Run

FASTEST_PACE_MIN_M = 3000.0
PREDICTION_MIN_M = 5000.0
PREDICTION_WINDOW = timedelta(weeks=8)
RIEGEL_EXPONENT = 1.06
PREDICTION_TARGETS: tuple[tuple[str, float], ...] = (
    ("5k", 5000.0),
    ("10k", 10000.0),
    ("half", 21097.5),
    ("marathon", 42195.0),
)
CONTENT_VERSION = 1
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM``; a ``ValueError`` saying what is wrong otherwise."""
        match = _MONTH.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a month: write it YYYY-MM, e.g. 2026-10.")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} is not a month: the month is 01 to 12.")
        if not 1900 <= year <= 2200:
            raise ValueError(f"{text!r} is not a month a runner ran in.")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def shifted(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def next(self) -> Month:
        return self.shifted(1)

    def previous(self) -> Month:
        return self.shifted(-1)

    def start(self, zone: ZoneInfo) -> datetime:
        """The month's first instant on the runner's clock."""
        return datetime.combine(self.first_day, time.min, zone)

    def end(self, zone: ZoneInfo) -> datetime:
        """The instant the month ends on the runner's clock (the next one's start)."""
        return self.next().start(zone)

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def label(self) -> str:
        return self.first_day.strftime("%B %Y")


@dataclass(frozen=True)
class MonthData:
    """Everything a report reads, as the peers gave it."""

    runner_id: str
    month: Month
    profile: Profile
    runs: list[Run]
    # ``GET /stats?period=month`` from the same month a year before to this one.
    monthly_totals: list[MonthTotals]
    efforts_in_month: list[BestEffort]
    efforts_before: list[BestEffort]
    recent_efforts: list[BestEffort]
    upcoming_races: list[Race]
    # None: the plans service could not tell (absent or down).
    plans: list[Plan] | None
    # The day the report is built, on the runner's clock.
    as_of: date


class Totals(BaseModel):
    """Totals over the runs of a month."""

    runs: int
    distance_m: float
    moving_time_s: int
    elevation_gain_m: float


class Comparison(BaseModel):
    """The month against another: the one before it, or the same month a year earlier."""

    kind: Literal["previous_month", "last_year"]
    month: str = Field(description="The other month, YYYY-MM.")
    totals: Totals = Field(description="The other month's totals.")
    distance_change_m: float = Field(description="This month's distance minus the other's.")
    distance_change_pct: float | None = Field(
        description="The change in percent of the other month's distance; null when the "
        "other month had no distance to compare with."
    )
    moving_time_change_s: int
    runs_change: int


class RunHighlight(BaseModel):
    """One run of the month that stood out: the longest, or the fastest pace over 3 km or
    more."""

    run_id: int
    name: str
    day: date = Field(description="The day it started, on the runner's clock.")
    distance_m: float
    moving_time_s: int
    pace_s_per_km: float


class EffortSet(BaseModel):
    """A best effort of the month that beat every earlier one at its distance."""

    distance: str = Field(description="The standard distance: 1k, 5k, 10k, half, marathon.")
    distance_m: float
    elapsed_time_s: int
    run_id: int
    day: date
    previous_best_s: int | None = Field(
        description="The best before the month; null when this is the first effort at the "
        "distance."
    )

    @property
    def first(self) -> bool:
        return self.previous_best_s is None


class WeekDistance(BaseModel):
    """A Monday-to-Sunday week's distance, counting only the month's days (the weeks add up
    to the month)."""

    week_start: date = Field(description="The week's Monday (it may be in the month before).")
    first_day: date = Field(description="The week's first day in the month.")
    last_day: date = Field(description="The week's last day in the month.")
    runs: int
    distance_m: float


class PlanAdherence(BaseModel):
    """How the month went against the runner's training plan: its workouts dated in the
    month, rest days aside."""

    plan_id: int
    name: str | None
    planned: int = Field(description="Workouts dated in the month.")
    done: int = Field(description="Workouts past and matched by a run.")
    missed: int = Field(description="Workouts past and not matched by a run.")
    share: float | None = Field(
        description="done / (done + missed); null when no workout of the month is past yet."
    )


class Prediction(BaseModel):
    """A race time predicted with Riegel's formula from the prediction basis."""

    distance: str = Field(description="5k, 10k, half or marathon.")
    distance_m: float
    time_s: int


class PredictionBasis(BaseModel):
    """The effort the predictions come from: among the best efforts of 5 km or more in the
    8 weeks ending with the month, the one that predicts the fastest 10 km."""

    distance: str
    distance_m: float
    elapsed_time_s: int
    run_id: int
    day: date


class RaceCountdown(BaseModel):
    """The first race the runner entered on or after the as_of day."""

    race_id: int
    name: str
    date: date
    distance_m: float
    days_to_go: int = Field(description="Days from the report's as_of day to the race.")
    predicted_time_s: int | None = Field(
        description="Riegel's prediction for the race's distance; null without a basis."
    )


class ReportContent(BaseModel):
    """What a monthly report says. Every figure is in SI units (metres, seconds); ``units``
    is how the runner reads them. A run belongs to the month of its start on the runner's
    clock (``time_zone``)."""

    version: int = Field(default=CONTENT_VERSION, description="The shape's version.")
    runner_id: str
    display_name: str | None
    month: str = Field(description="YYYY-MM.")
    time_zone: str = Field(description="The runner's IANA time zone when it was built.")
    units: Literal["km", "mi"]
    as_of: date = Field(description="The day it was built, on the runner's clock.")
    has_runs: bool
    totals: Totals
    comparisons: list[Comparison] = Field(description="The month before, then a year before.")
    longest_run: RunHighlight | None
    fastest_run: RunHighlight | None = Field(description="The fastest pace over 3 km or more.")
    best_efforts: list[EffortSet]
    weeks: list[WeekDistance]
    plan: PlanAdherence | None = Field(
        description="The plan with the most workouts in the month; null when none has any "
        "(or the plans service could not tell)."
    )
    next_race: RaceCountdown | None
    prediction_basis: PredictionBasis | None
    predictions: list[Prediction]


def riegel(time_s: float, distance_m: float, target_m: float) -> float:
    return float(time_s * (target_m / distance_m) ** RIEGEL_EXPONENT)


def build_content(data: MonthData) -> ReportContent:
    zone = ZoneInfo(data.profile.time_zone)
    month = data.month
    runs = sorted(
        (run for run in data.runs if month.contains(_day(run.started_at, zone))),
        key=lambda run: (run.started_at, run.id),
    )
    totals = _totals(runs)
    basis = _prediction_basis(data.recent_efforts, zone)
    return ReportContent(
        runner_id=data.runner_id,
        display_name=data.profile.display_name,
        month=str(month),
        time_zone=data.profile.time_zone,
        units=data.profile.units,
        as_of=data.as_of,
        has_runs=bool(runs),
        totals=totals,
        comparisons=[
            _compare("previous_month", month.previous(), totals, data.monthly_totals),
            _compare("last_year", month.shifted(-12), totals, data.monthly_totals),
        ],
        longest_run=_highlight(max(runs, key=lambda run: run.distance_m), zone)
        if runs
        else None,
        fastest_run=_fastest(runs, zone),
        best_efforts=_efforts_set(data.efforts_in_month, data.efforts_before, zone),
        weeks=_weeks(month, runs, zone),
        plan=_adherence(month, data.plans),
        next_race=_next_race(data.upcoming_races, data.as_of, basis),
        prediction_basis=basis,
        predictions=[
            Prediction(
                distance=name,
                distance_m=target,
                time_s=round(riegel(basis.elapsed_time_s, basis.distance_m, target)),
            )
            for name, target in PREDICTION_TARGETS
        ]
        if basis
        else [],
    )


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _totals(runs: list[Run]) -> Totals:
    return Totals(
        runs=len(runs),
        distance_m=round(sum(run.distance_m for run in runs), 1),
        moving_time_s=sum(run.moving_time_s for run in runs),
        elevation_gain_m=round(sum(run.elevation_gain_m or 0.0 for run in runs), 1),
    )


def _compare(
    kind: Literal["previous_month", "last_year"],
    other: Month,
    totals: Totals,
    buckets: list[MonthTotals],
) -> Comparison:
    bucket = next((b for b in buckets if b.start == other.first_day), None)
    then = (
        Totals(
            runs=bucket.runs,
            distance_m=round(bucket.distance_m, 1),
            moving_time_s=bucket.moving_time_s,
            elevation_gain_m=round(bucket.elevation_gain_m, 1),
        )
        if bucket
        else Totals(runs=0, distance_m=0.0, moving_time_s=0, elevation_gain_m=0.0)
    )
    change = round(totals.distance_m - then.distance_m, 1)
    return Comparison(
        kind=kind,
        month=str(other),
        totals=then,
        distance_change_m=change,
        distance_change_pct=round(100 * change / then.distance_m, 1)
        if then.distance_m > 0
        else None,
        moving_time_change_s=totals.moving_time_s - then.moving_time_s,
        runs_change=totals.runs - then.runs,
    )


def _highlight(run: Run, zone: ZoneInfo) -> RunHighlight:
    return RunHighlight(
        run_id=run.id,
        name=run.name,
        day=_day(run.started_at, zone),
        distance_m=run.distance_m,
        moving_time_s=run.moving_time_s,
        pace_s_per_km=round(run.moving_time_s / (run.distance_m / 1000), 1),
    )


def _fastest(runs: list[Run], zone: ZoneInfo) -> RunHighlight | None:
    eligible = [r for r in runs if r.distance_m >= FASTEST_PACE_MIN_M and r.moving_time_s > 0]
    if not eligible:
        return None
    return _highlight(min(eligible, key=lambda r: r.moving_time_s / r.distance_m), zone)


def _efforts_set(
    in_month: list[BestEffort], before: list[BestEffort], zone: ZoneInfo
) -> list[EffortSet]:
    earlier = {effort.distance: effort.elapsed_time_s for effort in before}
    set_now = []
    for effort in sorted(in_month, key=lambda e: e.distance_m):
        previous = earlier.get(effort.distance)
        if previous is None or effort.elapsed_time_s < previous:
            set_now.append(
                EffortSet(
                    distance=effort.distance,
                    distance_m=effort.distance_m,
                    elapsed_time_s=effort.elapsed_time_s,
                    run_id=effort.run_id,
                    day=_day(effort.started_at, zone),
                    previous_best_s=previous,
                )
            )
    return set_now


def _weeks(month: Month, runs: list[Run], zone: ZoneInfo) -> list[WeekDistance]:
    weeks: list[WeekDistance] = []
    monday = month.first_day - timedelta(days=month.first_day.weekday())
    while monday <= month.last_day:
        first = max(monday, month.first_day)
        last = min(monday + timedelta(days=6), month.last_day)
        in_week = [r for r in runs if first <= _day(r.started_at, zone) <= last]
        weeks.append(
            WeekDistance(
                week_start=monday,
                first_day=first,
                last_day=last,
                runs=len(in_week),
                distance_m=round(sum(r.distance_m for r in in_week), 1),
            )
        )
        monday += timedelta(days=7)
    return weeks


def _adherence(month: Month, plans: list[Plan] | None) -> PlanAdherence | None:
    best: PlanAdherence | None = None
    for plan in plans or []:
        workouts = [w for w in plan.workouts if month.contains(w.date) and w.kind != "rest"]
        if not workouts:
            continue
        done = sum(w.status == "done" for w in workouts)
        missed = sum(w.status == "missed" for w in workouts)
        adherence = PlanAdherence(
            plan_id=plan.id,
            name=plan.name,
            planned=len(workouts),
            done=done,
            missed=missed,
            share=round(done / (done + missed), 3) if done + missed else None,
        )
        if best is None or adherence.planned > best.planned:
            best = adherence
    return best


def _prediction_basis(efforts: list[BestEffort], zone: ZoneInfo) -> PredictionBasis | None:
    eligible = [e for e in efforts if e.distance_m >= PREDICTION_MIN_M and e.elapsed_time_s > 0]
    if not eligible:
        return None
    best = min(eligible, key=lambda e: riegel(e.elapsed_time_s, e.distance_m, 10000.0))
    return PredictionBasis(
        distance=best.distance,
        distance_m=best.distance_m,
        elapsed_time_s=best.elapsed_time_s,
        run_id=best.run_id,
        day=_day(best.started_at, zone),
    )


def _next_race(
    races: list[Race], as_of: date, basis: PredictionBasis | None
) -> RaceCountdown | None:
    entered = sorted((r for r in races if r.entered and r.date >= as_of), key=lambda r: r.date)
    if not entered:
        return None
    race = entered[0]
    return RaceCountdown(
        race_id=race.id,
        name=race.name,
        date=race.date,
        distance_m=race.distance_m,
        days_to_go=(race.date - as_of).days,
        predicted_time_s=round(riegel(basis.elapsed_time_s, basis.distance_m, race.distance_m))
        if basis
        else None,
    )


def today_in(zone_name: str, now: datetime) -> date:
    """The day ``now`` (aware) is on the runner's clock."""
    return now.astimezone(ZoneInfo(zone_name)).date()
