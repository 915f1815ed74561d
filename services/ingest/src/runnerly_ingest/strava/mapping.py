"""Strava's shapes to the dataservice's ``RunUpsert``."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from runnerly_kit.text import one_line

RUN_SPORT_TYPES = frozenset({"Run", "TrailRun", "VirtualRun"})
_TIMEZONE = re.compile(r"^\(GMT[+-]\d{2}:\d{2}\)\s*(?P<name>\S+)$")
MAX_NAME = 200


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_run(activity: dict[str, Any]) -> bool:
    sport = activity.get("sport_type") or activity.get("type")
    return sport in RUN_SPORT_TYPES


def time_zone(strava_timezone: object) -> str | None:
    """``"(GMT+01:00) Europe/Paris"`` → ``"Europe/Paris"`` (None when not an IANA name)."""
    if not isinstance(strava_timezone, str):
        return None
    match = _TIMEZONE.match(strava_timezone.strip())
    name = match.group("name") if match else strava_timezone.strip()
    return name if name in _zones() else None


def start_epoch(activity: dict[str, Any]) -> int:
    return int(_started_at(activity).timestamp())


def _started_at(activity: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(str(activity["start_date"]).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def to_run(runner_id: str, activity: dict[str, Any]) -> dict[str, Any]:
    """A ``SummaryActivity`` (or ``DetailedActivity``) as the dataservice's ``RunUpsert``."""
    cadence = _number(activity.get("average_cadence"))
    average_hr = _number(activity.get("average_heartrate"))
    max_hr = _number(activity.get("max_heartrate"))
    elevation = _number(activity.get("total_elevation_gain"))
    polyline = (activity.get("map") or {}).get("summary_polyline") or None
    run: dict[str, Any] = {
        "runner_id": runner_id,
        "source": "strava",
        "external_id": str(activity["id"]),
        # One clean line, as the dataservice takes names: never a run lost for its name.
        "name": one_line(str(activity.get("name") or ""))[:MAX_NAME].rstrip() or "Run",
        "sport_type": one_line(
            str(activity.get("sport_type") or activity.get("type") or "")
        )[:32].rstrip() or "Run",
        "started_at": _started_at(activity).isoformat(),
        "time_zone": time_zone(activity.get("timezone")),
        "distance_m": max(0.0, _number(activity.get("distance")) or 0.0),
        "moving_time_s": max(0, int(_number(activity.get("moving_time")) or 0)),
        "elapsed_time_s": max(0, int(_number(activity.get("elapsed_time")) or 0)),
        "elevation_gain_m": None if elevation is None else max(0.0, elevation),
        "average_hr": average_hr if average_hr and 0 < average_hr <= 300 else None,
        "max_hr": max_hr if max_hr and 0 < max_hr <= 300 else None,
        # Strava counts a runner's cadence per leg (strides a minute): steps are twice that.
        "average_cadence": cadence * 2 if cadence and 0 < cadence * 2 <= 500 else None,
        "summary_polyline": polyline if isinstance(polyline, str) else None,
    }
    return run


def to_streams(stream_set: object, max_points: int = 1000) -> dict[str, Any] | None:
    """A ``StreamSet`` (``key_by_type=true``) as the dataservice's streams, downsampled."""
    if not isinstance(stream_set, dict):
        return None
    series: dict[str, list[Any]] = {}
    for key in ("time", "distance", "altitude", "heartrate", "cadence", "latlng"):
        stream = stream_set.get(key)
        data = stream.get("data") if isinstance(stream, dict) else None
        if isinstance(data, list) and data:
            series[key] = data
    if not series:
        return None
    length = min(len(values) for values in series.values())
    step = max(1, -(-length // max_points))
    picked = list(range(0, length, step))[:max_points]
    result: dict[str, Any] = {}
    for key, values in series.items():
        sampled = [values[index] for index in picked]
        if key == "cadence":
            sampled = [value * 2 for value in sampled]
        result[key] = sampled
    return result
