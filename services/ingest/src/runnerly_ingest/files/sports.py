"""Which sports are runs, walks and hikes, and the others' names in plain words.

A file that names no sport (or "generic") is judged by how it moves:

- ``CYCLING_SPEED_KMH`` 20: a median moving speed above it is a ride.
- A walk: over ``WINDOW_S`` (30 s) stretches of moving, the time-weighted median speed is
  under ``WALKING_SPEED_KMH`` (6 km/h, 10:00 /km) and at least ``WALKING_SHARE`` (two
  thirds) of the moving time is under it. People walk at 4.5 to 5.5 km/h and a slow jog is
  7 to 8 km/h, so 6 km/h leaves a margin on both sides. Two thirds, not a half, keeps the
  beginners' run-walks in: Couch to 5K's first week walks 90 s for every 60 s run (60 %).
- Climbing is counted as distance by Scarf's equivalence of Naismith's rule
  (``CLIMB_AS_FLAT`` 7.92 m of flat for each metre up), so a trail runner power-hiking a
  20 % slope at 3.6 km/h moves at an effort of 9 km/h: steep trail runs stay runs, while a
  hiker keeping Naismith's pace (5 km/h, plus an hour for each 600 m up) is at 5 km/h.
  Altitudes are first averaged over ``ALTITUDE_SMOOTHING_S`` (60 s), so GPS altitude noise
  on flat ground does not count as climbing (on gpxpy's lake-side sample track it made a
  flat walk look like 50 m of climb a kilometre).
- A walk that rises at least ``HIKE_RISE_M`` (200 m) from its lowest to its highest point
  goes up a hill: it is called a hike. Not the total climb, which GPS altitude noise
  inflates on flat ground (round a lake whose shore varies by 70 m it adds up to 190 m).

These bounds keep the real runs of the test data runs (the Fenix 2's 12 km/h run: 4 % of
its moving time under 6 km/h) and tell gpxpy's two sample tracks for what they are: a
6.3 km hike climbing 320 m in 3 h 43 min, and a 4.4 km walk round a lake in 2 hours.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from . import compute
from .errors import NotARun
from .model import (
    SPORT_HIKE,
    SPORT_RUN,
    SPORT_TRAIL_RUN,
    SPORT_VIRTUAL_RUN,
    SPORT_WALK,
    Sample,
)

CYCLING_SPEED_KMH = 20.0
WALKING_SPEED_KMH = 6.0
WALKING_SHARE = 2 / 3
WINDOW_S = 30.0
ALTITUDE_SMOOTHING_S = 60.0
CLIMB_AS_FLAT = 7.92
HIKE_RISE_M = 200.0
MIN_WINDOWS = 5  # under 2.5 minutes of moving: too little to judge, a run

_WALKS = {
    "walking": SPORT_WALK,
    "walk": SPORT_WALK,
    "casual_walking": SPORT_WALK,
    "speed_walking": SPORT_WALK,
    "indoor_walking": SPORT_WALK,
    "10": SPORT_WALK,  # Strava's old numeric GPX types
    "hiking": SPORT_HIKE,
    "hike": SPORT_HIKE,
    "4": SPORT_HIKE,
}

_PLAIN = {
    "biking": "cycling",
    "bike": "cycling",
    "ride": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "mountain biking",
    "e_biking": "e-bike",
    "e_bike_ride": "e-bike",
    "virtual_ride": "indoor cycling",
    "stand_up_paddleboarding": "stand-up paddleboarding",
    "sup": "stand-up paddleboarding",
    "fitness_equipment": "gym",
    "open_water": "open-water swimming",
    "lap_swimming": "pool swimming",
    "1": "cycling",  # Strava's old numeric GPX types
}
_VIRTUAL = {"treadmill", "indoor_running", "virtual_activity", "virtual_run", "indoor"}


def plain(sport: str) -> str:
    """``"stand_up_paddleboarding"`` -> ``"stand-up paddleboarding"``."""
    key = sport.strip().lower().replace(" ", "_").replace("-", "_")
    return _PLAIN.get(key, key.replace("_", " "))


def run_type(sport: str | None, sub_sport: str | None = None) -> str | None:
    """The Strava sport type for a run, a walk (``Walk``) or a hike (``Hike``), ``None`` when
    ``sport`` says nothing known.

    Raises ``NotARun`` for any other named sport.
    """
    if sport is None:
        return None
    key = sport.strip().lower().replace(" ", "_").replace("-", "_")
    sub = (sub_sport or "").strip().lower()
    if key in {"", "generic", "all", "unknown"}:
        return None
    if key in {"running", "run", "9"} or key.endswith("_running") or key.endswith("run"):
        if sub in _VIRTUAL or key in {"treadmill_running", "indoor_running", "virtual_run"}:
            return SPORT_VIRTUAL_RUN
        if sub == "trail" or key in {"trail_running", "trail_run", "trailrun"}:
            return SPORT_TRAIL_RUN
        return SPORT_RUN
    if key in _VIRTUAL:
        return SPORT_VIRTUAL_RUN
    if key in _WALKS:
        return _WALKS[key]
    if re.fullmatch(r"\d+", key) and key not in _PLAIN:
        return None  # a numeric code we do not know
    raise NotARun(plain(key))


@dataclass(frozen=True)
class Gait:
    """How a recording moves: ``sport_type`` Run, Walk or Hike; for a walk or a hike,
    ``why`` says what gave it away, in the runner's words."""

    sport_type: str
    why: str | None = None


