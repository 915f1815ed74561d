"""What a parsed activity file gives: the run's figures, streams and splits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Largest file accepted, in bytes, counted after decompression (a .gz is
# stream-decompressed and abandoned as soon as it passes this).
MAX_FILE_BYTES = 25 * 1024 * 1024

SPORT_RUN = "Run"
SPORT_TRAIL_RUN = "TrailRun"
SPORT_VIRTUAL_RUN = "VirtualRun"  # treadmill, indoor
# What a file may read as but is not imported as, unless the runner says it was a run.
SPORT_WALK = "Walk"
SPORT_HIKE = "Hike"
WALKING = frozenset({SPORT_WALK, SPORT_HIKE})


@dataclass(frozen=True)
class Split:
    """One kilometre of the run (the last one may be shorter)."""

    index: int  # 1-based
    distance_m: float
    elapsed_time_s: int
    moving_time_s: int
    elevation_diff_m: float | None  # altitude at its end minus at its start
    average_hr: float | None  # beats per minute, time-weighted


@dataclass(frozen=True)
class ParsedActivity:
    """A run read from a GPX, FIT or TCX file.

    ``streams`` maps names to equally long lists (at most 1,000 points):
    ``time`` (s from the start), ``distance`` (m), ``altitude`` (m), ``heartrate``
    (bpm), ``cadence`` (steps per minute), ``pace`` (s/km, ``None`` where stopped)
    and ``latlng`` (``[lat, lng]`` pairs); a stream the file has no data for is absent.
    """

    sport_type: str  # "Run" | "TrailRun" | "VirtualRun"; "Walk" | "Hike" from read_activity
    name: str
    started_at: datetime  # timezone-aware, UTC
    distance_m: float
    elapsed_time_s: int
    moving_time_s: int
    elevation_gain_m: float | None
    average_hr: float | None
    max_hr: float | None
    average_cadence: float | None  # steps per minute (both legs)
    summary_polyline: str | None  # Google encoded polyline, <= 500 points
    streams: dict[str, list[Any]] | None
    splits: list[Split]
    source_sha256: str  # of the decompressed file: the import's external id
    device: str | None
    time_zone: str | None = None  # IANA name, where the run was; None: the runner's own
    walk_evidence: str | None = None  # for a Walk or Hike: what gave it away, in words


@dataclass(slots=True)
class Sample:
    """One recorded point, as a reader found it (units: s since the epoch, m, bpm, spm, m/s)."""

    t: float
    lat: float | None = None
    lng: float | None = None
    dist: float | None = None  # cumulative distance from the start
    alt: float | None = None
    hr: float | None = None
    cad: float | None = None  # steps per minute
    speed: float | None = None  # the device's own instantaneous speed
    seg: int = 0  # a new value starts a new segment (no distance across the gap)


@dataclass
class Recording:
    """What a format reader extracts; ``None`` figures are computed from the samples."""

    samples: list[Sample]
    sport_type: str = SPORT_RUN
    name: str | None = None
    device: str | None = None
    started_at: datetime | None = None
    local_offset: timedelta | None = None  # local time minus UTC, when the file says
    distance_m: float | None = None
    elapsed_time_s: float | None = None
    moving_time_s: float | None = None
    elevation_gain_m: float | None = None
    average_hr: float | None = None
    max_hr: float | None = None
    average_cadence: float | None = None
    # Its distance, moving time and climb were worked out from the positions (GPX):
    # worked out again if positions are dropped as impossible.
    from_positions: bool = False


def local_offset(offset: timedelta | None) -> timedelta | None:
    """A GPX or TCX time's UTC offset as the recording's local clock: "Z" and +00:00 are how
    tools write UTC, not a clock (they say nothing), nor does an offset past ±14 hours."""
    if offset is None or not offset or abs(offset) > timedelta(hours=14):
        return None
    return offset
