"""Figures, streams, splits and the polyline, from a reader's samples.

Thresholds (one place, documented):

- ``STOPPED_SPEED_MS`` = 0.5 m/s (1.8 km/h, slower than any walk): below it a
  stretch counts as stopped, for the computed moving time, the splits' moving
  time and the pace stream (``None`` there). GPX moving time is gpxpy's own
  figure instead (1 km/h), and FIT/TCX use the device's timer time.
- Speed, where the device gives none, is distance over the last ``SPEED_WINDOW_S``
  (10 s, at least one sample back), which tames 1 Hz GPS jitter.
- Elevation gain, where neither gpxpy nor the device gives one: a centred
  ``ELEVATION_WINDOW_S`` (10 s) moving average, then a climb counts only once it
  rises ``ELEVATION_HYSTERESIS_M`` (2 m) above the last low. On the test files this
  lands within 10 % of the Fenix 2's own total ascent and of gpxpy's figures.
- Distances between points are 2-D (gpxpy's formula): on the Fenix 2 file the 2-D
  length of the positions is within 0.05 % of the device's distance, 3-D is 2 % over.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import gpxpy.geo
import polyline as polyline_codec

from .model import Sample, Split

STOPPED_SPEED_MS = 0.5
SPEED_WINDOW_S = 10.0
ELEVATION_WINDOW_S = 10.0
ELEVATION_HYSTERESIS_M = 2.0
MAX_STREAM_POINTS = 1000
MAX_POLYLINE_POINTS = 500
_POLYLINE_INPUT_POINTS = 5000  # the track is thinned evenly to this before simplifying


def distance_2d(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres between two points, as gpxpy's ``length_2d`` measures them."""
    return float(gpxpy.geo.distance(lat1, lng1, None, lat2, lng2, None))


def fill_distances(samples: list[Sample]) -> None:
    """Give every sample a cumulative distance: the device's, else from positions.

    Computed distances do not bridge segments (as gpxpy's ``length_2d``), and a
    device's distance is made non-decreasing.
    """
    if not samples:
        return
    if all(s.dist is not None for s in samples):
        top = 0.0
        for s in samples:
            top = max(top, s.dist or 0.0)
            s.dist = top
        return
    total = 0.0
    prev: Sample | None = None
    for s in samples:
        if s.lat is not None and s.lng is not None:
            if (
                prev is not None
                and prev.seg == s.seg
                and prev.lat is not None
                and prev.lng is not None
            ):
                total += distance_2d(prev.lat, prev.lng, s.lat, s.lng)
            prev = s
        s.dist = total


def scale_distances(samples: list[Sample], total: float) -> None:
    """Scale the cumulative distances so the last one is ``total`` (the file's own figure)."""
    end = samples[-1].dist if samples else None
    if not end or end <= 0 or total <= 0 or math.isclose(end, total):
        return
    factor = total / end
    for s in samples:
        s.dist = (s.dist or 0.0) * factor


def speeds(samples: Sequence[Sample]) -> list[float | None]:
    """Speed at each sample (m/s): the device's, else distance over the last ~10 s."""
    if samples and all(s.speed is not None for s in samples):
        return [s.speed for s in samples]
    out: list[float | None] = []
    j = 0  # the sample ~10 s back, in the same segment
    for i, s in enumerate(samples):
        if i == 0 or samples[i - 1].seg != s.seg:
            j = i
            out.append(None)
            continue
        while j + 1 < i and s.t - samples[j + 1].t >= SPEED_WINDOW_S:
            j += 1
        dt = s.t - samples[j].t
        dd = (s.dist or 0.0) - (samples[j].dist or 0.0)
        out.append(dd / dt if dt > 0 else None)
    # the first sample of each segment takes the next one's speed
    for i in range(len(out) - 1):
        if out[i] is None and samples[i + 1].seg == samples[i].seg:
            out[i] = out[i + 1]
    return out


def _moving(dt: float, dd: float) -> bool:
    return dt > 0 and dd / dt >= STOPPED_SPEED_MS


def moving_time(samples: Sequence[Sample]) -> float:
    """Seconds spent moving: pairs of samples (in one segment) at >= 0.5 m/s."""
    return sum(
        b.t - a.t
        for a, b in itertools.pairwise(samples)
        if a.seg == b.seg and _moving(b.t - a.t, (b.dist or 0.0) - (a.dist or 0.0))
    )


