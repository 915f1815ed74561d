"""Plan generation: from today, a race and a runner's fitness and recent volume, the dated
workouts that take them from next Monday to race day. Pure: no I/O, the day is an input.

The rules, their figures and their sources (Daniels, Pfitzinger, Hansons, Higdon) are in
the service's README; in short:

- **Weeks and phases.** Next Monday to race day, a minimum of full weeks by distance; base,
  build (a third), peak (a quarter) and the taper: 3 weeks for the marathon and beyond, 2
  for the half, 7 to 12 days for 5-10 km, race week included.
- **Volume.** Week 1 is the mean of the runner's last four weeks (at least 3 km a training
  day and 9 km); no week rises more than 10 % over the week before it (strictly, so the
  week after a lighter week rises from the lighter week); every 4th week is 10 % lighter
  with one quality session fewer. The volume builds to a target for the distance, the days
  and the level (VDOT), or holds a runner already above it where they are; the taper cuts
  it progressively. Week volumes count the training, not the race, in whole 100 m; a week
  that loses days to the race keeps the share of its volume the days left can hold.
- **Days.** Training days spread around the long-run day (the day before it is rest up to 6
  days a week); the day after the long run is a recovery run; quality days are never next
  to the long run. No run is longer than its week's long run and no quality session
  longer than its own cap: a week the days cannot hold that way is held lower, and said.
- **Workouts specific to the race.** Marathon-pace runs and long runs with a marathon-pace
  finish for the marathon; race-pace repetitions for 5 km to the half; hills in base for
  the short races; strides in base, build and race week; tempo and intervals around them.
- **Long run.** A share of the week by days (larger for few days), growing from base to
  peak; capped by distance and at 3 hours of easy running; a minimum by distance, and a
  remark saying why when the days or the volume cannot reach it. The marathon at 5 days a
  week and more keeps to Daniels' share (25 % of the week, 30 % up to 64 km) and 150
  minutes, beyond his share only towards the published plans' 18 mi in build and peak;
  every other week of build and peak its long run finishes at marathon pace.
- **Goal.** A goal beyond current fitness is remarked, and the runner's ``goal_mode``
  decides what the plan aims at: the predicted time, or the goal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from runnerly_plans.fitness.paces import PaceRange, TrainingPaces, race_pace, training_paces
from runnerly_plans.fitness.vdot import predict_time, vdot_from_race
from runnerly_plans.plans import units

Phase = Literal["base", "build", "peak", "taper"]
WorkoutKind = Literal[
    "easy", "long", "tempo", "intervals", "recovery", "race", "marathon_pace", "race_pace",
    "hills", "strides",
]
GoalMode = Literal["predicted", "keep_goal"]
QUALITY_KINDS = frozenset({"tempo", "intervals", "marathon_pace", "race_pace", "hills"})
RefusalReason = Literal["race_in_past", "race_too_close", "race_too_far", "distance_out_of_range"]

UNIT_M = 100  # volumes and workout distances are whole multiples of this
# A runner with no history starts from 3 km a training day, 9 km a week at the least (a
# novice plan's first week: three runs of 2-3 km).
MIN_START_M, MIN_START_PER_DAY_M = 9000.0, 3000.0
MAX_WEEKLY_RISE = 0.10
CUTBACK_EVERY = 4
CUTBACK_FACTOR = 0.9
MAX_DAYS_AHEAD = 365
MIN_DISTANCE_M = 1000.0
MAX_DISTANCE_M = 100_000.0
# Daniels: the long run at most 25-30 % of the week; fewer days leave fewer runs to share
# the week, so a 3-day runner's long run takes more of it (Higdon's novice plans: two
# short runs and one long). The marathon's long run takes 2 points more: it matters most.
MAX_LONG_RUN_SHARE = 0.45
LONG_RUN_SHARE = {3: 0.45, 4: 0.40, 5: 0.30, 6: 0.28, 7: 0.26}
MARATHON_LONG_RUN_BONUS = 0.02
# Daniels, *Daniels' Running Formula* (3rd ed.): the long run the lesser of 25 % of the
# week and 150 minutes for runners of 40 mi (64 km) a week or more, 30 % below them: so no
# less than 30 % of 64 km for a runner above it. Applied to the marathon at 5 days a week and
# more (fewer days keep the days' share above).
DANIELS_LONG_RUN_SHARE, DANIELS_LOW_VOLUME_SHARE = 0.25, 0.30
DANIELS_MODERATE_M = 64_000
MARATHON_LONG_RUN_MAX_MINUTES = 150.0
# The long run grows through the plan: this much less of the week in base, half of it in
# build, the full share in peak.
LONG_RUN_SHARE_BASE_LESS = 0.04
# No run over about 3 hours (Daniels and Hansons both stop the long run there).
LONG_RUN_MAX_MINUTES = 180.0
# A goal faster than current fitness predicts by more than this is remarked on.
GOAL_MARGIN = 0.02
# The share of a marathon long run run at marathon pace at its end (Pfitzinger's
# "with x mi at marathon pace"), and the most of it.
MP_FINISH_SHARE, MP_FINISH_MAX_M = 0.35, 13_000
# Training days as offsets from the long-run day (0): spread out, rest before the long run.
DAY_PATTERNS = {
    3: (0, 2, 4),
    4: (0, 2, 3, 5),
    5: (0, 1, 2, 4, 5),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
# Relative share of the non-long volume each kind of day takes.
DAY_WEIGHTS = {
    "easy": 1.0, "recovery": 0.75, "tempo": 1.15, "intervals": 1.15, "marathon_pace": 1.3,
    "race_pace": 1.1, "hills": 1.0, "strides": 1.0,
}
# The longest each quality session may be, warm-up and cool-down included, whatever the
# week: Pfitzinger's VO2max sessions run 8-10 mi in all, his lactate-threshold runs up to
# 12 mi, his marathon-pace runs up to 16 mi; hills and race-pace repetitions as intervals.
QUALITY_MAX_M = {
    "intervals": 16_000, "race_pace": 16_000, "hills": 16_000, "tempo": 19_000,
    "marathon_pace": 26_000,
}
# Share of a quality run at its target pace, and the share of the week it may take
# (Daniels: threshold running up to 10 % of the week, interval running up to 8 %).
TEMPO_MAIN_SHARE, TEMPO_WEEK_CAP = 0.6, 0.10
INTERVAL_MAIN_SHARE, INTERVAL_WEEK_CAP = 0.5, 0.08
# Marathon-pace runs: up to 70 % of the run and 16 km (Pfitzinger's 8-12 mi, Hansons'
# 6-10 mi); race-pace repetitions for 5 km to the half: half the run, in 1 km to 3 km reps.
MP_MAIN_SHARE, MP_MAIN_MAX_M = 0.7, 16_000
RACE_PACE_MAIN_SHARE = 0.5
# A runner gains about a VDOT point a month of training; beyond that a goal is a wish.
VDOT_GAIN_PER_WEEK = 0.25
MAX_VDOT_GAIN = 6.0
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DistanceRules:
    name: str
    min_full_weeks: int
    plateau_km: float  # weekly volume a plan builds to at 5 days a week and VDOT 45
    long_run_cap_km: float
    long_run_min_km: float  # the longest run a plan for the distance should reach

    def taper_weeks(self, race_date: date) -> int:
        """Taper weeks, race week included: 3 for the marathon and beyond, 2 for the half,
        7 to 12 days for 5 km to 10 km (the race week, and the week before it when the
        race falls early in its week)."""
        if self.name in ("marathon", "ultra"):
            return 3
        if self.name == "half":
            return 2
        return 1 if race_date.weekday() >= 5 else 2


DISTANCES = (
    (10_000.0, DistanceRules("5k", 2, 40, 14, 6)),
    (21_000.0, DistanceRules("10k", 3, 50, 18, 8)),
    (42_000.0, DistanceRules("half", 4, 60, 22, 16)),
    (43_000.0, DistanceRules("marathon", 6, 75, 35, 29)),
    (math.inf, DistanceRules("ultra", 8, 85, 38, 30)),
)
# Each taper week's volume as a share of the last training week: cut progressively.
TAPER_FRACTIONS = {1: (0.6,), 2: (0.75, 0.5), 3: (0.8, 0.6, 0.4)}
# Weekly volume by level: a faster runner trains more (2.5 % a VDOT point from 45).
LEVEL_SLOPE, LEVEL_MIN, LEVEL_MAX = 0.025, 0.75, 1.35


@dataclass(frozen=True)
class Remark:
    """A remark on a plan: a stable ``code`` for a machine, a ``text`` for the runner."""

    code: str
    text: str


class PlanRefused(Exception):
    """No plan can be made for this race: ``reason`` says why, for a machine and a person."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class PlanRequest:
    today: date
    race_date: date
    distance_m: float
    days_per_week: int
    long_run_day: int  # 0 is Monday
    vdot: float
    # Distance of the runner's last complete weeks, oldest first.
    recent_weekly_m: Sequence[float] = ()
    goal_time_s: float | None = None
    # The plan's first Monday; the Monday after ``today`` unless rebuilding a plan.
    start: date | None = None
    first_week_index: int = 0
    # Full weeks needed before race week; the distance's minimum unless rebuilding a plan
    # already under way, which may keep fewer.
    min_full_weeks: int | None = None
    # With a goal beyond current fitness: aim at the predicted time, or keep the goal.
    goal_mode: GoalMode = "predicted"


