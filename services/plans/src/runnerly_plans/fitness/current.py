"""A runner's current fitness, from the best evidence there is, and the race times it
predicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from runnerly_plans.fitness.vdot import MAX_VDOT, MIN_VDOT, predict_time, riegel, vdot_from_race

FitnessSource = Literal["best_efforts", "runs", "profile", "default"]

# How far back fitness is read: older results no longer say what the runner can do.
LOOKBACK_DAYS = 56
# A runner with no evidence is planned for as a beginner: VDOT 30 is a 30:40 5 km.
DEFAULT_VDOT = 30.0
# The equations are calibrated on races of 1500 m and longer (about 3.5 minutes and up);
# shorter efforts overstate the share of VO2max sustained.
MIN_EFFORT_M = 1500.0
# A whole run is evidence only if it is long enough to be one (not a stroll to the shop).
MIN_RUN_M = 3000.0

PREDICTED_DISTANCES: tuple[tuple[str, float], ...] = (
    ("5k", 5000.0),
    ("10k", 10000.0),
    ("half", 21097.5),
    ("marathon", 42195.0),
)


@dataclass(frozen=True)
class Effort:
    """A timed distance: a best effort inside a run, or a whole run."""

    distance_m: float
    time_s: float
    started_at: datetime | None = None
    run_id: int | None = None

    @property
    def vdot(self) -> float:
        return vdot_from_race(self.distance_m, self.time_s)


@dataclass(frozen=True)
class Fitness:
    vdot: float
    source: FitnessSource
    # The effort the VDOT comes from, when it comes from one.
    effort: Effort | None = None


@dataclass(frozen=True)
class Prediction:
    distance: str
    distance_m: float
    vdot_time_s: float
    # Riegel's prediction from the effort the fitness comes from (none without one).
    riegel_time_s: float | None


def best_effort(efforts: Iterable[Effort], min_distance_m: float) -> Effort | None:
    """The effort with the highest plausible VDOT among those long enough to count."""
    best: Effort | None = None
    best_vdot = 0.0
    for effort in efforts:
        if effort.distance_m < min_distance_m or effort.time_s <= 0:
            continue
        vdot = effort.vdot
        if MIN_VDOT <= vdot <= MAX_VDOT and vdot > best_vdot:
            best, best_vdot = effort, vdot
    return best


def current_fitness(
    best_efforts: Iterable[Effort],
    runs: Iterable[Effort],
    profile_vo2max: float | None,
) -> Fitness:
    """The best VDOT of the recent best efforts; else of the recent whole runs; else the
    profile's VO2max; else a conservative default. Says which it used."""
    effort = best_effort(best_efforts, MIN_EFFORT_M)
    if effort is not None:
        return Fitness(effort.vdot, "best_efforts", effort)
    effort = best_effort(runs, MIN_RUN_M)
    if effort is not None:
        return Fitness(effort.vdot, "runs", effort)
    if profile_vo2max is not None and MIN_VDOT <= profile_vo2max <= MAX_VDOT:
        return Fitness(profile_vo2max, "profile")
    return Fitness(DEFAULT_VDOT, "default")


def predictions(fitness: Fitness) -> list[Prediction]:
    """Race times for 5 km, 10 km, half and marathon, by VDOT and by Riegel."""
    effort = fitness.effort
    return [
        Prediction(
            distance=name,
            distance_m=distance_m,
            vdot_time_s=predict_time(distance_m, fitness.vdot),
            riegel_time_s=(
                riegel(effort.distance_m, effort.time_s, distance_m) if effort else None
            ),
        )
        for name, distance_m in PREDICTED_DISTANCES
    ]
