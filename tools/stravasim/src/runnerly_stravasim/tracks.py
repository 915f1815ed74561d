"""Tracks: a deterministic recording for an activity, rebuilt on demand from its spec.

A track is laid out on a uniform distance grid (position and altitude are functions of
distance), then timed: each grid step takes ``step / speed`` seconds, and stops insert
pauses. Heart rate follows the effort (pace and grade) with a lag. The summary an
activity shows and the streams it serves come from the same track, so they agree: the
last point of the distance stream is the activity's distance, the time stream ends at its
elapsed time.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

# Where the demo athlete runs: around home in Lyon, trails in the Monts d'Or, races in town.
PLACES: dict[str, tuple[float, float]] = {
    "home": (45.7745, 4.8530),
    "trails": (45.8226, 4.8106),
    "race": (45.7578, 4.8320),
}
# Terrain per place: base altitude (m) and (amplitude m, wavelength m) components.
TERRAIN: dict[str, tuple[float, tuple[tuple[float, float], ...]]] = {
    "home": (172.0, ((9.0, 3100.0), (5.0, 1700.0), (2.0, 830.0))),
    "trails": (420.0, ((95.0, 4200.0), (45.0, 2100.0), (14.0, 760.0))),
    "race": (168.0, ((6.0, 3400.0), (3.0, 1500.0), (1.5, 700.0))),
}
MAX_POINTS = 10_000
# grade_smooth averages the grade over this many metres either side of a point.
GRADE_SMOOTHING = 25.0
RUN_SPORTS = {"Run", "TrailRun", "VirtualRun"}
HR_REST, HR_MAX = 50.0, 188.0


@dataclass
class Spec:
    """What it takes to rebuild an activity's recording (stored with the activity)."""

    sport_type: str
    distance: float  # metres, to 0.1 m
    # (length in metres, speed in m/s): the planned effort along the way.
    segments: list[tuple[float, float]]
    seed: int
    start: int  # epoch seconds, UTC
    place: str = "home"  # a key of PLACES, or "" for no GPS (treadmill, pool)
    route: str = "loop"  # loop | outback
    intensity: float = 0.68  # fraction of heart-rate reserve at the planned speed
    has_hr: bool = True
    stops: int = 0
    terrain_seed: int = 42
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["segments"] = [list(s) for s in self.segments]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spec:
        values = dict(data)
        values["segments"] = [(float(a), float(b)) for a, b in values["segments"]]
        return cls(**values)

    @property
    def gps(self) -> bool:
        return bool(self.place)


@dataclass
class Track:
    spec: Spec
    step: float  # grid step, metres
    lat: list[float]  # per grid node (empty without GPS)
    lng: list[float]
    alt: list[float]  # per grid node (empty without GPS)
    # Knots in time: t[j] seconds, s[j] metres; interval j -> j+1 is moving or a stop.
    t: list[float]
    s: list[float]
    moving: list[bool]  # per interval
    speed: list[float]  # per interval, m/s (0 for stops)
    hr: list[float]  # per knot
    cadence: list[float]  # per interval

    @property
    def elapsed(self) -> float:
        return self.t[-1]


@lru_cache(maxsize=64)
def _terrain(place: str, terrain_seed: int) -> tuple[tuple[float, float, float, float], ...]:
    base_rng = random.Random(f"terrain:{place}:{terrain_seed}")
    waves = []
    for amplitude, wavelength in TERRAIN[place][1]:
        angle = base_rng.uniform(0, math.pi)
        k = 2 * math.pi / wavelength
        waves.append(
            (amplitude, k * math.cos(angle), k * math.sin(angle), base_rng.uniform(0, 6.3))
        )
    return tuple(waves)


def altitude_at(place: str, terrain_seed: int, x: float, y: float) -> float:
    base = TERRAIN[place][0]
    return base + sum(
        a * math.sin(kx * x + ky * y + ph) for a, kx, ky, ph in _terrain(place, terrain_seed)
    )


