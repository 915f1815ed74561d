"""What a recording can truly hold: impossible samples dropped, impossible files refused.

Bounds (one place, documented):

- Positions: latitude within ±90°, longitude within ±180°, finite.
- ``ALTITUDE_M`` -1,000 m to 9,000 m: below the Dead Sea shore (-430 m) with room for a
  barometer's drift, above Everest (8,849 m).
- ``HEART_RATE_BPM`` 20 to 250: below the lowest resting rates recorded, above the highest
  maximums; a value outside is a sensor glitch (devices write 0 or 255 for "no reading").
- ``CADENCE_SPM`` 0 to 300 steps a minute: a sprinter's top turnover is about 280.
- ``TELEPORT_SPEED_M_S`` 12.5 m/s (45 km/h, above a sprinter's top speed) plus
  ``GPS_NOISE_M`` (50 m) of fix error: a point further than that from the last kept one is
  a jump no runner makes. A lone jump that comes back (a GPS spike) loses its position; one
  that stays (a fix regained far away, a ride in a car) starts a new segment, so no
  distance is counted across it.
- Times: ``EARLIEST`` is 2000-01-01. GPS was degraded for civilian use until May 2000,
  the first GPS running watch (Garmin Forerunner 201) and the GPX format date from 2002-03,
  so an older date is a wrong clock: typically a GPS week-number rollover, which sets a
  device back by 1,024 weeks (19.6 years) to 1999 or earlier. ``CLOCK_SKEW`` (10 min) is
  how far after now a device's clock may be ahead; a later run has not happened yet.
- A sample at the same instant as the one before it (FIT devices write those around laps
  and pauses) is merged into it, the later values winning; one earlier than it is dropped.
- ``MIN_DISTANCE_M`` 100 m and ``MIN_ELAPSED_S`` 60 s: less is a watch started by mistake,
  not a run.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from . import compute
from .errors import ImpossibleTimes, TooShort
from .model import Recording, Sample

ALTITUDE_M = (-1_000.0, 9_000.0)
HEART_RATE_BPM = (20.0, 250.0)
CADENCE_SPM = (0.0, 300.0)
SPEED_M_S = (0.0, 50.0)  # a device's own speed reading; the teleport rule judges runs
TELEPORT_SPEED_M_S = 12.5
GPS_NOISE_M = 50.0
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=10)
MIN_DISTANCE_M = 100.0
MIN_ELAPSED_S = 60.0
# Totals a file states; beyond them the figure is ignored and computed from the samples.
MAX_DISTANCE_M = 1_000_000.0  # further than any multi-day ultra
MAX_DURATION_S = 30 * 24 * 3600.0
MAX_GAIN_M = 100_000.0
# Points dated outside the possible window are dropped when they are this few (a corrupt
# record); more, and it is the clock that was wrong: the file is refused.
STRAY_TIMES = 0.10


def within(value: float | None, bounds: tuple[float, float]) -> float | None:
    """``value`` when it is a finite number inside ``bounds``, else ``None``."""
    if value is None or not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        return None
    return value


def clean(rec: Recording, now: datetime) -> None:
    """Drop what the recording cannot truly hold, in place; refuse it when nothing true is
    left of its times (``ImpossibleTimes``). Figures a reader worked out from positions
    (``rec.from_positions``) are worked out again when points or positions were dropped."""
    count = len(rec.samples)
    rec.samples = _in_time(rec.samples, now)
    for sample in rec.samples:
        _clean_values(sample)
    rec.samples = _merged(rec.samples)
    positioned = sum(1 for s in rec.samples if s.lat is not None)
    jumps = _drop_teleports(rec.samples)
    changed = (
        len(rec.samples) < count
        or jumps
        or positioned != sum(1 for s in rec.samples if s.lat is not None)
    )
    if changed and rec.from_positions:
        for sample in rec.samples:
            sample.dist = None
        rec.distance_m = rec.moving_time_s = rec.elevation_gain_m = None
    if len(rec.samples) < 2 or rec.samples[-1].t <= rec.samples[0].t:
        raise ImpossibleTimes(
            "All its points are at the same instant: no time passed, so this is not a "
            "recorded run."
        )
    first, last = rec.samples[0].t, rec.samples[-1].t
    if rec.started_at is not None and not (
        first - 3600 <= rec.started_at.timestamp() <= first + 60
    ):
        rec.started_at = None  # a session start far from its own points: a wrong clock
    rec.distance_m = within(rec.distance_m, (0.0, MAX_DISTANCE_M))
    rec.elapsed_time_s = within(rec.elapsed_time_s, (0.0, MAX_DURATION_S))
    if rec.elapsed_time_s is not None and rec.elapsed_time_s < last - first - 1:
        rec.elapsed_time_s = None  # shorter than its own points span
    rec.moving_time_s = within(rec.moving_time_s, (0.0, MAX_DURATION_S))
    rec.elevation_gain_m = within(rec.elevation_gain_m, (0.0, MAX_GAIN_M))
    rec.average_hr = within(rec.average_hr, HEART_RATE_BPM)
    rec.max_hr = within(rec.max_hr, HEART_RATE_BPM)
    rec.average_cadence = within(rec.average_cadence, CADENCE_SPM)


def refuse_scraps(distance_m: float, elapsed_s: float) -> None:
    if distance_m < MIN_DISTANCE_M or elapsed_s < MIN_ELAPSED_S:
        raise TooShort(
            f"This recording is {distance_m:.0f} m in {elapsed_s:.0f} s: too short to be a run "
            f"(at least {MIN_DISTANCE_M:.0f} m and {MIN_ELAPSED_S:.0f} s). "
            "A watch started by mistake?"
        )


def _day(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).date().isoformat()


def _in_time(samples: list[Sample], now: datetime) -> list[Sample]:
    """The samples dated between ``EARLIEST`` and now (plus the skew); refused when none are."""
    low, high = EARLIEST.timestamp(), (now + CLOCK_SKEW).timestamp()
    kept = [s for s in samples if math.isfinite(s.t) and low <= s.t <= high]
    if len(kept) >= 2 and len(samples) - len(kept) <= STRAY_TIMES * len(samples):
        return kept
    times = [s.t for s in samples if math.isfinite(s.t)]
    late = sum(1 for t in times if t > high)
    early = sum(1 for t in times if t < low)
    if late and late >= early:
        raise ImpossibleTimes(
            f"This run is dated {_day(max(times))}, in the future: the device's clock was "
            "wrong when it recorded, so its times cannot be trusted."
        )
    if early:
        raise ImpossibleTimes(
            f"This run is dated {_day(min(times))}, before 2000, when GPS running watches did "
            "not exist yet: the device's clock was wrong (reset, or a GPS week rollover)."
        )
    return kept


def _clean_values(s: Sample) -> None:
    lat = within(s.lat, (-90.0, 90.0))
    lng = within(s.lng, (-180.0, 180.0))
    s.lat, s.lng = (lat, lng) if lat is not None and lng is not None else (None, None)
    s.alt = within(s.alt, ALTITUDE_M)
    s.hr = within(s.hr, HEART_RATE_BPM)
    s.cad = within(s.cad, CADENCE_SPM)
    s.speed = within(s.speed, SPEED_M_S)
    s.dist = within(s.dist, (0.0, MAX_DISTANCE_M))


def _merged(samples: list[Sample]) -> list[Sample]:
    out: list[Sample] = []
    for s in samples:
        if not out or s.t > out[-1].t:
            out.append(s)
        elif s.t == out[-1].t:
            prev = out[-1]
            for name in ("lat", "lng", "dist", "alt", "hr", "cad", "speed"):
                if getattr(s, name) is None:
                    setattr(s, name, getattr(prev, name))
            if s.lat is None or s.lng is None:
                s.lat, s.lng = prev.lat, prev.lng
            out[-1] = s
        # else: earlier than the point before it, a clock that jumped back
    return out


def _too_far(a: Sample, b: Sample) -> bool:
    assert a.lat is not None and a.lng is not None and b.lat is not None and b.lng is not None
    metres = compute.distance_2d(a.lat, a.lng, b.lat, b.lng)
    return metres > TELEPORT_SPEED_M_S * abs(b.t - a.t) + GPS_NOISE_M


def _drop_teleports(samples: list[Sample]) -> bool:
    """Drop GPS spikes' positions and break segments at lasting jumps; whether any was."""
    positioned = [s for s in samples if s.lat is not None and s.lng is not None]
    shift = 0
    last: Sample | None = None
    breaks: set[int] = set()
    for i, s in enumerate(positioned):
        # A jump between segments is a gap the file already declares.
        if last is None or last.seg != s.seg or not _too_far(last, s):
            last = s
            continue
        after = positioned[i + 1] if i + 1 < len(positioned) else None
        after = after if after is not None and after.seg == s.seg else None
        if after is not None and not _too_far(last, after):
            s.lat = s.lng = None  # a spike: out and back
            continue
        if last is positioned[0] and after is not None and not _too_far(s, after):
            last.lat = last.lng = None  # the very first fix was the wrong one
            last = s
            continue
        breaks.add(id(s))  # it stays there: no distance across the jump
        last = s
    for s in samples:
        if id(s) in breaks:
            shift += 1
        s.seg += shift
    return bool(breaks)
