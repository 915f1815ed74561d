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

from runnerly_kit.i18n import language_or_default
from runnerly_reports.peers import BestEffort, MonthTotals, Plan, Profile, Race, Run
from runnerly_reports.reports.percent import whole_percent
from runnerly_reports.reports.schemas import (
    Comparison,
    EffortSet,
    PlanAdherence,
    Prediction,
    PredictionBasis,
    RaceCountdown,
    ReportContent,
    RunHighlight,
    Totals,
    WeekDistance,
)

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
        language=language_or_default(data.profile.language),
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
        distance_change_pct=whole_percent(change, then.distance_m)
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