def _route(rng: random.Random, n: int, step: float, loop: bool) -> tuple[list[float], list[float]]:
    """Positions (metres east, north of the start) of n+1 grid nodes."""
    heading = rng.uniform(0, 2 * math.pi)
    turn = 0.0
    direction = rng.choice((-1.0, 1.0))
    half = n if loop else n // 2
    curve = direction * 2 * math.pi / half if loop else 0.0
    xs, ys = [0.0], [0.0]
    x = y = 0.0
    for _ in range(half):
        turn = 0.9 * turn + rng.gauss(0.0, 0.035 * math.sqrt(step / 20))
        heading += curve + turn
        x += step * math.sin(heading)
        y += step * math.cos(heading)
        xs.append(x)
        ys.append(y)
    if loop:
        # Close the loop: spread the gap between end and start along the way.
        ex, ey = xs[-1], ys[-1]
        xs = [xi - ex * i / half for i, xi in enumerate(xs)]
        ys = [yi - ey * i / half for i, yi in enumerate(ys)]
    else:
        for i in range(half + 1, n + 1):
            xs.append(xs[n - i])
            ys.append(ys[n - i])
    return xs, ys


def _planned_speed(spec: Spec, s: float) -> float:
    done = 0.0
    for length, speed in spec.segments:
        done += length
        if s < done:
            return speed
    return spec.segments[-1][1]


def _grade_factor(sport: str, grade: float) -> float:
    if sport in {"Ride", "GravelRide", "MountainBikeRide", "VirtualRide", "EBikeRide"}:
        return min(1.6, max(0.3, math.exp(-7.0 * grade)))
    return min(1.25, max(0.45, math.exp(-3.2 * grade)))


def _cadence(sport: str, speed: float, rng: random.Random) -> float:
    if sport in RUN_SPORTS:
        # Strava reports a runner's cadence per foot: 82-92 is 164-184 steps a minute.
        return min(95.0, max(80.0, 84.0 + 3.2 * (speed - 2.8) + rng.gauss(0, 0.6)))
    if sport in {"Walk", "Hike"}:
        return 56.0 + 4.0 * (speed - 1.4) + rng.gauss(0, 0.5)
    if sport in {"Ride", "GravelRide", "MountainBikeRide", "VirtualRide"}:
        return max(0.0, 84.0 + rng.gauss(0, 4.0))
    return 0.0


def build_track(spec: Spec) -> Track:
    rng = random.Random(spec.seed)
    distance = spec.distance
    n = max(20, math.ceil(distance / max(10.0, distance / 1000.0)))
    if n % 2:
        n += 1
    step = distance / n

    lat: list[float] = []
    lng: list[float] = []
    alt: list[float] = []
    if spec.gps:
        xs, ys = _route(rng, n, step, spec.route != "outback")
        lat0, lng0 = PLACES[spec.place]
        lat0 += rng.uniform(-0.0004, 0.0004)
        lng0 += rng.uniform(-0.0004, 0.0004)
        # Each place has its own terrain; the start is the place's origin plus a jitter.
        ox = (lng0 - PLACES[spec.place][1]) * 111_320 * math.cos(math.radians(lat0))
        oy = (lat0 - PLACES[spec.place][0]) * 110_540
        cos_lat = math.cos(math.radians(lat0))
        for x, y in zip(xs, ys, strict=True):
            lat.append(lat0 + y / 110_540)
            lng.append(lng0 + x / (111_320 * cos_lat))
            alt.append(altitude_at(spec.place, spec.terrain_seed, ox + x, oy + y))

    stop_at = set(rng.sample(range(5, n - 5), k=min(spec.stops, max(0, n - 10))))
    t = [0.0]
    s = [0.0]
    moving: list[bool] = []
    speeds: list[float] = []
    cadence: list[float] = []
    hr = [HR_REST + 30.0 + rng.uniform(-5, 5)]
    noise = 0.0
    reserve = HR_MAX - HR_REST
    for i in range(n):
        mid = (i + 0.5) * step
        planned = _planned_speed(spec, mid)
        grade = (alt[i + 1] - alt[i]) / step if alt else 0.0
        noise = 0.85 * noise + rng.gauss(0.0, 0.012 * math.sqrt(step / 10))
        speed = max(0.3, planned * _grade_factor(spec.sport_type, grade) * (1.0 + noise))
        dt = step / speed
        # Effort: what the planned speed asks for, more uphill, with cardiac drift.
        effort = max(0.3, (speed / spec.segments[0][1]) * (1.0 + 4.5 * grade))
        drift = 0.03 * t[-1] / 3600.0
        target = HR_REST + reserve * min(0.99, max(0.3, spec.intensity * effort**1.6 + drift))
        hr.append(hr[-1] + (target - hr[-1]) * (1.0 - math.exp(-dt / 25.0)))
        t.append(t[-1] + dt)
        s.append((i + 1) * step)
        moving.append(True)
        speeds.append(speed)
        cadence.append(_cadence(spec.sport_type, speed, rng))
        if i in stop_at:
            pause = float(rng.randint(8, 45))
            recovered = HR_REST + 0.35 * reserve
            hr.append(hr[-1] + (recovered - hr[-1]) * (1.0 - math.exp(-pause / 40.0)))
            t.append(t[-1] + pause)
            s.append(s[-1])
            moving.append(False)
            speeds.append(0.0)
            cadence.append(0.0)
    s[-1] = distance
    return Track(spec, step, lat, lng, alt, t, s, moving, speeds, hr, cadence)


