"""Best efforts: the fastest stretch of one run over each standard distance.

Pure functions of a run's numbers, with no database: the service stores what they find when
the run is written, so reading records never walks streams.

From streams (``time`` in seconds since the start, ``distance`` in metres from the start,
both downsampled to at most 1000 points), the fastest stretch covering a distance ``D`` is
found exactly for the piecewise-linear run the samples describe: the stretch's time as a
function of where it starts only bends where its start or its end crosses a sample, so its
minimum is at a stretch that starts on a sample or ends on one. Two sliding windows walk
those two families in one pass each, and the other end is interpolated inside its sample
interval so that every stretch is exactly ``D`` long. An interval covered faster than anyone
runs (a GPS jump) counts as standing still first.

A run without usable streams (none sent, no ``time`` or ``distance`` series, or series
that go backwards) counts as a whole: it is a best effort over ``D`` when its distance is
within ``[D, 1.02 D]`` (a race or a measured course, whose GPS distance reads a little
long), its elapsed time scaled down to ``D``. A run further from every standard distance
gives none, since nothing tells how fast its first ``D`` metres were. The whole run also
stands for ``D`` when its streams stop short of ``D`` (downsampling may drop the last
metres of a race).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Literal

DistanceKey = Literal["1k", "5k", "10k", "half", "marathon"]
# Keys as the API names them, with their lengths in metres, shortest first.
STANDARD_DISTANCES: dict[DistanceKey, float] = {
    "1k": 1000.0,
    "5k": 5000.0,
    "10k": 10000.0,
    "half": 21097.5,
    "marathon": 42195.0,
}
# What the runs store for running (ingest maps files and Strava activities to these); a
# ride or a walk that reaches the dataservice sets no running record.
RUNNING_SPORT_TYPES = frozenset({"Run", "TrailRun", "VirtualRun"})
# How much longer than a standard distance a whole run may be and still stand for it.
WHOLE_RUN_TOLERANCE = 0.02
# Faster than any runner over 1 km (the world record averages 7.6 m/s): an effort above it
# comes from a GPS jump or a mislabelled ride, and would stand as a record for ever.
MAX_RUNNING_SPEED_M_S = 10.0


def best_efforts(
    *,
    sport_type: str,
    distance_m: float,
    elapsed_time_s: int,
    time: Sequence[float] | None,
    distance: Sequence[float] | None,
) -> dict[DistanceKey, int]:
    """The run's best effort per standard distance it covers: distance key -> whole seconds."""
    if sport_type not in RUNNING_SPORT_TYPES:
        return {}
    found = efforts_of_whole_run(distance_m, elapsed_time_s)
    # Streams decide every distance they reach; a downsampled series may stop a few metres
    # short of the run's end, and the whole run then still stands for its own distance.
    found.update(efforts_from_streams(time, distance) or {})
    return {
        key: round(seconds)
        for key, seconds in found.items()
        # Written without a division: rounding on absurd series may leave no time at all.
        if seconds * MAX_RUNNING_SPEED_M_S >= STANDARD_DISTANCES[key]
    }


def efforts_from_streams(
    time: Sequence[float] | None, distance: Sequence[float] | None
) -> dict[DistanceKey, float] | None:
    """The fastest time over each standard distance the streams cover, in seconds; ``None``
    when the streams cannot tell (missing, shorter than two points, not finite, time not
    strictly increasing, or distance going backwards)."""
    if time is None or distance is None or not _usable(time, distance):
        return None
    times = list(time)
    distances = without_jumps(times, list(distance))
    covered = distances[-1] - distances[0]
    paces = interval_paces(times, distances)
    found: dict[DistanceKey, float] = {}
    for key, target in STANDARD_DISTANCES.items():
        if target > covered:
            break  # longer distances are not covered either
        seconds = fastest_stretch(times, distances, target, paces)
        if seconds is not None:
            found[key] = seconds
    return found


def without_jumps(times: list[float], distances: list[float]) -> list[float]:
    """The distance series with every interval covered faster than anyone runs (a GPS jump,
    a stretch in a car) counted as standing still. One jump would otherwise carry the
    fastest stretch of every distance it falls in, and the run would set no plausible
    record at all, or an absurd one for ever."""
    cleaned = [distances[0]]
    for index in range(1, len(times)):
        step = distances[index] - distances[index - 1]
        if step > MAX_RUNNING_SPEED_M_S * (times[index] - times[index - 1]):
            step = 0.0
        cleaned.append(cleaned[-1] + step)
    return cleaned


def fastest_stretch(
    times: list[float], distances: list[float], target: float, paces: list[float]
) -> float | None:
    """The shortest time in which the samples cover ``target`` metres; ``None`` if they do
    not (or only to within a rounding error).

    ``times`` strictly increase and ``distances`` never decrease; between samples the
    runner moves at a constant speed: ``paces[i]`` seconds per metre from sample ``i`` to
    ``i + 1``. (Plain loops over locals: this runs for every run written with streams.)
    """
    count = len(times)
    best = math.inf
    first, last = distances[0], distances[-1]
    # Stretches ending on sample ``end``: they start at distance ``distances[end] - target``,
    # inside the interval (start, start + 1], at the latest moment the runner is there (a
    # pause at the start line is not part of the effort).
    start = 0
    for end in range(count):
        start_at = distances[end] - target
        if start_at < first:
            continue
        # ``distances[end] > start_at``, so this stops at ``start + 1 <= end`` at the latest.
        while distances[start + 1] <= start_at:
            start += 1
        began = times[start] + (start_at - distances[start]) * paces[start]
        if times[end] - began < best:
            best = times[end] - began
    # Stretches starting on sample ``begin``: they end at ``distances[begin] + target``,
    # inside the interval (end - 1, end], at the first moment the runner gets there.
    end = 0
    for begin in range(count):
        end_at = distances[begin] + target
        if end_at > last:
            break  # starts only move forward, so no later one fits either
        while distances[end] < end_at:
            end += 1
        finished = times[end - 1] + (end_at - distances[end - 1]) * paces[end - 1]
        if finished - times[begin] < best:
            best = finished - times[begin]
    return None if math.isinf(best) else best


def interval_paces(times: list[float], distances: list[float]) -> list[float]:
    """Seconds per metre from each sample to the next, worked out once for every distance
    (zero over a pause, where no stretch's end is ever interpolated)."""
    return [
        (later_time - time) / (later - distance) if later > distance else 0.0
        for time, later_time, distance, later in zip(
            times, times[1:], distances, distances[1:], strict=False
        )
    ]


def efforts_of_whole_run(distance_m: float, elapsed_time_s: int) -> dict[DistanceKey, float]:
    """The standard distance the whole run stands for, if any, with its time scaled to it."""
    if elapsed_time_s <= 0:
        return {}
    return {
        key: elapsed_time_s * target / distance_m
        for key, target in STANDARD_DISTANCES.items()
        if target <= distance_m <= target * (1 + WHOLE_RUN_TOLERANCE)
    }


def _usable(time: Sequence[float], distance: Sequence[float]) -> bool:
    if len(time) != len(distance) or len(time) < 2:
        return False
    # A sum is finite only if every term is (or the series are absurd anyway).
    if not math.isfinite(sum(time) + sum(distance)) or distance[0] < 0:
        return False
    return all(map(operator.lt, time, time[1:])) and all(
        map(operator.le, distance, distance[1:])
    )
