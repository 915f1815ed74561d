"""Which sports are runs, and the others' names in plain words."""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence

from .errors import NotARun
from .model import SPORT_RUN, SPORT_TRAIL_RUN, SPORT_VIRTUAL_RUN, Sample

# Median moving speed above which a file with no reliable sport is taken for a ride.
CYCLING_SPEED_KMH = 20.0

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
    "4": "hiking",
    "10": "walking",
}
_VIRTUAL = {"treadmill", "indoor_running", "virtual_activity", "virtual_run", "indoor"}


def plain(sport: str) -> str:
    """``"stand_up_paddleboarding"`` -> ``"stand-up paddleboarding"``."""
    key = sport.strip().lower().replace(" ", "_").replace("-", "_")
    return _PLAIN.get(key, key.replace("_", " "))


def run_type(sport: str | None, sub_sport: str | None = None) -> str | None:
    """The Strava sport type for a run, ``None`` when ``sport`` says nothing known.

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
    if re.fullmatch(r"\d+", key) and key not in _PLAIN:
        return None  # a numeric code we do not know
    raise NotARun(plain(key))


def infer_from_speed(samples: Sequence[Sample]) -> str:
    """A file that names no sport: a run unless it moves like a bicycle."""
    moving = []
    for a, b in itertools.pairwise(samples):
        dt = b.t - a.t
        if a.seg == b.seg and dt > 0 and a.dist is not None and b.dist is not None:
            speed = (b.dist - a.dist) / dt
            if speed >= 0.5:
                moving.append(speed * 3.6)
    if len(moving) >= 5:
        median = statistics.median(moving)
        if median > CYCLING_SPEED_KMH:
            raise NotARun(
                "cycling",
                f"This looks like a cycling activity (median speed {median:.0f} km/h), not a run.",
            )
    return SPORT_RUN