# --- Summaries -------------------------------------------------------------------------


def summarize(track: Track) -> dict[str, Any]:
    """The activity's numbers, as Strava computes them from its recording."""
    spec = track.spec
    moving_time = sum(
        b - a for a, b, m in zip(track.t, track.t[1:], track.moving, strict=False) if m
    )
    elapsed = track.elapsed
    out: dict[str, Any] = {
        "distance": round(spec.distance, 1),
        "moving_time": round(moving_time),
        "elapsed_time": round(elapsed),
        "average_speed": round(spec.distance / max(1.0, moving_time), 3),
        "max_speed": round(max(track.speed) * 1.04, 3),
    }
    if track.alt:
        gain = sum(max(0.0, b - a) for a, b in zip(track.alt, track.alt[1:], strict=False))
        out["total_elevation_gain"] = round(gain, 1)
        out["elev_high"] = round(max(track.alt), 1)
        out["elev_low"] = round(min(track.alt), 1)
    else:
        out["total_elevation_gain"] = 0.0
    if spec.has_hr:
        weighted = sum(
            (b - a) * (h1 + h2) / 2
            for a, b, h1, h2 in zip(track.t, track.t[1:], track.hr, track.hr[1:], strict=False)
        )
        out["average_heartrate"] = round(weighted / max(1.0, elapsed), 1)
        out["max_heartrate"] = float(round(max(track.hr)))
    cad_time = sum(
        b - a
        for a, b, m, c in zip(track.t, track.t[1:], track.moving, track.cadence, strict=False)
        if m and c > 0
    )
    if cad_time:
        cad = sum(
            (b - a) * c
            for a, b, m, c in zip(track.t, track.t[1:], track.moving, track.cadence, strict=False)
            if m and c > 0
        )
        out["average_cadence"] = round(cad / cad_time, 1)
    if track.lat:
        out["start_latlng"] = [round(track.lat[0], 2), round(track.lng[0], 2)]
        out["end_latlng"] = [round(track.lat[-1], 2), round(track.lng[-1], 2)]
    else:
        out["start_latlng"] = []
        out["end_latlng"] = []
    return out


def latlngs(track: Track, every: int = 1) -> list[tuple[float, float]]:
    points = [
        (round(a, 5), round(b, 5))
        for i, (a, b) in enumerate(zip(track.lat, track.lng, strict=True))
        if i % every == 0
    ]
    if track.lat and (len(track.lat) - 1) % every:
        points.append((round(track.lat[-1], 5), round(track.lng[-1], 5)))
    return points


def time_at(track: Track, distance: float) -> float:
    """The first time the track reaches a distance."""
    for j in range(len(track.s) - 1):
        a, b = track.s[j], track.s[j + 1]
        if b >= distance and b > a:
            return track.t[j] + (track.t[j + 1] - track.t[j]) * (distance - a) / (b - a)
    return track.elapsed


def alt_at(track: Track, distance: float) -> float:
    if not track.alt:
        return 0.0
    pos = min(distance / track.step, len(track.alt) - 1.0)
    i = min(int(pos), len(track.alt) - 2)
    f = pos - i
    return track.alt[i] + (track.alt[i + 1] - track.alt[i]) * f


