"""The demo athlete and two years of history, deterministic from a seed."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import polyline

from runnerly_stravasim.tracks import (
    HR_MAX,
    RUN_SPORTS,
    Spec,
    Track,
    build_track,
    latlngs,
    summarize,
)

ATHLETE_ID = 1234567
TIMEZONE = "Europe/Paris"
TIMEZONE_LABEL = "(GMT+01:00) Europe/Paris"
TZ = ZoneInfo(TIMEZONE)
SHOE_ID = "g11350027"
SHOE_TRAIL_ID = "g11350028"
BIKE_ID = "b7304512"
DEVICE = "Garmin Forerunner 255"
# The athlete's gear, as GET /gear/{id} describes it; activities name it by gear_id.
GEAR: dict[str, dict[str, Any]] = {
    SHOE_ID: {"primary": True, "name": "Road shoes", "brand_name": "ASICS",
              "model_name": "Novablast 4", "description": "Everyday and race shoes."},
    SHOE_TRAIL_ID: {"primary": False, "name": "Trail shoes", "brand_name": "HOKA",
                    "model_name": "Speedgoat 5", "description": "Monts d'Or trails."},
    BIKE_ID: {"primary": True, "name": "Vélo de route", "brand_name": "Canyon",
              "model_name": "Endurace CF 7", "frame_type": 3, "description": ""},
}
# Strava's default heart-rate zones: shares of the maximum heart rate.
HR_ZONE_SHARES = (0.65, 0.81, 0.89, 0.97)

FIRST_NAMES = ("Claire", "Camille", "Julie", "Léa", "Marion", "Élodie")
LAST_NAMES = ("Morel", "Girard", "Fournier", "Lambert", "Bonnet", "Faure")

# Activity type for a sport type (the legacy ``type`` field).
LEGACY_TYPE = {
    "TrailRun": "Run",
    "GravelRide": "Ride",
    "MountainBikeRide": "Ride",
    "EMountainBikeRide": "EBikeRide",
}
SPORT_WORDS = {
    "TrailRun": "Trail Run",
    "GravelRide": "Gravel Ride",
    "VirtualRun": "Virtual Run",
    "VirtualRide": "Virtual Ride",
}


def legacy_type(sport_type: str) -> str:
    return LEGACY_TYPE.get(sport_type, sport_type)


def default_name(sport_type: str, local: dt.datetime) -> str:
    hour = local.hour
    part = (
        "Morning"
        if 4 <= hour < 11
        else "Lunch"
        if hour < 14
        else "Afternoon"
        if hour < 18
        else "Evening"
        if hour < 21
        else "Night"
    )
    return f"{part} {SPORT_WORDS.get(sport_type, sport_type)}"


def athlete(seed: int, created_at: int, distances: dict[str, float]) -> dict[str, Any]:
    """The demo athlete as a DetailedAthlete (resource_state 3), with the metres logged
    with each piece of gear."""
    rng = random.Random(f"athlete:{seed}")
    stamp = iso(created_at)
    return {
        "id": ATHLETE_ID,
        "username": None,
        "resource_state": 3,
        "firstname": rng.choice(FIRST_NAMES),
        "lastname": rng.choice(LAST_NAMES),
        "bio": "",
        "city": "Lyon",
        "state": "Auvergne-Rhône-Alpes",
        "country": "France",
        "sex": "F",
        "premium": True,
        "summit": True,
        "created_at": "2016-03-14T08:21:37Z",
        "updated_at": stamp,
        "badge_type_id": 1,
        "weight": round(rng.uniform(54.0, 62.0), 1),
        "profile_medium": "avatar/athlete/medium.png",
        "profile": "avatar/athlete/large.png",
        "friend": None,
        "follower": None,
        "follower_count": 48,
        "friend_count": 61,
        "mutual_friend_count": 0,
        "athlete_type": 0,
        "date_preference": "%m/%d/%Y",
        "measurement_preference": "meters",
        "ftp": None,
        "clubs": [],
        "bikes": [summary_gear(BIKE_ID, distances.get(BIKE_ID, 0.0))],
        "shoes": [
            summary_gear(gear_id, distances.get(gear_id, 0.0))
            for gear_id in (SHOE_ID, SHOE_TRAIL_ID)
        ],
    }


def summary_gear(gear_id: str, distance: float) -> dict[str, Any]:
    """SummaryGear (resource_state 2), as listed on the athlete and an activity."""
    gear = GEAR[gear_id]
    return {
        "id": gear_id,
        "primary": gear["primary"],
        "name": gear["name"],
        "resource_state": 2,
        "distance": distance,
    }


def detailed_gear(gear_id: str, distance: float) -> dict[str, Any]:
    """DetailedGear (resource_state 3): GET /gear/{id}."""
    out = summary_gear(gear_id, distance) | {
        k: v for k, v in GEAR[gear_id].items() if k not in {"primary", "name"}
    }
    out["resource_state"] = 3
    return out


def heart_rate_zones() -> list[dict[str, int]]:
    """Five zones from 0 to open-ended (max -1), as Strava sends them."""
    bounds = [0, *(round(HR_MAX * share) for share in HR_ZONE_SHARES), -1]
    return [{"min": a, "max": b} for a, b in itertools.pairwise(bounds)]


def summary_athlete(full: dict[str, Any]) -> dict[str, Any]:
    """The SummaryAthlete that /oauth/token returns."""
    keys = (
        "id",
        "username",
        "firstname",
        "lastname",
        "bio",
        "city",
        "state",
        "country",
        "sex",
        "premium",
        "summit",
        "created_at",
        "updated_at",
        "badge_type_id",
        "weight",
        "profile_medium",
        "profile",
        "friend",
        "follower",
    )
    out = {k: full[k] for k in keys}
    out["resource_state"] = 2
    return out


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(stamp: str) -> int:
    """Epoch seconds of a Strava UTC date-time (``2026-03-10T10:07:00Z``)."""
    moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def local_parts(epoch: int) -> tuple[str, int]:
    """start_date_local (Strava writes local wall time with a Z) and the UTC offset."""
    local = dt.datetime.fromtimestamp(epoch, TZ)
    offset = local.utcoffset() or dt.timedelta()
    return local.strftime("%Y-%m-%dT%H:%M:%SZ"), int(offset.total_seconds())


# --- What the athlete did ---------------------------------------------------------------


@dataclass
class Planned:
    spec: Spec
    name: str = ""
    workout_type: int | None = None
    visibility: str = "everyone"
    trainer: bool = False
    description: str = ""
    keep: bool = False  # never dropped when the count is trimmed
    kudos: int = 0
    gear_id: str | None = None
    tags: list[str] = field(default_factory=list)


def _speed(pace_s_per_km: float) -> float:
    return 1000.0 / pace_s_per_km


def _local_epoch(day: dt.date, hour: int, minute: int, second: int = 0) -> int:
    return int(
        dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ).timestamp()
    )


RACES = (
    # week index, name, sport, distance (m), pace (s/km), intensity
    (14, "Lyon 10K", "Run", 10_000.0, 258.0, 0.9),
    (30, "Lyon Half Marathon", "Run", 21_097.5, 272.0, 0.86),
    (44, "Parc de la Tête d'Or 5K", "Run", 5_000.0, 246.0, 0.93),
    (52, "Lyon Urban Trail", "TrailRun", 23_000.0, 330.0, 0.84),
    (74, "Lyon Marathon", "Run", 42_195.0, 292.0, 0.8),
    (88, "Villeurbanne 10K", "Run", 10_000.0, 252.0, 0.9),
    (98, "Annecy Half Marathon", "Run", 21_097.5, 266.0, 0.86),
)


class _Planner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"history:{seed}")
        self.seed = seed

    def _seed(self) -> int:
        return self.rng.randrange(1, 2**31)

    def easy(self, day: dt.date, fitness: float, has_hr: bool, **kw: Any) -> Planned:
        rng = self.rng
        distance = round(rng.uniform(6_000, 12_000), 1)
        speed = _speed(rng.uniform(315, 360) - fitness)
        hour, minute = rng.choice(((7, 5), (12, 20), (18, 30), (19, 10)))
        start = _local_epoch(day, hour, minute + rng.randint(0, 25), rng.randint(0, 59))
        spec = Spec(
            "Run",
            distance,
            [(distance, speed)],
            self._seed(),
            start,
            route=rng.choice(("loop", "loop", "outback")),
            intensity=0.66,
            has_hr=has_hr,
            stops=rng.randint(0, 2),
            terrain_seed=self.seed,
        )
        return Planned(spec, gear_id=SHOE_ID, **kw)

    def treadmill(self, day: dt.date, fitness: float, has_hr: bool) -> Planned:
        rng = self.rng
        distance = round(rng.uniform(6_000, 10_000), 1)
        speed = _speed(rng.uniform(320, 350) - fitness)
        start = _local_epoch(day, 12, rng.randint(10, 35), rng.randint(0, 59))
        spec = Spec(
            "Run",
            distance,
            [(distance, speed)],
            self._seed(),
            start,
            place="",
            intensity=0.66,
            has_hr=has_hr,
            terrain_seed=self.seed,
        )
        return Planned(spec, name="Treadmill", trainer=True, gear_id=SHOE_ID, keep=True)

    def long(self, day: dt.date, week: int, fitness: float, has_hr: bool) -> Planned:
        rng = self.rng
        base = 16_000 + 10_000 * (week % 16) / 15
        if 62 <= week < 73:
            base = 22_000 + 8_000 * (week - 62) / 10
        distance = round(min(30_000.0, base + rng.uniform(-1_500, 1_500)), 1)
        speed = _speed(rng.uniform(330, 355) - fitness)
        start = _local_epoch(day, 8, 30 + rng.randint(0, 25), rng.randint(0, 59))
        spec = Spec(
            "Run",
            distance,
            [(distance * 0.7, speed), (distance * 0.3, speed * 1.03)],
            self._seed(),
            start,
            route=rng.choice(("loop", "outback")),
            intensity=0.7,
            has_hr=has_hr,
            stops=rng.randint(0, 3),
            terrain_seed=self.seed,
        )
        name = rng.choice(("Long run", "Sunday long run", default_name("Run", _wall(start))))
        return Planned(spec, name=name, workout_type=2, gear_id=SHOE_ID)

    def intervals(self, day: dt.date, fitness: float, has_hr: bool) -> Planned:
        rng = self.rng
        rep, count, pace = rng.choice(
            ((400, 10, 222), (800, 6, 230), (1000, 5, 238), (1000, 6, 238))
        )
        easy = _speed(rng.uniform(330, 355) - fitness)
        work = _speed(pace - fitness / 2)
        jog = easy * 0.75
        segments: list[tuple[float, float]] = [(2_000.0, easy)]
        for i in range(count):
            segments.append((float(rep), work))
            if i < count - 1:
                segments.append((rep / 2.0, jog))
        segments.append((1_500.0, easy))
        distance = round(sum(length for length, _ in segments), 1)
        start = _local_epoch(day, 18, 40 + rng.randint(0, 15), rng.randint(0, 59))
        spec = Spec(
            "Run",
            distance,
            segments,
            self._seed(),
            start,
            route="loop",
            intensity=0.64,
            has_hr=has_hr,
            terrain_seed=self.seed,
            extra={"laps": "segments"},
        )
        return Planned(
            spec,
            name=f"Intervals {count}x{rep}m",
            workout_type=3,
            gear_id=SHOE_ID,
            description=f"{count} x {rep} m, {rep // 2} m jog recoveries.",
        )

    def tempo(self, day: dt.date, fitness: float, has_hr: bool) -> Planned:
        rng = self.rng
        block = float(rng.choice((5_000, 6_000, 7_000, 8_000, 10_000)))
        easy = _speed(rng.uniform(330, 350) - fitness)
        fast = _speed(rng.uniform(268, 282) - fitness / 2)
        segments = [(2_000.0, easy), (block, fast), (1_500.0, easy)]
        distance = round(sum(length for length, _ in segments), 1)
        start = _local_epoch(day, 18, 35 + rng.randint(0, 20), rng.randint(0, 59))
        spec = Spec(
            "Run",
            distance,
            segments,
            self._seed(),
            start,
            route="loop",
            intensity=0.64,
            has_hr=has_hr,
            terrain_seed=self.seed,
            extra={"laps": "segments"},
        )
        return Planned(spec, name=f"Tempo {int(block // 1000)} km", workout_type=3, gear_id=SHOE_ID)

    def race(self, day: dt.date, race: tuple[Any, ...], has_hr: bool) -> Planned:
        rng = self.rng
        _, name, sport, official, pace, intensity = race
        distance = round(official * rng.uniform(1.003, 1.012), 1)
        speed = _speed(pace)
        if official > 20_000:
            segments = [(distance * 0.8, speed), (distance * 0.2, speed * 0.96)]
        else:
            segments = [(distance, speed)]
        hour = 8 if official > 20_000 else 9
        start = _local_epoch(day, hour, 30, rng.randint(0, 59))
        trail = sport == "TrailRun"
        spec = Spec(
            sport,
            distance,
            segments,
            self._seed(),
            start,
            place="trails" if trail else "race",
            route="loop",
            intensity=intensity,
            has_hr=has_hr,
            terrain_seed=self.seed,
        )
        return Planned(
            spec,
            name=name,
            workout_type=1,
            keep=True,
            kudos=rng.randint(8, 30),
            gear_id=SHOE_TRAIL_ID if trail else SHOE_ID,
            tags=["race"],
        )

    def trail(self, day: dt.date, fitness: float, has_hr: bool) -> Planned:
        rng = self.rng
        distance = round(rng.uniform(10_000, 22_000), 1)
        speed = _speed(rng.uniform(340, 370) - fitness)
        start = _local_epoch(day, 9, rng.randint(0, 40), rng.randint(0, 59))
        spec = Spec(
            "TrailRun",
            distance,
            [(distance, speed)],
            self._seed(),
            start,
            place="trails",
            route=rng.choice(("loop", "outback")),
            intensity=0.72,
            has_hr=has_hr,
            stops=rng.randint(0, 2),
            terrain_seed=self.seed,
        )
        return Planned(spec, gear_id=SHOE_TRAIL_ID)

    def ride(self, day: dt.date, has_hr: bool) -> Planned:
        rng = self.rng
        distance = round(rng.uniform(30_000, 80_000), 1)
        speed = rng.uniform(7.0, 8.3)
        start = _local_epoch(day, 9, rng.randint(0, 50), rng.randint(0, 59))
        sport = "GravelRide" if rng.random() < 0.15 else "Ride"
        spec = Spec(
            sport,
            distance,
            [(distance, speed)],
            self._seed(),
            start,
            route="loop",
            intensity=0.6,
            has_hr=has_hr,
            stops=rng.randint(0, 3),
            terrain_seed=self.seed,
        )
        return Planned(spec, workout_type=10, gear_id=BIKE_ID)

    def walk(self, day: dt.date) -> Planned:
        rng = self.rng
        distance = round(rng.uniform(3_000, 8_000), 1)
        start = _local_epoch(day, rng.choice((11, 15, 17)), rng.randint(0, 50), rng.randint(0, 59))
        spec = Spec(
            "Walk",
            distance,
            [(distance, rng.uniform(1.3, 1.5))],
            self._seed(),
            start,
            route=rng.choice(("loop", "outback")),
            intensity=0.36,
            has_hr=rng.random() < 0.5,
            stops=rng.randint(0, 2),
            terrain_seed=self.seed,
        )
        return Planned(spec)

    def swim(self, day: dt.date) -> Planned:
        rng = self.rng
        distance = float(rng.randrange(1_500, 3_050, 50))
        start = _local_epoch(day, 12, rng.randint(0, 30), rng.randint(0, 59))
        spec = Spec(
            "Swim",
            distance,
            [(distance, rng.uniform(0.75, 0.88))],
            self._seed(),
            start,
            place="",
            intensity=0.6,
            has_hr=False,
            stops=rng.randint(4, 8),
            terrain_seed=self.seed,
        )
        return Planned(spec)


def _wall(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, TZ)


def plan_history(seed: int, anchor: int, count: int) -> list[Planned]:
    """About two years of a runner's training ending at ``anchor``, exactly ``count`` long."""
    p = _Planner(seed)
    rng = p.rng
    today = _wall(anchor).date()
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=103)
    races = {week: race for week, *_ in RACES for race in RACES if race[0] == week}
    out: list[Planned] = []
    treadmills = 0
    for week in range(104):
        d0 = monday + dt.timedelta(weeks=week)
        fitness = 10.0 * week / 103  # seconds per km gained over the two years

        def hr(week: int = week) -> bool:
            # An older watch without heart rate for the first two months, then a few misses.
            return week >= 8 and rng.random() > 0.04

        after_race = (week - 1) in races
        runs = 3 if after_race else rng.choice((3, 4, 4, 5, 5, 6))
        winter = d0.month in (12, 1, 2)
        # Sunday: race or long run; Tuesday: intervals; Thursday: tempo or easy.
        if week in races:
            out.append(p.race(d0 + dt.timedelta(days=6), races[week], hr()))
        else:
            out.append(p.long(d0 + dt.timedelta(days=6), week, fitness, hr()))
        if runs >= 3:
            out.append(p.intervals(d0 + dt.timedelta(days=1), fitness, hr()))
        if runs >= 4:
            thursday = d0 + dt.timedelta(days=3)
            if rng.random() < 0.55:
                out.append(p.tempo(thursday, fitness, hr()))
            else:
                out.append(p.easy(thursday, fitness, hr()))
        easy_days = runs - 2 - (1 if runs >= 4 else 0)
        for day in (5, 0, 2, 4)[:easy_days]:
            when = d0 + dt.timedelta(days=day)
            if day == 5 and rng.random() < 0.25:
                out.append(p.trail(when, fitness, hr()))
            elif (winter and rng.random() < 0.3) or (week == 60 and treadmills == 0):
                out.append(p.treadmill(when, fitness, hr()))
                treadmills += 1
            else:
                out.append(p.easy(when, fitness, hr()))
        summer = d0.month in (5, 6, 7, 8, 9)
        if rng.random() < (0.55 if summer else 0.3):
            out.append(p.ride(d0 + dt.timedelta(days=5), hr()))
        if rng.random() < 0.3:
            out.append(p.walk(d0 + dt.timedelta(days=rng.choice((0, 2, 4)))))
        if rng.random() < 0.25:
            out.append(p.swim(d0 + dt.timedelta(days=2)))

    out = [a for a in out if a.spec.start < anchor - 3600]
    if not any(a.trainer for a in out):
        out.append(p.treadmill(today - dt.timedelta(days=40), 5.0, True))
    # Exactly `count`: drop ordinary sessions at random, or add easy runs on random days.
    while len(out) > count:
        candidates = [i for i, a in enumerate(out) if not a.keep]
        if not candidates:
            break
        out.pop(rng.choice(candidates))
    while len(out) < count:
        when = today - dt.timedelta(days=rng.randint(1, 720))
        extra = p.easy(when, 5.0, rng.random() > 0.05)
        if extra.spec.start < anchor - 3600:
            out.append(extra)
    out.sort(key=lambda a: a.spec.start)
    for a in out:
        if not a.tags:
            roll = rng.random()
            a.visibility = (
                "only_me" if roll < 0.03 else "followers_only" if roll < 0.08 else "everyone"
            )
        if not a.kudos:
            a.kudos = rng.randint(0, 12)
    return out


