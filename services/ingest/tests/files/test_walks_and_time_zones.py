"""Walks and hikes told from runs, and the time zone a file's run gets: the same outings
written as GPX, TCX and FIT (FIT built with fit-tool, read back by the real parser)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.sport_message import SportMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

from runnerly_ingest.files import (
    LooksLikeWalk,
    NotARun,
    ParsedActivity,
    TooShort,
    parse_activity,
)
from runnerly_ingest.files.parse import read_activity

DATA = Path(__file__).parent / "data"
START = datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
LJUBLJANA = (46.05, 14.5)


@dataclass
class Outing:
    """A recording going north-east from ``at``, a point every ``step_s`` seconds.

    ``phases``: (seconds, km/h over the ground, metres climbed per km), repeated
    ``repeat`` times; ``offset``: the local time's offset the file's times are written in
    (GPX/TCX) or its activity's local timestamp says (FIT); ``positions`` off: a treadmill.
    """

    phases: list[tuple[float, float, float]]
    repeat: int = 1
    at: tuple[float, float] = LJUBLJANA
    start: datetime = START
    offset: timedelta | None = None
    positions: bool = True
    step_s: float = 5.0
    title: str | None = None
    points: list[tuple[datetime, float, float, float, float]] = field(init=False)

    def __post_init__(self) -> None:
        """(time, lat, lng, distance, altitude) of every point."""
        t, dist, alt = 0.0, 0.0, 300.0
        self.points = [(self.start, *self.at, 0.0, alt)]
        for _ in range(self.repeat):
            for seconds, kmh, climb_per_km in self.phases:
                for _ in range(round(seconds / self.step_s)):
                    step = kmh / 3.6 * self.step_s
                    t, dist, alt = t + self.step_s, dist + step, alt + step * climb_per_km / 1000
                    # along a diagonal: each degree of latitude 111.2 km, of longitude less
                    lat = self.at[0] + dist / math.sqrt(2) / 111_195.0
                    lng = self.at[1] + dist / math.sqrt(2) / (
                        111_195.0 * math.cos(math.radians(self.at[0]))
                    )
                    self.points.append((self.start + timedelta(seconds=t), lat, lng, dist, alt))


def _stamp(at: datetime, offset: timedelta | None) -> str:
    if offset is None:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return at.astimezone(timezone(offset)).isoformat()


def gpx(outing: Outing, sport: str | None) -> bytes:
    rows = []
    for at, lat, lng, _, alt in outing.points:
        rows.append(f'<trkpt lat="{lat:.7f}" lon="{lng:.7f}"><ele>{alt:.1f}</ele>'
                    f"<time>{_stamp(at, outing.offset)}</time></trkpt>")
    kind = f"<type>{sport}</type>" if sport is not None else ""
    title = f"<name>{outing.title}</name>" if outing.title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk>{title}{kind}<trkseg>{''.join(rows)}</trkseg></trk></gpx>"
    ).encode()


def tcx(outing: Outing, sport: str | None) -> bytes:
    rows = []
    for at, lat, lng, dist, alt in outing.points:
        where = (
            f"<Position><LatitudeDegrees>{lat:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{lng:.7f}</LongitudeDegrees></Position>"
            if outing.positions
            else ""
        )
        rows.append(
            f"<Trackpoint><Time>{_stamp(at, outing.offset)}</Time>{where}"
            f"<AltitudeMeters>{alt:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{dist:.2f}</DistanceMeters></Trackpoint>"
        )
    first = _stamp(outing.points[0][0], outing.offset)
    kind = f' Sport="{sport}"' if sport is not None else ""
    notes = f"<Notes>{outing.title}</Notes>" if outing.title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2">'
        f"<Activities><Activity{kind}><Id>{first}</Id><Lap StartTime=\"{first}\">"
        f"<Track>{''.join(rows)}</Track></Lap>{notes}</Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


_FIT_SPORTS = {
    "walking": (Sport.WALKING, SubSport.GENERIC),
    "hiking": (Sport.HIKING, SubSport.GENERIC),
    "running": (Sport.RUNNING, SubSport.GENERIC),
    "trail": (Sport.RUNNING, SubSport.TRAIL),
    "generic": (Sport.GENERIC, SubSport.GENERIC),
    "cycling": (Sport.CYCLING, SubSport.ROAD),
}


def fit(outing: Outing, sport: str | None) -> bytes:
    def ms(at: datetime) -> int:
        return round(at.timestamp() * 1000)

    builder = FitFileBuilder(auto_define=True)
    ids = FileIdMessage()
    ids.type = FileType.ACTIVITY
    ids.manufacturer = Manufacturer.GARMIN.value
    ids.product = 0
    ids.serial_number = 1
    ids.time_created = ms(outing.start)
    builder.add(ids)
    for at, lat, lng, dist, alt in outing.points:
        record = RecordMessage()
        record.timestamp = ms(at)
        if outing.positions:
            record.position_lat = lat
            record.position_long = lng
        record.distance = dist
        record.altitude = alt
        builder.add(record)
    end = outing.points[-1][0]
    if sport is not None:
        session = SessionMessage()
        session.timestamp = ms(end)
        session.start_time = ms(outing.start)
        session.sport, session.sub_sport = _FIT_SPORTS[sport]
        builder.add(session)
    if outing.title:
        named = SportMessage()
        named.sport, named.sub_sport = _FIT_SPORTS[sport or "running"]
        named.sport_name = outing.title
        builder.add(named)
    if outing.offset is not None:
        activity = ActivityMessage()
        activity.timestamp = ms(end)
        activity.local_timestamp = round((end + outing.offset - FIT_EPOCH).total_seconds())
        builder.add(activity)
    return bytes(builder.build().to_bytes())


Writer = Callable[[Outing, "str | None"], bytes]
FORMATS: dict[str, Writer] = {"gpx": gpx, "tcx": tcx, "fit": fit}
# What each format writes for a sport.
DECLARED = {
    "walk": {"gpx": "walking", "tcx": "Walking", "fit": "walking"},
    "hike": {"gpx": "hiking", "tcx": "Hiking", "fit": "hiking"},
    "run": {"gpx": "running", "tcx": "Running", "fit": "running"},
}


def parse(
    kind: str,
    outing: Outing,
    sport: str | None = None,
    filename: str = "1718000000.{kind}",
    **options: bool,
) -> ParsedActivity:
    data = FORMATS[kind](outing, sport)
    return parse_activity(data, filename.format(kind=kind), **options)


# --- Walks and hikes -------------------------------------------------------------------

EASY_WALK = Outing([(1800, 5.0, 0.0)])  # 2.5 km in 30 minutes
BRISK_WALK = Outing([(1800, 5.8, 0.0)])
HILL_HIKE = Outing([(2400, 3.0, 120.0), (1200, 4.0, -120.0)])  # 360 m/h up, then down
SLOW_JOG = Outing([(1800, 7.0, 0.0)])  # 8:34 /km
# Couch to 5K's first week: 60 s of running, 90 s of walking, eight times.
RUN_WALK = Outing([(60, 8.0, 0.0), (90, 5.5, 0.0)], repeat=8)
# A steep trail run: power-hiking a 20 % climb at 3.6 km/h (720 m/h up), running down.
STEEP_TRAIL = Outing([(1800, 3.6, 200.0), (900, 9.0, -200.0)])
# A vertical kilometre: nothing but a 25 % climb, at 3.5 km/h over the ground.
VERTICAL_KM = Outing([(2400, 3.5, 250.0)])


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize(("declared", "word"), [("walk", "walk"), ("hike", "hike")])
def test_a_declared_walk_or_hike_is_refused_whatever_its_speed(
    kind: str, declared: str, word: str
) -> None:
    for outing in (EASY_WALK, SLOW_JOG):
        with pytest.raises(LooksLikeWalk) as caught:
            parse(kind, outing, DECLARED[declared][kind])

        assert caught.value.reason == "looks_like_walk"
        assert caught.value.message.startswith(f"This looks like a {word}")
        assert "as a run" in caught.value.message


# No sport, or "generic" where the format has the word.
UNDECLARED = [(kind, None) for kind in FORMATS] + [("gpx", "generic"), ("fit", "generic")]


@pytest.mark.parametrize(("kind", "sport"), UNDECLARED)
@pytest.mark.parametrize(
    ("outing", "word"), [(EASY_WALK, "walk"), (BRISK_WALK, "walk"), (HILL_HIKE, "hike")],
    ids=["easy walk", "brisk walk", "hill hike"],
)
def test_an_undeclared_outing_at_walking_pace_looks_like_a_walk(
    kind: str, sport: str | None, outing: Outing, word: str
) -> None:
    with pytest.raises(LooksLikeWalk) as caught:
        parse(kind, outing, sport)

    assert caught.value.reason == "looks_like_walk"
    assert caught.value.message.startswith(f"This looks like a {word}: ")
    assert "/km" in caught.value.message


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize(
    "outing", [SLOW_JOG, RUN_WALK, STEEP_TRAIL, VERTICAL_KM],
    ids=["slow jog", "run-walk", "steep trail", "vertical km"],
)
def test_slow_runs_run_walks_and_steep_trail_runs_stay_runs(kind: str, outing: Outing) -> None:
    run = parse(kind, outing)

    assert run.sport_type == "Run"


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize(("declared", "outing"), [("walk", SLOW_JOG), ("none", EASY_WALK),
                                                  ("hike", HILL_HIKE)])
def test_a_walk_imported_as_a_run_is_a_run(kind: str, declared: str, outing: Outing) -> None:
    sport = DECLARED[declared][kind] if declared != "none" else None

    run = parse(kind, outing, sport, as_run=True)

    assert run.sport_type == "Run"


@pytest.mark.parametrize("kind", list(FORMATS))
def test_only_the_walk_rule_is_overridden(kind: str) -> None:
    """A ride, a scrap, another sport stay refused when the runner says it was a run."""
    ride = Outing([(1800, 28.0, 0.0)])
    scrap = Outing([(40, 5.0, 0.0)])
    with pytest.raises(NotARun) as caught:
        parse(kind, ride, None, as_run=True)
    assert caught.value.sport == "cycling" and not isinstance(caught.value, LooksLikeWalk)
    with pytest.raises(TooShort):
        parse(kind, scrap, None, as_run=True)
    if kind == "fit":
        with pytest.raises(NotARun) as caught:
            parse(kind, EASY_WALK, "cycling", as_run=True)
        assert caught.value.sport == "cycling"


def test_a_scrap_that_looks_like_a_walk_is_refused_as_a_scrap() -> None:
    """The refusal a runner cannot override comes first: no offer to import a scrap."""
    with pytest.raises(TooShort):
        parse("gpx", Outing([(40, 5.0, 0.0)]), "walking")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("activity-small-fenix2-run.fit", "Run"),  # 12 km/h along Stavanger's lakes
        # gpxpy's sample tracks: 6.3 km in 3 h 43 min climbing 320 m (a hike), and 4.4 km
        # round a lake in 2 hours, three quarters of it at walking pace (a walk)
        ("korita-zbevnica.gpx", "Hike"),
        ("cerknicko-jezero.gpx", "Walk"),
    ],
)
def test_the_real_recordings(name: str, expected: str) -> None:
    data = (DATA / name).read_bytes()

    assert read_activity(data, name).sport_type == expected
    if expected != "Run":
        with pytest.raises(LooksLikeWalk, match=f"^This looks like a {expected.lower()}: "):
            parse_activity(data, name)
        assert parse_activity(data, name, as_run=True).sport_type == "Run"


# --- Time zones ------------------------------------------------------------------------

PLACES = {
    "Ljubljana": ((46.05, 14.5), "Europe/Ljubljana"),
    "New York": ((40.78, -73.97), "America/New_York"),
    "Kathmandu": ((27.7, 85.32), "Asia/Kathmandu"),
    "Sydney": ((-33.87, 151.21), "Australia/Sydney"),
    "Rio": ((-22.97, -43.18), "America/Sao_Paulo"),
}


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize("place", list(PLACES))
def test_the_time_zone_is_the_start_positions(kind: str, place: str) -> None:
    at, zone = PLACES[place]

    run = parse(kind, Outing([(1800, 10.0, 0.0)], at=at), DECLARED["run"][kind])

    assert run.time_zone == zone


@pytest.mark.parametrize("kind", list(FORMATS))
def test_a_place_wins_over_an_offset_that_disagrees(kind: str) -> None:
    """A GPX or TCX written with the exporting computer's offset (+01:00 in Paris) of a
    run in New York is still New York's."""
    outing = Outing([(1800, 10.0, 0.0)], at=PLACES["New York"][0], offset=timedelta(hours=1))

    run = parse(kind, outing, DECLARED["run"][kind])

    assert run.time_zone == "America/New_York"


