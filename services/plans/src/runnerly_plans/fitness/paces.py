"""Training paces from a VDOT, as Daniels defines them: fractions of VO2max run at the
velocity whose oxygen cost they are (marathon pace: the predicted marathon's own pace).

The fractions reproduce the paces of Daniels' published table (3rd edition) at every
VDOT; for VDOT 50 it gives E 4:55-5:29/km, M 4:32, T 4:15, I 3:52, R 3:40 (1:28 a 400),
and the ranges below hold each of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from runnerly_plans.fitness.vdot import predict_time, velocity_for_oxygen

MARATHON_M = 42_195.0

# (slow end, fast end) as fractions of VO2max.
EASY = (0.64, 0.74)
THRESHOLD = (0.86, 0.88)
INTERVAL = (0.95, 1.00)
REPETITION = (1.04, 1.08)
# Recovery runs: the slow half of easy and a little slower.
RECOVERY = (0.60, 0.66)
# Marathon pace: the predicted marathon pace, and up to 2 % slower.
MARATHON_SLACK = 0.02


@dataclass(frozen=True)
class PaceRange:
    """Seconds per kilometre, slow end first (the larger number)."""

    slow_s_per_km: float
    fast_s_per_km: float

    @property
    def middle_s_per_km(self) -> float:
        return (self.slow_s_per_km + self.fast_s_per_km) / 2

    def contains(self, s_per_km: float) -> bool:
        return self.fast_s_per_km <= s_per_km <= self.slow_s_per_km


@dataclass(frozen=True)
class TrainingPaces:
    recovery: PaceRange
    easy: PaceRange
    marathon: PaceRange
    threshold: PaceRange
    interval: PaceRange
    repetition: PaceRange


def pace_at_fraction(vdot: float, fraction: float) -> float:
    """Seconds per km at ``fraction`` of VO2max for a runner of ``vdot``."""
    return 60_000.0 / velocity_for_oxygen(vdot * fraction)


def _range(vdot: float, fractions: tuple[float, float]) -> PaceRange:
    slow, fast = fractions
    return PaceRange(pace_at_fraction(vdot, slow), pace_at_fraction(vdot, fast))


def race_pace(distance_m: float, time_s: float) -> float:
    return time_s / (distance_m / 1000.0)


def training_paces(vdot: float) -> TrainingPaces:
    marathon = race_pace(MARATHON_M, predict_time(MARATHON_M, vdot))
    return TrainingPaces(
        recovery=_range(vdot, RECOVERY),
        easy=_range(vdot, EASY),
        marathon=PaceRange(marathon * (1 + MARATHON_SLACK), marathon),
        threshold=_range(vdot, THRESHOLD),
        interval=_range(vdot, INTERVAL),
        repetition=_range(vdot, REPETITION),
    )