# --- Activities as Strava serves them ------------------------------------------------------


def summary_polyline(track: Track) -> str:
    if not track.lat:
        return ""
    every = max(1, (len(track.lat) - 1) // 150)
    return str(polyline.encode(latlngs(track, every), 5))


def full_polyline(track: Track) -> str:
    return str(polyline.encode(latlngs(track), 5)) if track.lat else ""


def make_summary(activity_id: int, planned: Planned, track: Track) -> dict[str, Any]:
    """A SummaryActivity (resource_state 2) for a planned activity and its recording."""
    spec = planned.spec
    numbers = summarize(track)
    local, offset = local_parts(spec.start)
    digest = hashlib.sha1(f"{activity_id}".encode(), usedforsecurity=False).hexdigest()
    upload_id = activity_id + 1_000_000_000_000
    has_hr = spec.has_hr
    out: dict[str, Any] = {
        "resource_state": 2,
        "athlete": {"id": ATHLETE_ID, "resource_state": 1},
        "name": planned.name or default_name(spec.sport_type, _wall(spec.start)),
        "distance": numbers["distance"],
        "moving_time": numbers["moving_time"],
        "elapsed_time": numbers["elapsed_time"],
        "total_elevation_gain": numbers["total_elevation_gain"],
        "type": legacy_type(spec.sport_type),
        "sport_type": spec.sport_type,
        "workout_type": planned.workout_type,
        "id": activity_id,
        "external_id": f"garmin_ping_{digest[:12]}",
        "upload_id": upload_id,
        "upload_id_str": str(upload_id),
        "start_date": iso(spec.start),
        "start_date_local": local,
        "timezone": TIMEZONE_LABEL,
        "utc_offset": float(offset),
        "location_city": None,
        "location_state": None,
        "location_country": "France",
        "achievement_count": 0,
        "kudos_count": planned.kudos,
        "comment_count": 0,
        "athlete_count": 1,
        "photo_count": 0,
        "map": {
            "id": f"a{activity_id}",
            "summary_polyline": summary_polyline(track),
            "resource_state": 2,
        },
        "device_name": DEVICE,
        "trainer": planned.trainer,
        "commute": False,
        "manual": False,
        "private": planned.visibility == "only_me",
        "visibility": planned.visibility,
        "flagged": False,
        "gear_id": planned.gear_id,
        "start_latlng": numbers["start_latlng"],
        "end_latlng": numbers["end_latlng"],
        "average_speed": numbers["average_speed"],
        "max_speed": numbers["max_speed"],
        "has_heartrate": has_hr,
        "heartrate_opt_out": False,
        "display_hide_heartrate_option": has_hr,
        "from_accepted_tag": False,
        "pr_count": 0,
        "total_photo_count": 0,
        "has_kudoed": False,
    }
    if "average_cadence" in numbers:
        out["average_cadence"] = numbers["average_cadence"]
    if has_hr:
        out["average_heartrate"] = numbers["average_heartrate"]
        out["max_heartrate"] = numbers["max_heartrate"]
        out["suffer_score"] = float(
            round(numbers["moving_time"] / 60 * (numbers["average_heartrate"] - 100) / 40)
        )
    if "elev_high" in numbers:
        out["elev_high"] = numbers["elev_high"]
        out["elev_low"] = numbers["elev_low"]
    if spec.sport_type in RUN_SPORTS or spec.sport_type == "Walk":
        out["workout_type"] = planned.workout_type if planned.workout_type is not None else 0
    return out


@lru_cache(maxsize=4)
def demo_history(
    seed: int, anchor: int, count: int
) -> tuple[tuple[int, dict[str, Any], dict[str, Any]], ...]:
    """(id, summary, spec) for every demo activity: built once per process and seed."""
    planned = plan_history(seed, anchor, count)
    rng = random.Random(f"ids:{seed}")
    next_id = 9_000_000_000 + rng.randrange(0, 1_000_000)
    out = []
    for p in planned:
        next_id += rng.randrange(50_000, 9_000_000)
        track = build_track(p.spec)
        summary = make_summary(next_id, p, track)
        spec = p.spec.to_json()
        spec["description"] = p.description
        out.append((next_id, summary, spec))
    return tuple(out)