# A GPX point must have a position: a treadmill writes TCX or FIT.
@pytest.mark.parametrize("kind", ["tcx", "fit"])
@pytest.mark.parametrize(
    ("offset", "zone"),
    [
        (timedelta(hours=5, minutes=45), "Asia/Kathmandu"),  # no other zone is +05:45
        (timedelta(hours=4, minutes=30), "Asia/Kabul"),
        (timedelta(hours=2), None),  # Paris, Cairo, Johannesburg...: the profile's zone
        (None, None),
    ],
)
def test_a_treadmill_takes_its_offset_only_when_one_zone_has_it(
    kind: str, offset: timedelta | None, zone: str | None
) -> None:
    outing = Outing([(1800, 10.0, 0.0)], positions=False, offset=offset)

    run = parse(kind, outing, DECLARED["run"][kind])

    assert run.time_zone == zone


@pytest.mark.parametrize("kind", list(FORMATS))
def test_a_run_at_sea_keeps_the_ships_clock_when_the_file_has_it(kind: str) -> None:
    """On deck in the Atlantic: the nautical zone (a band of longitude) without an offset;
    with one, the ship's clock, which its passengers' day follows."""
    at = (35.0, -40.0)  # nautical zone UTC-3 (Etc/GMT+3)
    alone = parse(kind, Outing([(1800, 10.0, 0.0)], at=at), DECLARED["run"][kind])
    agreeing = parse(
        kind, Outing([(1800, 10.0, 0.0)], at=at, offset=timedelta(hours=-3)),
        DECLARED["run"][kind],
    )
    ships_clock = parse(
        kind, Outing([(1800, 10.0, 0.0)], at=at, offset=timedelta(hours=-2)),
        DECLARED["run"][kind],
    )

    assert alone.time_zone == "Etc/GMT+3"
    assert agreeing.time_zone == "Etc/GMT+3"
    assert ships_clock.time_zone == "Etc/GMT+2"