def moving_average(times: Sequence[float], values: Sequence[float], window: float) -> list[float]:
    half = window / 2
    prefix = [0.0]
    for v in values:
        prefix.append(prefix[-1] + v)
    out = []
    for t in times:
        lo = bisect.bisect_left(times, t - half)
        hi = bisect.bisect_right(times, t + half)
        out.append((prefix[hi] - prefix[lo]) / (hi - lo))
    return out


def _climb(values: Sequence[float], threshold: float) -> float:
    gain = 0.0
    low = high = values[0]
    climbing = False
    for v in values[1:]:
        if climbing:
            if v > high:
                high = v
            elif v < high - threshold:
                gain += high - low
                climbing, low = False, v
        elif v < low:
            low = v
        elif v > low + threshold:
            climbing, high = True, v
    if climbing:
        gain += high - low
    return gain


def elevation_gain(samples: Sequence[Sample]) -> float | None:
    """Smoothed total climb (m), per segment; ``None`` without altitudes."""
    gain, seen = 0.0, False
    for segment in _segments(samples):
        points = [(s.t, s.alt) for s in segment if s.alt is not None]
        if len(points) < 2:
            seen = seen or bool(points)
            continue
        seen = True
        times = [p[0] for p in points]
        smoothed = moving_average(times, [p[1] for p in points], ELEVATION_WINDOW_S)
        gain += _climb(smoothed, ELEVATION_HYSTERESIS_M)
    return gain if seen else None


def _segments(samples: Sequence[Sample]) -> list[Sequence[Sample]]:
    out: list[Sequence[Sample]] = []
    start = 0
    for i in range(1, len(samples) + 1):
        if i == len(samples) or samples[i].seg != samples[start].seg:
            out.append(samples[start:i])
            start = i
    return out


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _interpolate(
    samples: Sequence[Sample], i: int, at: float, attr: Callable[[Sample], float | None]
) -> float | None:
    """Value of ``attr`` where the distance reaches ``at``, between samples i-1 and i."""
    b = samples[i]
    vb = attr(b)
    if i == 0:
        return vb
    a = samples[i - 1]
    va = attr(a)
    if va is None or vb is None:
        return vb if vb is not None else va
    da, db = a.dist or 0.0, b.dist or 0.0
    frac = (at - da) / (db - da) if db > da else 1.0
    return va + (vb - va) * frac


