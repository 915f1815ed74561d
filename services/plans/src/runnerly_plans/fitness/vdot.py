"""The Daniels-Gilbert equations (*Oxygen Power*, 1979), which Daniels' VDOT tables are
computed from.

Two regressions: the oxygen cost of running at a velocity, and the fraction of VO2max a
runner sustains for a race of a given duration. A race result's VDOT is the first divided
by the second: the VO2max of a runner of standard economy who ran that result.
"""

from __future__ import annotations

import math

# VDOTs outside this band name no runner: the tables run from 30 to 85, and results past
# them are GPS glitches or walks rather than efforts.
MIN_VDOT = 15.0
MAX_VDOT = 90.0
RIEGEL_EXPONENT = 1.06


def oxygen_cost(velocity_m_per_min: float) -> float:
    """VO2 (ml/kg/min) it costs to run at ``velocity_m_per_min``."""
    v = velocity_m_per_min
    return -4.60 + 0.182258 * v + 0.000104 * v * v


def velocity_for_oxygen(vo2: float) -> float:
    """The velocity (m/min) whose oxygen cost is ``vo2``: the positive root of the
    quadratic above."""
    a, b, c = 0.000104, 0.182258, -4.60 - vo2
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def fraction_sustained(minutes: float) -> float:
    """The fraction of VO2max a runner sustains for a race lasting ``minutes``."""
    return (
        0.8
        + 0.1894393 * math.exp(-0.012778 * minutes)
        + 0.2989558 * math.exp(-0.1932605 * minutes)
    )


def vdot_from_race(distance_m: float, time_s: float) -> float:
    """The VDOT of running ``distance_m`` in ``time_s``."""
    if distance_m <= 0 or time_s <= 0:
        raise ValueError("a race result needs a positive distance and time")
    minutes = time_s / 60.0
    return oxygen_cost(distance_m / minutes) / fraction_sustained(minutes)


def predict_time(distance_m: float, vdot: float) -> float:
    """Seconds a runner of ``vdot`` takes to race ``distance_m``.

    VDOT falls as the time grows (slower), so the time whose VDOT is ``vdot`` is found by
    bisection, then refined by Newton's method for precision at no risk of divergence.
    """
    if distance_m <= 0 or vdot <= 0:
        raise ValueError("a prediction needs a positive distance and VDOT")
    low, high = 1.0, 7 * 24 * 3600.0  # a second to a week
    if vdot_from_race(distance_m, low) < vdot:
        return low
    if vdot_from_race(distance_m, high) > vdot:
        return high
    for _ in range(60):
        middle = (low + high) / 2
        if vdot_from_race(distance_m, middle) > vdot:
            low = middle
        else:
            high = middle
        if high - low < 0.01:
            break
    return (low + high) / 2


def riegel(known_distance_m: float, known_time_s: float, target_distance_m: float,
           exponent: float = RIEGEL_EXPONENT) -> float:
    """Riegel's prediction (1981): ``t2 = t1 x (d2 / d1) ^ 1.06``."""
    if known_distance_m <= 0 or known_time_s <= 0 or target_distance_m <= 0:
        raise ValueError("Riegel's formula needs positive distances and a positive time")
    return float(known_time_s * (target_distance_m / known_distance_m) ** exponent)