def test_a_runs_default_name_has_its_local_hour() -> None:
    """05:30 in Sydney is still the evening before in UTC."""
    start = datetime(2024, 5, 1, 19, 30, tzinfo=UTC)
    run = parse("gpx", Outing([(1800, 10.0, 0.0)], at=PLACES["Sydney"][0], start=start))

    assert run.name == "Morning run"


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("activity-small-fenix2-run.fit", "Europe/Oslo"),  # Stavanger, local offset +02:00
        ("korita-zbevnica.gpx", "Europe/Zagreb"),  # Korita, just over the Croatian border
        ("cerknicko-jezero.gpx", "Europe/Ljubljana"),
        ("track-with-empty-segment.gpx", "Europe/Berlin"),  # Aachen
    ],
)
def test_real_recordings_get_their_places_zone(name: str, zone: str) -> None:
    assert read_activity((DATA / name).read_bytes(), name).time_zone == zone


# --- Names ----------------------------------------------------------------------------
# A run from a file is named by the file's own title, else by the file's name, else by the
# time of day it started where it was run.


@pytest.mark.parametrize("kind", list(FORMATS))
def test_a_files_own_title_names_its_run(kind: str) -> None:
    outing = Outing([(1800, 10.0, 0.0)], title="Tempo along the Ljubljanica")

    run = parse(kind, outing, "running", filename="Some export.{kind}")

    assert run.name == "Tempo along the Ljubljanica"