def splits(samples: Sequence[Sample], total: float, unit_m: float = 1000.0) -> list[Split]:
    """Per full kilometre, then the remaining part (if at least 1 m); distances sum to total."""
    if len(samples) < 2 or total <= 0:
        return []
    dists = [s.dist or 0.0 for s in samples]
    full = int(total // unit_m)
    bounds = [k * unit_m for k in range(1, full + 1)]
    if total - full * unit_m >= 1.0:
        bounds.append(total)
    out: list[Split] = []
    prev_i, prev_t = 0, samples[0].t
    prev_alt = samples[0].alt if samples[0].alt is not None else _first_alt(samples)
    for index, bound in enumerate(bounds, start=1):
        last = index == len(bounds)
        i = len(samples) - 1 if last else min(bisect.bisect_left(dists, bound), len(samples) - 1)
        at_t = _interpolate(samples, i, bound, lambda s: s.t) if not last else samples[-1].t
        at_t = samples[i].t if at_t is None else at_t
        alt = samples[i].alt if last else _interpolate(samples, i, bound, lambda s: s.alt)
        inside = samples[prev_i : i + 1]
        moving = sum(
            b.t - a.t
            for a, b in itertools.pairwise(inside)
            if a.seg == b.seg and _moving(b.t - a.t, (b.dist or 0.0) - (a.dist or 0.0))
        )
        elapsed = max(0, round(at_t - prev_t))
        hr = mean([s.hr for s in inside[1:]] or [inside[0].hr])
        out.append(
            Split(
                index=index,
                distance_m=round(bound - (index - 1) * unit_m, 2),
                elapsed_time_s=elapsed,
                moving_time_s=min(elapsed, round(moving)),
                elevation_diff_m=(
                    round(alt - prev_alt, 1) if alt is not None and prev_alt is not None else None
                ),
                average_hr=round(hr, 1) if hr is not None else None,
            )
        )
        prev_i, prev_t, prev_alt = i, at_t, alt
    return out


def _first_alt(samples: Sequence[Sample]) -> float | None:
    return next((s.alt for s in samples if s.alt is not None), None)


def downsample_indices(times: Sequence[float], limit: int = MAX_STREAM_POINTS) -> list[int]:
    """At most ``limit`` indices spread evenly in time, always the first and the last."""
    n = len(times)
    if n <= limit:
        return list(range(n))
    t0, span = times[0], times[-1] - times[0]
    if span <= 0:
        return sorted({round(k * (n - 1) / (limit - 1)) for k in range(limit)})
    picked = set()
    for k in range(limit):
        target = t0 + span * k / (limit - 1)
        i = bisect.bisect_left(times, target)
        if i > 0 and (i == n or target - times[i - 1] <= times[i] - target):
            i -= 1
        picked.add(i)
    picked.update((0, n - 1))
    return sorted(picked)


def _filled(values: list[float | None]) -> list[float] | None:
    """Forward- then back-filled, or ``None`` when there is no value at all."""
    first = next((v for v in values if v is not None), None)
    if first is None:
        return None
    out: list[float] = []
    last = first
    for v in values:
        last = v if v is not None else last
        out.append(last)
    return out


def streams(samples: Sequence[Sample], speed: Sequence[float | None]) -> dict[str, list[Any]]:
    idx = downsample_indices([s.t for s in samples])
    picked = [samples[i] for i in idx]
    t0 = samples[0].t
    out: dict[str, list[Any]] = {
        "time": [round(s.t - t0, 1) for s in picked],
        "distance": [round(s.dist or 0.0, 1) for s in picked],
    }
    for key, attr, digits in (
        ("altitude", "alt", 1),
        ("heartrate", "hr", 0),
        ("cadence", "cad", 0),
    ):
        values = _filled([getattr(s, attr) for s in picked])
        if values is not None:
            out[key] = [round(v, digits) for v in values]
    out["pace"] = [
        round(1000.0 / v, 1) if v is not None and v >= STOPPED_SPEED_MS else None
        for v in (speed[i] for i in idx)
    ]
    lats = _filled([s.lat for s in picked])
    lngs = _filled([s.lng for s in picked])
    if lats is not None and lngs is not None:
        out["latlng"] = [[round(a, 6), round(b, 6)] for a, b in zip(lats, lngs, strict=True)]
    return out


def simplify(points: Sequence[tuple[float, float]], limit: int) -> list[tuple[float, float]]:
    """Douglas-Peucker down to at most ``limit`` points, keeping the first and the last.

    One pass ranks every point by the tolerance at which Douglas-Peucker would drop it
    (capped by its parent's, so a threshold on the rank is exactly Douglas-Peucker at
    that tolerance); the ``limit`` best-ranked points are kept.
    """
    n = len(points)
    if n <= limit:
        return list(points)
    lat0 = math.radians(sum(p[0] for p in points) / n)
    xs = [p[1] * 111_320.0 * math.cos(lat0) for p in points]
    ys = [p[0] * 110_540.0 for p in points]
    rank = [0.0] * n
    rank[0] = rank[-1] = math.inf
    stack = [(0, n - 1, math.inf)]
    while stack:
        a, b, cap = stack.pop()
        if b - a < 2:
            continue
        ax, ay, bx, by = xs[a], ys[a], xs[b], ys[b]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        best, best_d = a + 1, -1.0
        for i in range(a + 1, b):
            px, py = xs[i] - ax, ys[i] - ay
            if length2 > 0:
                u = max(0.0, min(1.0, (px * dx + py * dy) / length2))
                px, py = px - u * dx, py - u * dy
            d = px * px + py * py
            if d > best_d:
                best, best_d = i, d
        r = min(math.sqrt(best_d), cap)
        rank[best] = r
        stack.append((a, best, r))
        stack.append((best, b, r))
    keep = sorted(range(n), key=lambda i: rank[i], reverse=True)[:limit]
    return [points[i] for i in sorted(keep)]


def summary_polyline(samples: Sequence[Sample]) -> str | None:
    points = [(s.lat, s.lng) for s in samples if s.lat is not None and s.lng is not None]
    if len(points) < 2:
        return None
    if len(points) > _POLYLINE_INPUT_POINTS:
        step = (len(points) - 1) / (_POLYLINE_INPUT_POINTS - 1)
        points = [points[round(k * step)] for k in range(_POLYLINE_INPUT_POINTS)]
    simplified = simplify(points, MAX_POLYLINE_POINTS)
    return str(polyline_codec.encode(simplified, 5))