@dataclass(frozen=True)
class PlannedWorkout:
    date: date
    week_index: int
    kind: WorkoutKind
    distance_m: int
    duration_s: int
    pace: PaceRange
    description: str
    main_m: int | None = None


@dataclass(frozen=True)
class PlannedWeek:
    index: int
    start: date
    phase: Phase
    # Training volume: the workouts' distance, the race excluded.
    distance_m: int
    cutback: bool
    workouts: list[PlannedWorkout] = field(default_factory=list)


@dataclass(frozen=True)
class GeneratedPlan:
    start: date
    race_date: date
    distance_m: float
    vdot: float
    target_time_s: float
    weeks: list[PlannedWeek]
    warnings: list[Remark]

    @property
    def workouts(self) -> list[PlannedWorkout]:
        return [workout for week in self.weeks for workout in week.workouts]


def rules_for(distance_m: float) -> DistanceRules:
    for upper, rules in DISTANCES:
        if distance_m < upper:
            return rules
    raise AssertionError("unreachable")  # pragma: no cover


def next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def training_days(days_per_week: int, long_run_day: int) -> list[int]:
    """The weekdays (0 is Monday) a runner of ``days_per_week`` trains on."""
    return sorted((long_run_day + offset) % 7 for offset in DAY_PATTERNS[days_per_week])