def window(track: Track, start: float, end: float) -> dict[str, float]:
    """Elapsed and moving time, heart rate, cadence and top speed between two distances."""
    t0, t1 = time_at(track, start), time_at(track, end)
    moving = hr_sum = cad_sum = top = 0.0
    for j in range(len(track.s) - 1):
        a, b = track.t[j], track.t[j + 1]
        lo, hi = max(a, t0), min(b, t1)
        if hi <= lo:
            continue
        share = hi - lo
        if track.moving[j]:
            moving += share
            cad_sum += share * track.cadence[j]
            top = max(top, track.speed[j])
        hr_sum += share * (track.hr[j] + track.hr[j + 1]) / 2
    elapsed = max(t1 - t0, 1e-9)
    return {
        "elapsed": t1 - t0,
        "moving": moving,
        "t0": t0,
        "t1": t1,
        "hr": hr_sum / elapsed,
        "cadence": cad_sum / moving if moving else 0.0,
        "max_speed": top,
    }


# --- Streams ---------------------------------------------------------------------------


def sample_interval(track: Track) -> int:
    return max(1, math.ceil(track.elapsed / (MAX_POINTS - 1)))


def smoothed_grades(track: Track) -> list[float]:
    """The grade of each grid step, in percent, averaged over its neighbourhood."""
    raw = [100.0 * (b - a) / track.step for a, b in zip(track.alt, track.alt[1:], strict=False)]
    reach = max(1, round(GRADE_SMOOTHING / track.step))
    sums = [0.0]
    for grade in raw:
        sums.append(sums[-1] + grade)
    out = []
    for i in range(len(raw)):
        lo, hi = max(0, i - reach), min(len(raw), i + reach + 1)
        out.append((sums[hi] - sums[lo]) / (hi - lo))
    return out


def streams(track: Track) -> dict[str, list[Any]]:
    """Every stream the recording has, sampled every second (or every few seconds)."""
    spec = track.spec
    rng = random.Random(spec.seed + 1)
    dt = sample_interval(track)
    elapsed = round(track.elapsed)
    times = [*list(range(0, elapsed, dt)), elapsed]
    scale = track.elapsed / max(1, elapsed)
    out: dict[str, list[Any]] = {
        "time": times,
        "distance": [],
        "velocity_smooth": [],
        "moving": [],
    }
    grades: list[float] = []
    if track.lat:
        out["latlng"] = []
        out["altitude"] = []
        out["grade_smooth"] = []
        grades = smoothed_grades(track)
    if spec.has_hr:
        out["heartrate"] = []
    if any(c > 0 for c in track.cadence):
        out["cadence"] = []
    j = 0
    last = len(track.t) - 2
    for tau in times:
        real = tau * scale
        while j < last and track.t[j + 1] < real:
            j += 1
        a, b = track.t[j], track.t[j + 1]
        f = 0.0 if b <= a else min(1.0, max(0.0, (real - a) / (b - a)))
        dist = track.s[j] + (track.s[j + 1] - track.s[j]) * f
        moving = track.moving[j] and tau > 0
        out["distance"].append(round(dist, 1))
        speed = track.speed[j] * (1.0 + rng.gauss(0.0, 0.015)) if moving else 0.0
        out["velocity_smooth"].append(round(speed, 3))
        out["moving"].append(moving)
        if "latlng" in out:
            pos = min(dist / track.step, len(track.lat) - 1.0)
            i = min(int(pos), len(track.lat) - 2)
            g = pos - i
            out["latlng"].append(
                [
                    round(track.lat[i] + (track.lat[i + 1] - track.lat[i]) * g, 6),
                    round(track.lng[i] + (track.lng[i + 1] - track.lng[i]) * g, 6),
                ]
            )
            out["altitude"].append(round(track.alt[i] + (track.alt[i + 1] - track.alt[i]) * g, 1))
            out["grade_smooth"].append(round(grades[i], 1))
        if "heartrate" in out:
            beat = track.hr[j] + (track.hr[j + 1] - track.hr[j]) * f + rng.gauss(0.0, 0.8)
            out["heartrate"].append(round(beat))
        if "cadence" in out:
            out["cadence"].append(round(track.cadence[j] + rng.gauss(0.0, 0.5)) if moving else 0)
    out["distance"][-1] = round(spec.distance, 1)
    return out
