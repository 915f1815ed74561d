"""Strava's shapes to the dataservice's ``RunUpsert``."""

from __future__ import annotations

import math
import re
import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from runnerly_ingest.files import compute
from runnerly_ingest.files.model import Sample
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
    # Spread evenly in time, always the first and the last point: the run's end (its
    # distance, its last metres of a race) must not be dropped.
    time = _series(stream_set, "time")
    if time is not None and len(time) >= length:
        picked = compute.downsample_indices(time[:length], max_points)
    else:
        picked = sorted({round(k * (length - 1) / max(1, max_points - 1))
                         for k in range(min(length, max_points))})
    result: dict[str, Any] = {}
    for key, values in series.items():
        sampled = [values[index] for index in picked]
        if key == "cadence":
            sampled = [value * 2 for value in sampled]
        result[key] = sampled
    return result


def to_splits(stream_set: object) -> list[dict[str, Any]] | None:
    """Per-kilometre splits of a ``StreamSet`` (``key_by_type=true``), worked out from its
    full resolution (before ``to_streams`` downsamples it), as the files' are."""
    if not isinstance(stream_set, dict):
        return None
    time, distance = _series(stream_set, "time"), _series(stream_set, "distance")
    if time is None or distance is None:
        return None
    altitude = _series(stream_set, "altitude")
    heartrate = _series(stream_set, "heartrate")
    samples: list[Sample] = []
    for index, (moment, metres) in enumerate(zip(time, distance, strict=False)):
        if samples and moment <= samples[-1].t:
            continue  # time must increase; a repeated second adds nothing to a split
        samples.append(Sample(
            t=moment,
            dist=metres,
            alt=altitude[index] if altitude and index < len(altitude) else None,
            hr=heartrate[index] if heartrate and index < len(heartrate) else None,
        ))
    if len(samples) < 2:
        return None
    # Strava's distance may wobble back by a few centimetres: splits need it to grow.
    top = 0.0
    for sample in samples:
        top = max(top, sample.dist or 0.0)
        sample.dist = top
    found = compute.splits(samples, top)
    return [
        {
            "distance_m": split.distance_m,
            "elapsed_time_s": split.elapsed_time_s,
            "moving_time_s": split.moving_time_s,
            "elevation_difference_m": split.elevation_diff_m,
            "average_hr": split.average_hr,
        }
        for split in found[:500]
    ] or None


def _series(stream_set: dict[str, Any], key: str) -> list[float] | None:
    """One stream's numbers, or None when it is absent or holds anything else."""
    stream = stream_set.get(key)
    data = stream.get("data") if isinstance(stream, dict) else None
    if not isinstance(data, list) or not data:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
               for v in data):
        return None
    return [float(v) for v in data]