def check_dates(request: PlanRequest) -> tuple[date, int]:
    """The plan's start and its number of weeks, or the reason there can be no plan."""
    if not MIN_DISTANCE_M <= request.distance_m <= MAX_DISTANCE_M:
        raise PlanRefused(
            "distance_out_of_range",
            f"Plans are made for races of {units.race(MIN_DISTANCE_M)} to "
            f"{units.race(MAX_DISTANCE_M)}.",
        )
    if request.race_date < request.today:
        raise PlanRefused("race_in_past", f"The race date {request.race_date} is in the past.")
    if (request.race_date - request.today).days > MAX_DAYS_AHEAD:
        raise PlanRefused(
            "race_too_far",
            f"The race is more than a year away ({request.race_date}); fitness read today "
            "says nothing about it. Make a plan within a year of the race.",
        )
    start = request.start or next_monday(request.today)
    full_weeks = max(0, (request.race_date - start).days // 7)
    rules = rules_for(request.distance_m)
    minimum = rules.min_full_weeks if request.min_full_weeks is None else request.min_full_weeks
    if request.race_date < start or full_weeks < minimum:
        raise PlanRefused(
            "race_too_close",
            f"A {rules.name} race needs at least {minimum} full weeks of "
            f"training from {start} (a Monday) before race week; {request.race_date} "
            "is too close to train for.",
        )
    return start, full_weeks + 1


def phases_for(weeks: int, taper: int) -> list[Phase]:
    training = weeks - taper
    if training <= 2:
        base, build = 0, min(1, training)
    else:
        peak = max(1, round(0.25 * training))
        build = max(1, round(0.35 * training))
        base = training - peak - build
    peak_weeks = training - base - build
    counts: tuple[tuple[Phase, int], ...] = (
        ("base", base), ("build", build), ("peak", peak_weeks), ("taper", taper)
    )
    return [phase for phase, count in counts for _ in range(count)]


def _units(meters: float) -> int:
    return int(meters // UNIT_M)


def target_volume_m(rules: DistanceRules, days_per_week: int, vdot: float) -> float:
    """The weekly volume a plan for ``rules``' distance builds to, for a runner training
    ``days_per_week`` days at ``vdot``."""
    days_factor = min(1.2, max(0.7, days_per_week / 5))
    level = min(LEVEL_MAX, max(LEVEL_MIN, 1 + LEVEL_SLOPE * (vdot - 45)))
    return rules.plateau_km * 1000 * days_factor * level


def lighter_weeks(phases: Sequence[Phase]) -> list[bool]:
    """Whether each week is a lighter one: every 4th training week but the last."""
    training = [phase for phase in phases if phase != "taper"]
    return [
        (week + 1) % CUTBACK_EVERY == 0 and week < len(training) - 1 if phase != "taper"
        else False
        for week, phase in enumerate(phases)
    ]


def weekly_volumes(
    request: PlanRequest, phases: Sequence[Phase], rules: DistanceRules,
    ceiling_m: int | None = None,
) -> tuple[list[int], list[bool]]:
    """Each week's training volume in metres, and whether it is a lighter week; no
    training week above ``ceiling_m`` (what the runner's days can hold)."""
    recent = [max(0.0, week) for week in request.recent_weekly_m][-4:]
    recent_mean = sum(recent) / len(recent) if recent else 0.0
    floor = max(MIN_START_M, MIN_START_PER_DAY_M * request.days_per_week)
    first = _units(max(recent_mean, floor))
    wanted = max(first, _units(target_volume_m(rules, request.days_per_week, request.vdot)))
    ceiling = wanted if ceiling_m is None else _units(ceiling_m)
    first = min(first, ceiling)
    # A runner already above the target is held where they are, never brought down (but
    # by what their days can hold: then the plan says so).
    plateau = min(wanted, ceiling)
    training = [phase for phase in phases if phase != "taper"]
    volumes: list[int] = []
    cutbacks: list[bool] = []
    for week, cutback in enumerate(lighter_weeks(training)):
        if week == 0:
            volume = first
        elif cutback:
            volume = math.floor(volumes[-1] * CUTBACK_FACTOR)
        else:
            volume = min(plateau, math.floor(volumes[-1] * (1 + MAX_WEEKLY_RISE)))
        volumes.append(volume)
        cutbacks.append(cutback)
    taper = len(phases) - len(training)
    last = volumes[-1] if volumes else first
    for fraction in TAPER_FRACTIONS[taper]:
        volumes.append(min(math.floor(last * fraction), (volumes[-1] if volumes else last) - 1))
        cutbacks.append(False)
    return [units * UNIT_M for units in volumes], cutbacks


def _split(total_m: int, weights: Sequence[float]) -> list[int]:
    """``total_m`` shared by ``weights`` in whole units, summing exactly (largest remainder)."""
    units = total_m // UNIT_M
    if not weights or units <= 0:
        return [0] * len(weights)
    scale = sum(weights)
    exact = [units * weight / scale for weight in weights]
    shares = [math.floor(value) for value in exact]
    leftovers = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in leftovers[: units - sum(shares)]:
        shares[i] += 1
    return [share * UNIT_M for share in shares]


def _split_capped(total_m: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """``total_m`` shared by ``weights`` as ``_split`` does, no share above its cap: a day
    at its cap gives its surplus to the others, and what no day can take is left out."""
    shares = [0] * len(weights)
    free = list(range(len(weights)))
    remaining = total_m
    while free:
        split = _split(remaining, [weights[i] for i in free])
        over = [i for i, share in zip(free, split, strict=True) if share > caps[i]]
        if not over:
            for i, share in zip(free, split, strict=True):
                shares[i] = share
            break
        for i in over:
            shares[i] = caps[i]
            remaining -= caps[i]
            free.remove(i)
    return shares


def _day_cap_m(kind: WorkoutKind, long_m: int) -> int:
    """The longest a day of ``kind`` may be in a week whose long run is ``long_m``: never
    longer than the long run, a quality session no longer than its own cap."""
    return min(long_m, QUALITY_MAX_M.get(kind, long_m))


def days_capacity_m(days: Sequence[_Day], long_ceiling_m: int) -> int:
    """The most a week of ``days`` holds with its long run at its ceiling and no other run
    longer than it."""
    return sum(
        long_ceiling_m if day.kind == "long" else _day_cap_m(day.kind, long_ceiling_m)
        for day in days
    )


@dataclass(frozen=True)
class _Day:
    day: date
    kind: WorkoutKind


def _week_days(
    request: PlanRequest, week_start: date, phase: Phase, week_index: int,
    rules: DistanceRules, cutback: bool, last_of_phase: bool = False,
) -> list[_Day]:
    """The week's training days with what each one is, before distances are given."""
    race_week = week_start <= request.race_date < week_start + timedelta(days=7)
    days = []
    offsets = DAY_PATTERNS[request.days_per_week]
    for offset in offsets:
        weekday = (request.long_run_day + offset) % 7
        day = week_start + timedelta(days=weekday)
        if day >= request.race_date - timedelta(days=1):
            continue  # the day before the race is rest (whatever week it falls in)
        days.append((offset, day))
    if race_week:
        # Intensity kept to the end: the first run of race week touches race pace.
        ordered = sorted(days, key=lambda item: item[1])
        return [
            _Day(day, "strides" if position == 0 and len(ordered) > 1 else "easy")
            for position, (_, day) in enumerate(ordered)
        ]
    quality_count = {
        "base": 1 if request.days_per_week >= 5 else 0,
        "build": 1 if request.days_per_week <= 4 else 2,
        "peak": 1 if request.days_per_week <= 4 else 2,
        "taper": 1,
    }[phase] - (1 if cutback else 0)
    candidates = [offset for offset, _ in days if offset not in (0, 1, 6)]
    quality: list[int] = []
    for offset in candidates:
        if len(quality) < quality_count and all(abs(offset - q) >= 2 for q in quality):
            quality.append(offset)
    kinds: dict[int, WorkoutKind] = {}
    for position, offset in enumerate(quality):
        kinds[offset] = _quality_kind(phase, rules, week_index, position, len(quality),
                                      last_of_phase)
    strides_given = phase not in ("base", "build")
    result = []
    for offset, day in days:
        if offset == 0:
            kind: WorkoutKind = "long"
        elif offset in kinds:
            kind = kinds[offset]
        elif offset == 1:
            kind = "recovery"
        elif not strides_given:
            # Base and build keep leg speed with strides once a week (Daniels' "strides",
            # Pfitzinger's "general aerobic + speed").
            kind, strides_given = "strides", True
        else:
            kind = "easy"
        result.append(_Day(day, kind))
    return sorted(result, key=lambda item: item.day)


def _quality_kind(
    phase: Phase, rules: DistanceRules, week_index: int, position: int, count: int,
    last_of_phase: bool = False,
) -> WorkoutKind:
    """The quality session of a phase, specific to the race: marathon-pace runs for the
    marathon and beyond, race-pace repetitions for 5 km to the half, hills in base for the
    short races."""
    long_race = rules.name in ("marathon", "ultra")
    short_race = rules.name in ("5k", "10k")
    specific: WorkoutKind = "marathon_pace" if long_race else "race_pace"
    if phase == "base":
        return "hills" if short_race else "tempo"
    if phase == "taper":
        return specific
    if count == 2:
        first: WorkoutKind = "intervals" if short_race or phase == "build" else "tempo"
        if long_race:
            first = "tempo"
        second: WorkoutKind = specific if phase == "peak" or long_race else "tempo"
        return first if position == 0 else second
    if long_race:
        # Apart from the weeks whose long run finishes at marathon pace (even weeks).
        return "marathon_pace" if week_index % 2 == 1 else "tempo"
    if phase == "peak":
        # The last peak week is always race-specific: a short plan may have only it.
        if week_index % 2 == 0 or last_of_phase:
            return "race_pace"
        return "intervals" if short_race else "tempo"
    return "intervals" if week_index % 2 == 0 else "tempo"


@dataclass(frozen=True)
class _Targets:
    """What a plan's specific work is run at: the race pace and marathon pace it aims at."""

    paces: TrainingPaces
    race_pace_s_per_km: float
    marathon_pace: PaceRange


def _describe(
    kind: WorkoutKind, distance_m: int, week_m: int, targets: _Targets, mp_finish: bool
) -> tuple[str, int, int | None]:
    """A workout's description, duration in seconds, and the metres of it run at its
    pace (a quality session's main part; none for easy days)."""
    paces = targets.paces
    km = distance_m / 1000
    easy = paces.easy.middle_s_per_km
    if kind == "tempo":
        main = min(distance_m * TEMPO_MAIN_SHARE, week_m * TEMPO_WEEK_CAP)
        main_m = max(UNIT_M, math.floor(main / UNIT_M) * UNIT_M)
        rest_km = (distance_m - main_m) / 1000
        duration = main_m / 1000 * paces.threshold.middle_s_per_km + rest_km * easy
        return (
            f"{units.d((distance_m - main_m) / 2)} easy, {units.d(main_m)} at threshold pace "
            f"({_pace_text(paces.threshold)}), {units.d((distance_m - main_m) / 2)} easy",
            round(duration), main_m,
        )
    if kind == "intervals":
        main = min(distance_m * INTERVAL_MAIN_SHARE, week_m * INTERVAL_WEEK_CAP)
        rep = 1000 if main >= 4000 else 800 if main >= 2400 else 400
        reps = max(2, round(main / rep))
        main_m = min(distance_m, reps * rep)
        rest_km = (distance_m - main_m) / 1000
        duration = main_m / 1000 * paces.interval.middle_s_per_km + rest_km * easy
        return (
            f"Warm up, {reps} x {rep} m at interval pace ({_pace_text(paces.interval)}) "
            "with an easy jog as long as each rep between them, cool down; "
            f"{units.d(distance_m)} in all",
            round(duration), main_m,
        )
    if kind == "marathon_pace":
        mp = targets.marathon_pace
        main_m = _whole(min(distance_m * MP_MAIN_SHARE, MP_MAIN_MAX_M))
        rest_km = (distance_m - main_m) / 1000
        duration = main_m / 1000 * mp.middle_s_per_km + rest_km * easy
        return (
            f"{units.d((distance_m - main_m) / 2)} easy, {units.d(main_m)} at marathon pace "
            f"({_pace_text(mp)}), {units.d((distance_m - main_m) / 2)} easy",
            round(duration), main_m,
        )
    if kind == "race_pace":
        goal_pace = targets.race_pace_s_per_km
        main = distance_m * RACE_PACE_MAIN_SHARE
        rep = 3000 if main >= 9000 else 2000 if main >= 5000 else 1000
        reps = max(2, round(main / rep))
        main_m = min(distance_m, reps * rep)
        rest_km = (distance_m - main_m) / 1000
        duration = main_m / 1000 * goal_pace + rest_km * easy
        return (
            f"Warm up, {reps} x {rep} m at goal race pace ({units.pace(goal_pace)}) with a short "
            f"easy jog between them, cool down; {units.d(distance_m)} in all",
            round(duration), main_m,
        )
    if kind == "hills":
        return (
            f"{units.d(distance_m)} easy with 6-10 x 60-90 s uphill at a hard, controlled "
            f"effort, jogging back down ({_pace_text(paces.easy)} on the flat)",
            round(km * easy), None,
        )
    if kind == "strides":
        return (
            f"{units.d(distance_m)} easy ({_pace_text(paces.easy)}), then 6 x 20 s strides: "
            "quick and relaxed, a full recovery between them",
            round(km * easy), None,
        )
    if kind == "long" and mp_finish:
        mp = targets.marathon_pace
        finish_m = _whole(min(distance_m * MP_FINISH_SHARE, MP_FINISH_MAX_M))
        duration = (distance_m - finish_m) / 1000 * easy + finish_m / 1000 * mp.middle_s_per_km
        return (
            f"Long run: {units.d(distance_m)}, the first {units.d(distance_m - finish_m)} "
            f"easy ({_pace_text(paces.easy)}), the last {units.d(finish_m)} at marathon pace "
            f"({_pace_text(mp)})",
            round(duration), None,
        )
    pace = {"easy": paces.easy, "long": paces.easy, "recovery": paces.recovery}[kind]
    text = {
        "easy": f"{units.d(distance_m)} easy",
        "long": f"Long run: {units.d(distance_m)} at an easy, conversational pace",
        "recovery": f"{units.d(distance_m)} recovery: slower than easy",
    }[kind]
    return f"{text} ({_pace_text(pace)})", round(km * pace.middle_s_per_km), None


def _whole(meters: float) -> int:
    return max(UNIT_M, math.floor(meters / UNIT_M) * UNIT_M)


def _pace_text(pace: PaceRange) -> str:
    return units.pace(pace.slow_s_per_km, pace.fast_s_per_km)


def _pace_for(kind: WorkoutKind, targets: _Targets) -> PaceRange:
    paces = targets.paces
    if kind == "race_pace":
        pace = targets.race_pace_s_per_km
        return PaceRange(pace * 1.01, pace * 0.99)
    return {
        "easy": paces.easy,
        "long": paces.easy,
        "recovery": paces.recovery,
        "strides": paces.easy,
        "hills": paces.easy,
        "tempo": paces.threshold,
        "intervals": paces.interval,
        "marathon_pace": targets.marathon_pace,
    }[kind]


def long_run_share(days_per_week: int, phase: Phase, rules: DistanceRules) -> float:
    share = LONG_RUN_SHARE[days_per_week]
    if rules.name in ("marathon", "ultra"):
        share = min(MAX_LONG_RUN_SHARE, share + MARATHON_LONG_RUN_BONUS)
    return share - _growth_less(phase)


def _growth_less(phase: Phase) -> float:
    less = {"base": LONG_RUN_SHARE_BASE_LESS, "build": LONG_RUN_SHARE_BASE_LESS / 2}
    return less.get(phase, 0.0)


def daniels_long_run_m(volume_m: float, phase: Phase) -> float:
    """Daniels' long run for a week of ``volume_m``: 25 % of it, and 30 % of it up to 64 km
    (40 mi) at the least, growing through the plan as every long run does."""
    return max(
        (DANIELS_LONG_RUN_SHARE - _growth_less(phase)) * volume_m,
        (DANIELS_LOW_VOLUME_SHARE - _growth_less(phase)) * min(volume_m, DANIELS_MODERATE_M),
    )


def long_run_ceiling_m(rules: DistanceRules, paces: TrainingPaces) -> float:
    """The longest a long run may be whatever the week: the distance's cap and 3 hours
    (150 minutes for the marathon: Daniels)."""
    minutes = MARATHON_LONG_RUN_MAX_MINUTES if rules.name == "marathon" else LONG_RUN_MAX_MINUTES
    by_time = minutes * 60 / paces.easy.middle_s_per_km * 1000
    return min(rules.long_run_cap_km * 1000, by_time)


def _long_run_limit(volume_m: int, days_per_week: int, phase: Phase, rules: DistanceRules,
                    paces: TrainingPaces) -> int:
    by_share = volume_m * long_run_share(days_per_week, phase, rules)
    if rules.name == "marathon" and days_per_week >= 5:
        # Daniels' share; beyond it, in build and peak, only towards the distance the
        # published plans' long runs reach (Pfitzinger's 20 mi, Hansons' 16 mi), and never
        # beyond the days' share.
        daniels = daniels_long_run_m(volume_m, phase)
        towards = min(by_share, rules.long_run_min_km * 1000) if phase != "base" else 0.0
        by_share = min(by_share, max(daniels, towards))
    limit = min(by_share, long_run_ceiling_m(rules, paces))
    return math.floor(limit / UNIT_M) * UNIT_M


def _week_workouts(
    request: PlanRequest, days: list[_Day], volume_m: int, week_index: int, phase: Phase,
    rules: DistanceRules, targets: _Targets, mp_finish: bool,
) -> list[PlannedWorkout]:
    long_days = [day for day in days if day.kind == "long"]
    others = [day for day in days if day.kind != "long"]
    long_m = (
        _long_run_limit(volume_m, request.days_per_week, phase, rules, targets.paces)
        if long_days else 0
    )
    if not others:
        long_m = volume_m if long_days else 0
    # No run longer than the week's long run (a week without one: than the longest a long
    # run may be); what the days cannot hold is left out, never piled on a day.
    longest_m = long_m if long_days else _whole(long_run_ceiling_m(rules, targets.paces))
    shares = _split_capped(
        volume_m - long_m, [DAY_WEIGHTS[day.kind] for day in others],
        [_day_cap_m(day.kind, longest_m) for day in others],
    )
    distances = {day.day: share for day, share in zip(others, shares, strict=True)}
    for day in long_days:
        distances[day.day] = long_m
    workouts = []
    for day in days:
        distance = distances[day.day]
        if distance <= 0:
            continue
        description, duration, main_m = _describe(
            day.kind, distance, volume_m, targets, mp_finish
        )
        workouts.append(PlannedWorkout(
            date=day.day, week_index=week_index, kind=day.kind, distance_m=distance,
            duration_s=duration, pace=_pace_for(day.kind, targets), description=description,
            main_m=main_m,
        ))
    return workouts


def _target_time(request: PlanRequest, weeks: int, warnings: list[Remark]) -> float:
    """The race time the plan aims at. Without a goal: what current fitness predicts. A
    goal within ``GOAL_MARGIN`` of the prediction, or slower, is the target. A goal faster
    than that is remarked on, with the choice: aim at the predicted time (``predicted``),
    or keep the goal (``keep_goal``) and see the gap."""
    predicted = predict_time(request.distance_m, request.vdot)
    if request.goal_time_s is None:
        return predicted
    goal = request.goal_time_s
    if goal < predicted * (1 - GOAL_MARGIN):
        goal_vdot = vdot_from_race(request.distance_m, goal)
        reachable = request.vdot + min(MAX_VDOT_GAIN, max(1.0, weeks * VDOT_GAIN_PER_WEEK))
        gap = (predicted - goal) / predicted
        out_of_reach = goal_vdot > reachable
        chance = (
            f"{weeks} weeks of training can bring it to about {reachable:.1f}, short of it"
            if out_of_reach else
            f"{weeks} weeks of training may bring it to about {reachable:.1f}"
        )
        if request.goal_mode == "keep_goal":
            warnings.append(Remark("goal_kept_beyond_fitness", (
                f"The goal of {_clock(goal)} is {gap:.0%} faster than your current fitness "
                f"predicts ({_clock(predicted)}): it asks for a VDOT of {goal_vdot:.1f}, "
                f"you are at {request.vdot:.1f}, and {chance}. The plan keeps the goal: its "
                "race-pace work is at goal pace, which will feel harder than it should. "
                "Choose the predicted time to train at what you can run today."
            )))
            _goal_pace_remark(request, goal, warnings)
            return goal
        warnings.append(Remark("goal_beyond_fitness", (
            f"The goal of {_clock(goal)} is {gap:.0%} faster than your current fitness "
            f"predicts ({_clock(predicted)}): it asks for a VDOT of {goal_vdot:.1f}, you "
            f"are at {request.vdot:.1f}, and {chance}. The plan aims at {_clock(predicted)}; "
            "choose to keep the goal to train at goal pace instead."
        )))
        return predicted
    if goal > predicted * 1.05:
        warnings.append(Remark("goal_below_fitness", (
            f"The goal of {_clock(goal)} is slower than your current fitness "
            f"predicts ({_clock(predicted)}): you can aim higher."
        )))
    return goal


def _goal_pace_remark(request: PlanRequest, goal: float, warnings: list[Remark]) -> None:
    pace = race_pace(request.distance_m, goal)
    threshold = training_paces(request.vdot).threshold
    if request.distance_m >= 21_000 and pace <= threshold.slow_s_per_km:
        warnings.append(Remark("goal_pace_at_threshold", (
            f"The goal pace ({units.pace(pace)}) is as fast as your threshold pace "
            f"({_pace_text(threshold)}), the pace you can hold for about an hour: over "
            f"{units.race(request.distance_m)} it is not a pace to race at today."
        )))


def _clock(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def generate(request: PlanRequest) -> GeneratedPlan:
    """The plan for ``request``; raises ``PlanRefused`` when there can be none."""
    if request.days_per_week not in DAY_PATTERNS:
        raise ValueError("days_per_week must be 3 to 7")
    if not 0 <= request.long_run_day <= 6:
        raise ValueError("long_run_day must be 0 (Monday) to 6 (Sunday)")
    start, weeks = check_dates(request)
    rules = rules_for(request.distance_m)
    phases = phases_for(weeks, min(rules.taper_weeks(request.race_date), weeks - 1))
    paces = training_paces(request.vdot)
    # What the runner's days can hold, no run longer than the long run at its longest: the
    # training weeks are held under it, whatever the history.
    week_days = []
    for offset, (phase, cutback) in enumerate(zip(phases, lighter_weeks(phases), strict=True)):
        last_of_phase = offset + 1 == len(phases) or phases[offset + 1] != phase
        week_days.append(_week_days(
            request, start + timedelta(weeks=offset), phase, request.first_week_index + offset,
            rules, cutback, last_of_phase,
        ))
    long_ceiling = _whole(long_run_ceiling_m(rules, paces))
    ceiling = min(
        (days_capacity_m(days, long_ceiling)
         for days, phase in zip(week_days, phases, strict=True) if phase != "taper"),
        default=None,
    )
    wanted, _ = weekly_volumes(request, phases, rules)
    volumes, cutbacks = weekly_volumes(request, phases, rules, ceiling)
    warnings: list[Remark] = []
    target = _target_time(request, weeks, warnings)
    race_pace_s = race_pace(request.distance_m, target)
    marathon_pace = paces.marathon
    if rules.name in ("marathon", "ultra") and request.distance_m <= 43_000:
        marathon_pace = PaceRange(race_pace_s * 1.02, race_pace_s)
    targets = _Targets(paces, race_pace_s, marathon_pace)

    planned: list[PlannedWeek] = []
    for offset, (phase, volume, cutback) in enumerate(
        zip(phases, volumes, cutbacks, strict=True)
    ):
        index = request.first_week_index + offset
        week_start = start + timedelta(weeks=offset)
        days = week_days[offset]
        if len(days) < request.days_per_week:
            # Days lost to the race (race week, the day before it): the share of the
            # week's volume the days left can hold.
            volume = _units(volume * len(days) / request.days_per_week) * UNIT_M
        # Marathon long runs of build and peak alternate an easy one and one finishing
        # at marathon pace (Pfitzinger; Daniels' "M-pace long runs"): on even weeks, which
        # lighter weeks (every 4th) never fall on.
        mp_finish = (
            rules.name in ("marathon", "ultra") and phase in ("build", "peak")
            and not cutback and index % 2 == 0
        )
        workouts = _week_workouts(request, days, volume, index, phase, rules, targets,
                                  mp_finish)
        trained = sum(workout.distance_m for workout in workouts)
        if week_start <= request.race_date < week_start + timedelta(days=7):
            workouts.append(PlannedWorkout(
                date=request.race_date, week_index=index, kind="race",
                distance_m=round(request.distance_m), duration_s=round(target),
                pace=PaceRange(race_pace_s * 1.01, race_pace_s * 0.99),
                description=f"Race day: {units.race(request.distance_m)}, aiming at "
                f"{_clock(target)} ({units.pace(race_pace_s)})",
                main_m=round(request.distance_m),
            ))
        planned.append(PlannedWeek(index, week_start, phase, trained, cutback, workouts))

    _volume_warnings(planned, rules, request, paces, warnings)
    _days_cap_warning(planned, wanted, long_ceiling, request, warnings)
    return GeneratedPlan(
        start=start, race_date=request.race_date, distance_m=request.distance_m,
        vdot=request.vdot, target_time_s=target, weeks=planned, warnings=warnings,
    )


def _volume_warnings(weeks: list[PlannedWeek], rules: DistanceRules, request: PlanRequest,
                     paces: TrainingPaces, warnings: list[Remark]) -> None:
    training = [week for week in weeks if week.phase != "taper"]
    if not training:
        return
    peak = max(week.distance_m for week in training)
    wanted = target_volume_m(rules, request.days_per_week, request.vdot)
    if peak < 0.8 * wanted:
        warnings.append(Remark("volume_short", (
            f"Rising at most 10 % a week from what you run now, your weekly volume reaches "
            f"{units.d0(peak)} before the taper; a {rules.name} plan at your level usually "
            f"builds to about {units.d0(wanted)}. A later race would leave room to build more."
        )))
    longest = max(
        (w.distance_m for week in training for w in week.workouts if w.kind == "long"),
        default=0,
    )
    minimum = rules.long_run_min_km * 1000
    if longest < minimum - UNIT_M:
        ceiling = long_run_ceiling_m(rules, paces)
        if ceiling < minimum and longest >= ceiling - 2 * UNIT_M:
            minutes = (MARATHON_LONG_RUN_MAX_MINUTES if rules.name == "marathon"
                       else LONG_RUN_MAX_MINUTES)
            why = (f"{minutes / 60:g} hours at your easy pace ({_pace_text(paces.easy)}) is "
                   "the most a run should take")
        else:
            why = (f"with {request.days_per_week} days a week and the volume you can safely "
                   "build to, the long run keeps to its share of the week")
        warnings.append(Remark("long_run_short", (
            f"The longest run of this plan is {units.d(longest)}; a {rules.name} plan "
            f"should reach at least {units.d(minimum)}, but {why}. Expect the last part of "
            "the race to be hard; more days a week or a later race would let it grow."
        )))


def _days_cap_warning(weeks: list[PlannedWeek], wanted: Sequence[int], long_ceiling_m: int,
                      request: PlanRequest, warnings: list[Remark]) -> None:
    """Said when the runner's days held the training volume below what their history and
    level call for: no run longer than the long run, no quality session beyond its cap."""
    training = [(week, want) for week, want in zip(weeks, wanted, strict=True)
                if week.phase != "taper"]
    if not any(week.distance_m < want - UNIT_M for week, want in training):
        return
    held = max(week.distance_m for week, _ in training)
    called_for = max(want for _, want in training)
    warnings.append(Remark("volume_capped_by_days", (
        f"With {request.days_per_week} days a week and no run longer than the long run "
        f"(at most {units.d(long_ceiling_m)}), the plan holds your weekly volume at "
        f"{units.d0(held)} rather than the {units.d0(called_for)} your recent weeks and level "
        "call for. More days a week would spread that volume safely."
    )))