def refuse_rides(samples: Sequence[Sample]) -> None:
    """``NotARun`` when the samples move like a bicycle (median moving speed)."""
    moving = []
    for a, b in itertools.pairwise(samples):
        dt = b.t - a.t
        if a.seg == b.seg and dt > 0 and a.dist is not None and b.dist is not None:
            speed = (b.dist - a.dist) / dt
            if speed >= compute.STOPPED_SPEED_MS:
                moving.append(speed * 3.6)
    if len(moving) >= 5:
        median = statistics.median(moving)
        if median > CYCLING_SPEED_KMH:
            raise NotARun(
                "cycling",
                f"This looks like a cycling activity (median speed {median:.0f} km/h), not a run.",
            )


def declared_walk(sport_type: str) -> Gait:
    """The gait of a file that names walking or hiking."""
    doing = "hiking" if sport_type == SPORT_HIKE else "walking"
    return Gait(sport_type, f"it was recorded as {doing}, not running")


def gait(samples: Sequence[Sample]) -> Gait:
    """A file that names no sport: a run unless it moves like a ride (``NotARun``) or a walk."""
    refuse_rides(samples)
    altitude = _smoothed_altitudes(samples)
    stretches = []  # (seconds, km/h over the ground, km/h of effort)
    first = 0
    for i in range(1, len(samples)):
        a, b = samples[first], samples[i]
        if b.seg != a.seg:
            first = i
            continue
        last_of_segment = i == len(samples) - 1 or samples[i + 1].seg != b.seg
        dt = b.t - a.t
        if dt < WINDOW_S and not last_of_segment:
            continue
        ground = (b.dist or 0.0) - (a.dist or 0.0)
        up = max(0.0, altitude[i] - altitude[first])
        first = i
        if dt > 0 and ground / dt >= compute.STOPPED_SPEED_MS:
            effort = ground + CLIMB_AS_FLAT * up
            stretches.append((dt, ground / dt * 3.6, effort / dt * 3.6))
    if len(stretches) < MIN_WINDOWS:
        return Gait(SPORT_RUN)
    moving = sum(dt for dt, _, _ in stretches)
    walking = sum(dt for dt, _, kmh in stretches if kmh < WALKING_SPEED_KMH)
    effort = _weighted_median([(kmh, dt) for dt, _, kmh in stretches])
    if effort >= WALKING_SPEED_KMH or walking < WALKING_SHARE * moving:
        return Gait(SPORT_RUN)
    ground = _weighted_median([(kmh, dt) for dt, kmh, _ in stretches])
    rise = max(altitude) - min(altitude)
    hike = rise >= HIKE_RISE_M
    pace = round(3600 / ground)
    why = (
        f"typically {pace // 60}:{pace % 60:02d} /km, at walking pace "
        f"{walking / moving:.0%} of the time it moved"
        + (f", up {rise:.0f} m" if hike else "")
    )
    return Gait(SPORT_HIKE if hike else SPORT_WALK, why)


def _smoothed_altitudes(samples: Sequence[Sample]) -> list[float]:
    """Each sample's altitude averaged over ``ALTITUDE_SMOOTHING_S``; 0 throughout when
    the recording has none (no climb counted)."""
    known = [(s.t, s.alt) for s in samples if s.alt is not None]
    if len(known) < 2:
        return [0.0] * len(samples)
    smoothed = compute.moving_average(
        [t for t, _ in known], [alt for _, alt in known], ALTITUDE_SMOOTHING_S
    )
    out, j, last = [], 0, smoothed[0]
    for s in samples:
        if s.alt is not None:
            last = smoothed[j]
            j += 1
        out.append(last)
    return out


def _weighted_median(values: list[tuple[float, float]]) -> float:
    """The value below which half the weight lies (``values``: (value, weight))."""
    ordered = sorted(values)
    half, seen = sum(w for _, w in ordered) / 2, 0.0
    for value, weight in ordered:
        seen += weight
        if seen >= half:
            return value
    return ordered[-1][0]
