"""``parse_activity``: bytes of a GPX, FIT or TCX file (gzipped or not) in, a run out."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from . import compute, plausible, sports, zone
from .container import detect
from .errors import LooksLikeWalk, NoTimestamps
from .fit import read_fit
from .gpx import read_gpx
from .model import SPORT_RUN, WALKING, ParsedActivity, Recording
from .names import run_name
from .tcx import read_tcx


def parse_activity(
    data: bytes, filename: str, *, now: datetime | None = None, as_run: bool = False
) -> ParsedActivity:
    """``read_activity``, refusing scraps (``TooShort``: under 100 m or 60 s) and walks and
    hikes (``LooksLikeWalk``), unless ``as_run``: the runner says it was a run, and it is
    imported as one. The refusals a runner cannot override come first."""
    activity = read_activity(data, filename, now=now)
    plausible.refuse_scraps(activity.distance_m, activity.elapsed_time_s)
    if activity.sport_type in WALKING:
        if not as_run:
            raise LooksLikeWalk(activity.sport_type.lower(), activity.walk_evidence or "")
        activity = dataclasses.replace(activity, sport_type=SPORT_RUN, walk_evidence=None)
    return activity


def read_activity(
    data: bytes, filename: str, *, now: datetime | None = None
) -> ParsedActivity:
    """Read an uploaded activity file; the format is told by content, not by name.

    Impossible samples are dropped (``plausible``); ``now`` bounds the times a run may
    have. A walk or a hike is read as one (``sport_type`` Walk or Hike). Raises an
    ``ActivityFileError`` (``NotARun``, ``CorruptFile``, ``NoTimestamps``,
    ``ImpossibleTimes``, ``FileTooLarge``) whose ``message`` can be shown to the runner as
    it is.
    """
    found = detect(data, filename)
    sha256 = hashlib.sha256(found.data).hexdigest()
    if found.kind == "fit":
        recording = read_fit(found.data)
    elif found.kind == "gpx":
        assert found.xml is not None
        recording = read_gpx(found.xml)
    else:
        assert found.root is not None
        recording = read_tcx(found.root)
    return build(recording, sha256, now=now or datetime.now(UTC), filename=filename)


def _round(value: float | None, digits: int = 1) -> float | None:
    return float(round(value, digits)) if value is not None else None


def build(
    rec: Recording, sha256: str, *, now: datetime, filename: str = ""
) -> ParsedActivity:
    """Fill what the file did not say from its samples, then streams, splits, polyline;
    name the run (``names``)."""
    if len(rec.samples) < 2:
        raise NoTimestamps("This file holds no recorded points: not a recorded activity.")
    plausible.clean(rec, now)
    samples = rec.samples
    compute.fill_distances(samples)
    if rec.sport_type in WALKING:
        sports.refuse_rides(samples)  # a "walk" at a bicycle's speed is a ride
        gait = sports.declared_walk(rec.sport_type)
    else:
        gait = sports.Gait(rec.sport_type) if rec.sport_type else sports.gait(samples)

    distance = rec.distance_m if rec.distance_m is not None else (samples[-1].dist or 0.0)
    compute.scale_distances(samples, distance)
    speed = compute.speeds(samples)

    started = rec.started_at or datetime.fromtimestamp(samples[0].t, UTC)
    started = started.astimezone(UTC)
    span = samples[-1].t - samples[0].t
    elapsed = rec.elapsed_time_s if rec.elapsed_time_s is not None else span
    moving = rec.moving_time_s if rec.moving_time_s is not None else compute.moving_time(samples)
    gain = rec.elevation_gain_m
    if gain is None:
        gain = compute.elevation_gain(samples)

    heart_rates = [s.hr for s in samples if s.hr]
    average_hr = rec.average_hr if rec.average_hr is not None else compute.mean(heart_rates)
    max_hr = rec.max_hr if rec.max_hr is not None else (max(heart_rates) if heart_rates else None)
    cadence = rec.average_cadence
    if cadence is None:
        cadence = compute.mean([s.cad for s in samples if s.cad])  # zeros: standing still

    start = next(((s.lat, s.lng) for s in samples if s.lat is not None and s.lng is not None),
                 None)
    time_zone = zone.time_zone(position=start, offset=rec.local_offset, at=started)
    local = (
        started.astimezone(ZoneInfo(time_zone))
        if time_zone
        else started + (rec.local_offset or timedelta(0))
    )
    elapsed_s = max(0, round(elapsed))
    return ParsedActivity(
        sport_type=gait.sport_type,
        name=run_name(rec.name, filename, local),
        started_at=started,
        distance_m=round(distance, 2),
        elapsed_time_s=elapsed_s,
        moving_time_s=min(elapsed_s, max(0, round(moving))),
        elevation_gain_m=_round(gain),
        average_hr=_round(average_hr),
        max_hr=_round(max_hr, 0),
        average_cadence=_round(cadence),
        summary_polyline=compute.summary_polyline(samples),
        streams=compute.streams(samples, speed),
        splits=compute.splits(samples, distance),
        source_sha256=sha256,
        device=rec.device,
        time_zone=time_zone,
        walk_evidence=gait.why,
    )