def test_a_gpx_metadata_name_names_its_run() -> None:
    data = gpx(Outing([(1800, 10.0, 0.0)]), "running").replace(
        b"<trk>", b"<metadata><name>Parkrun Tivoli</name></metadata><trk>", 1
    )

    assert parse_activity(data, "track.gpx").name == "Parkrun Tivoli"


def test_a_fit_sport_profile_named_only_by_its_sport_is_no_title() -> None:
    outing = Outing([(1800, 10.0, 0.0)], title="Run")

    assert parse("fit", outing, "running").name == "Morning run"


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Long_run-with-Ana.{kind}", "Long run with Ana"),
        ("hills of rožnik.{kind}.gz", "Hills of rožnik"),
        ("C:\\Users\\ana\\Downloads\\Sunday long.{kind}", "Sunday long"),
        ("/home/ana/évora 10k.{kind}", "Évora 10k"),
        ("activity_17182937465.{kind}", "Morning run"),
        ("2024-05-01-08-30-00.{kind}", "Morning run"),
        ("9f86d081884c7d659a2feaa0c55ad015.{kind}", "Morning run"),
        ("Track 12.{kind}", "Morning run"),
        ("{kind}", "Morning run"),
        (".{kind}", "Morning run"),
    ],
)
def test_a_file_without_title_is_named_by_its_file_name_when_it_says_something(
    kind: str, filename: str, expected: str
) -> None:
    run = parse(kind, Outing([(1800, 10.0, 0.0)]), "running", filename=filename)

    assert run.name == expected


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Ljubljana in May is UTC+2.
        (datetime(2024, 5, 1, 3, 0, tzinfo=UTC), "Morning run"),  # 05:00
        (datetime(2024, 5, 1, 8, 59, tzinfo=UTC), "Morning run"),  # 10:59
        (datetime(2024, 5, 1, 9, 0, tzinfo=UTC), "Lunch run"),  # 11:00
        (datetime(2024, 5, 1, 12, 0, tzinfo=UTC), "Afternoon run"),  # 14:00
        (datetime(2024, 5, 1, 16, 0, tzinfo=UTC), "Evening run"),  # 18:00
        (datetime(2024, 5, 1, 20, 0, tzinfo=UTC), "Night run"),  # 22:00
        (datetime(2024, 5, 1, 2, 59, tzinfo=UTC), "Night run"),  # 04:59
    ],
)
@pytest.mark.parametrize("kind", list(FORMATS))
def test_an_untitled_run_is_named_by_the_local_hour_it_started(
    kind: str, utc: datetime, expected: str
) -> None:
    run = parse(kind, Outing([(1800, 10.0, 0.0)], start=utc), "running")

    assert run.name == expected


@pytest.mark.parametrize("kind", ["tcx", "fit"])  # the GPX writer always gives places
def test_without_a_place_the_files_own_offset_tells_the_hour(kind: str) -> None:
    # A treadmill in New York: 07:00 local, 11:00 UTC.
    outing = Outing(
        [(1800, 10.0, 0.0)],
        start=datetime(2024, 5, 1, 11, 0, tzinfo=UTC),
        offset=timedelta(hours=-4),
        positions=False,
    )

    assert parse(kind, outing, "running").name == "Morning run"
