"""Hostile and odd input, and the paths the real files do not take (built here)."""

from __future__ import annotations

import codecs
import gzip
import math
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import polyline
import pytest
from pydantic import TypeAdapter

from runnerly_ingest.files import (
    MAX_FILE_BYTES,
    CorruptFile,
    FileTooLarge,
    NotARun,
    NoTimestamps,
    parse_activity,
)
from runnerly_ingest.files.parse import read_activity
from runnerly_kit.text import SingleLine

DATA = Path(__file__).parent / "data"
START = datetime(2024, 5, 1, 6, 30, tzinfo=UTC)


def gpx_track(
    points: int,
    step_m: float,
    step_s: float,
    *,
    name: str = "",
    type_: str = "",
    extensions: bool = False,
) -> str:
    """A straight track going north, ``step_m`` metres every ``step_s`` seconds."""
    lat0, lng0 = 46.05, 14.5
    rows = []
    for i in range(points):
        lat = lat0 + i * step_m / 111_195.0
        time = (START + timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ext = (
            "<extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{140 + i % 20}</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions>"
            if extensions
            else ""
        )
        rows.append(
            f'<trkpt lat="{lat:.7f}" lon="{lng0:.7f}"><ele>{300 + (i % 50)}</ele>'
            f"<time>{time}</time>{ext}</trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk>{f'<name>{name}</name>' if name else ''}{f'<type>{type_}</type>' if type_ else ''}"
        f"<trkseg>{''.join(rows)}</trkseg></trk></gpx>"
    )


def tcx_run(points: int, step_m: float, step_s: float, sport: str = "Running") -> str:
    rows = []
    for i in range(points):
        time = (START + timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f"<Trackpoint><Time>{time}</Time><Position>"
            f"<LatitudeDegrees>{46.05 + i * step_m / 111_195.0:.7f}</LatitudeDegrees>"
            "<LongitudeDegrees>14.5</LongitudeDegrees></Position>"
            f"<AltitudeMeters>{300 + i % 7}</AltitudeMeters>"
            f"<DistanceMeters>{i * step_m:.2f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{150 + i % 10}</Value></HeartRateBpm>"
            "<Extensions><ns3:TPX><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX></Extensions>"
            "</Trackpoint>"
        )
    total_s = (points - 1) * step_s
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<TrainingCenterDatabase "
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{START.strftime("%Y-%m-%dT%H:%M:%SZ")}</Id>'
        f'<Lap StartTime="{START.strftime("%Y-%m-%dT%H:%M:%SZ")}">'
        f"<TotalTimeSeconds>{total_s}</TotalTimeSeconds>"
        f"<DistanceMeters>{(points - 1) * step_m:.2f}</DistanceMeters>"
        f"<Track>{''.join(rows)}</Track></Lap>"
        "<Notes>Tempo by the river</Notes>"
        "<Creator><Name>Forerunner 265</Name></Creator></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx version="1.1"><trk><name>&lol9;</name></trk></gpx>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1"><trk><name>&secret;</name><trkseg>
<trkpt lat="46.0" lon="14.5"><time>2024-05-01T06:30:00Z</time></trkpt>
<trkpt lat="46.001" lon="14.5"><time>2024-05-01T06:30:30Z</time></trkpt>
</trkseg></trk></gpx>
"""


@pytest.mark.parametrize(
    "payload",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        # re-encoded before parsing: the refusal must hold in every encoding
        codecs.BOM_UTF16_LE + BILLION_LAUGHS.decode().encode("utf-16-le"),
        EXTERNAL_ENTITY.replace(b'"1.0"?>', b'"1.0" encoding="Shift_JIS"?>'),
        EXTERNAL_ENTITY.decode().encode("utf-32"),
        # whatever the root: the check comes before the format is told
        b'<?xml version="1.0"?><!DOCTYPE TrainingCenterDatabase SYSTEM "file:///etc/passwd">'
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"/>',
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ELEMENT gpx ANY>]><gpx version="1.1"/>',
        # an attribute-list declaration beside the entity: a DTD all the same
        EXTERNAL_ENTITY.replace(b"<!DOCTYPE gpx [", b"<!DOCTYPE gpx [<!ATTLIST gpx x CDATA 'y'>"),
    ],
)
def test_xml_with_a_dtd_is_refused_fast(payload: bytes) -> None:
    began = time.perf_counter()
    with pytest.raises(CorruptFile) as caught:
        parse_activity(payload, "evil.gpx")
    assert time.perf_counter() - began < 0.5
    assert "DTD" in caught.value.message
    assert "root:" not in caught.value.message


def test_random_bytes_are_not_an_activity() -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(CorruptFile) as caught:
        parse_activity(data, "mystery.bin")
    assert caught.value.message == "This is not a GPX, FIT or TCX file."


def test_random_bytes_named_fit_say_so() -> None:
    with pytest.raises(CorruptFile) as caught:
        parse_activity(b"\x00" * 64, "run.fit")
    assert caught.value.message.startswith("This FIT file is truncated or corrupt")


def test_other_xml_is_not_an_activity() -> None:
    with pytest.raises(CorruptFile, match="not a GPX, FIT or TCX"):
        parse_activity(b"<html><body>hello</body></html>", "page.gpx")


def test_truncated_gpx_is_corrupt() -> None:
    data = (DATA / "cerknicko-jezero.gpx").read_bytes()
    with pytest.raises(CorruptFile) as caught:
        parse_activity(data[: len(data) // 2], "cerknicko-jezero.gpx")
    assert "not well-formed XML" in caught.value.message


def test_truncated_gzip_is_corrupt() -> None:
    data = gzip.compress((DATA / "cerknicko-jezero.gpx").read_bytes())
    with pytest.raises(CorruptFile, match=r"compressed \(\.gz\) file"):
        parse_activity(data[: len(data) // 2], "cerknicko-jezero.gpx.gz")


def test_a_file_over_the_cap_is_too_large() -> None:
    with pytest.raises(FileTooLarge, match="25 MB"):
        parse_activity(b" " * (MAX_FILE_BYTES + 1), "huge.gpx")


def test_a_gzip_bomb_stops_at_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (MAX_FILE_BYTES + 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(FileTooLarge):
        parse_activity(bomb, "bomb.gpx.gz")


def test_bom_and_non_ascii_name_are_kept() -> None:
    name = "Tek okoli Cerkniškega jezera, ščž"
    data = codecs.BOM_UTF8 + gpx_track(30, 30.0, 10.0, name=name).encode()
    run = parse_activity(data, "tek.gpx")
    assert run.name == name


def test_latin1_gpx_is_decoded_as_declared() -> None:
    text = gpx_track(10, 30.0, 10.0, name="Café crème").replace("UTF-8", "ISO-8859-1", 1)
    run = parse_activity(text.encode("latin-1"), "latin.gpx")
    assert run.name == "Café crème"


def test_gpx_type_names_the_sport() -> None:
    with pytest.raises(NotARun) as caught:
        parse_activity(gpx_track(30, 30.0, 10.0, type_="cycling").encode(), "ride.gpx")
    assert caught.value.message == "This is a cycling activity, not a run."
    trail = parse_activity(gpx_track(30, 30.0, 10.0, type_="trail_running").encode(), "t.gpx")
    assert trail.sport_type == "TrailRun"


def test_gpx_without_a_type_at_bicycle_speed_is_refused() -> None:
    # 75 m every 10 s: 27 km/h
    with pytest.raises(NotARun) as caught:
        parse_activity(gpx_track(60, 75.0, 10.0).encode(), "fast.gpx")
    assert caught.value.sport == "cycling"
    assert caught.value.message == (
        "This looks like a cycling activity (median speed 27 km/h), not a run."
    )


def test_gpx_extensions_give_heart_rate_and_doubled_cadence() -> None:
    run = parse_activity(gpx_track(40, 30.0, 10.0, extensions=True).encode(), "hr.gpx")
    assert run.average_cadence == 170
    assert run.max_hr == 159
    assert run.streams is not None and run.streams["heartrate"][0] == 140


def test_gpx_that_never_moves_has_no_pace() -> None:
    run = read_activity(gpx_track(20, 0.0, 10.0).encode(), "still.gpx")
    assert run.distance_m == 0
    assert run.splits == []
    assert run.streams is not None and set(run.streams["pace"]) == {None}


def test_long_activity_is_downsampled() -> None:
    # 6,000 points, 3 m/s: ~18 km
    run = parse_activity(gpx_track(6000, 3.0, 1.0, extensions=True).encode(), "long.gpx")
    assert run.streams is not None
    lengths = {k: len(v) for k, v in run.streams.items()}
    assert set(lengths.values()) == {1000}
    assert run.streams["time"][0] == 0 and run.streams["time"][-1] == 5999
    assert run.streams["pace"][10] == pytest.approx(333.3, abs=1)
    assert run.summary_polyline is not None
    assert len(polyline.decode(run.summary_polyline)) <= 500
    assert 17_900 < run.distance_m < 18_100
    assert len(run.splits) == math.ceil(run.distance_m / 1000)
    assert all(s.distance_m == 1000 for s in run.splits[:-1])
    assert run.splits[0].elapsed_time_s == pytest.approx(333, abs=1)


def test_tcx_run_takes_the_lap_totals() -> None:
    run = parse_activity(tcx_run(121, 10.0, 3.0).encode(), "tempo.tcx")
    assert run.sport_type == "Run"
    assert run.name == "Tempo by the river"
    assert run.device == "Forerunner 265"
    assert run.distance_m == 1200
    assert run.elapsed_time_s == run.moving_time_s == 360
    assert run.average_cadence == 176  # RunCadence 88 per leg
    assert run.average_hr == pytest.approx(154.5, abs=0.1)
    assert run.started_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert [s.distance_m for s in run.splits] == [1000, 200]
    assert run.splits[0].elapsed_time_s == 300


def test_tcx_biking_is_cycling() -> None:
    with pytest.raises(NotARun, match="cycling"):
        parse_activity(tcx_run(20, 10.0, 1.0, sport="Biking").encode(), "ride.tcx")


def test_tcx_course_has_no_times() -> None:
    data = (
        b'<?xml version="1.0"?><TrainingCenterDatabase xmlns='
        b'"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        b"<Courses><Course><Name>Loop</Name></Course></Courses></TrainingCenterDatabase>"
    )
    with pytest.raises(NoTimestamps, match="course"):
        parse_activity(data, "loop.tcx")


def test_gpx_with_a_few_untimed_points_keeps_the_rest() -> None:
    text = gpx_track(40, 30.0, 10.0)
    # strip the time of one point in forty
    start = text.index("<time>", text.index("<trkpt", 2000))
    text = text[:start] + text[text.index("</time>", start) + len("</time>") :]
    run = parse_activity(text.encode(), "gappy.gpx")
    assert run.streams is not None and len(run.streams["time"]) == 39


def test_started_at_is_utc_and_name_uses_the_local_hour() -> None:
    run = parse_activity(gpx_track(10, 30.0, 10.0).encode(), "x.gpx")
    assert run.started_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert run.name == "Morning run"  # 08:30 in Ljubljana
    assert run.elapsed_time_s == int(timedelta(seconds=90).total_seconds())


# Names reach the dataservice as one clean line: it refuses line breaks, controls and bidi
# overrides, and a run must not be lost for its name.
_RUN_NAME = TypeAdapter(Annotated[str, SingleLine(max_length=200)])

# As XML character references where XML allows them, else the characters themselves.
HOSTILE_NAMES = {
    "line breaks": ("Morning&#13;&#10;X-Injected: yes", "Morning X-Injected: yes"),
    "tab": ("Morning&#9;run", "Morning run"),
    "bidi override": ("Morning \u202enur", "Morning nur"),
    "isolate": ("\u2067Morning\u2069 run", "Morning run"),
    "zero width": ("Morn\u200bing", "Morning"),
    "c1 and nel": ("Morning\u0085\u009brun", "Morning run"),
    "only spaces": ("&#10;  &#9;", None),
}


@pytest.mark.parametrize("case", list(HOSTILE_NAMES), ids=str)
def test_a_gpx_name_is_made_one_clean_line(case: str) -> None:
    raw, expected = HOSTILE_NAMES[case]

    run = parse_activity(gpx_track(30, 30.0, 10.0, name=raw).encode(), "run.gpx")

    assert run.name == (expected or "Morning run")
    assert _RUN_NAME.validate_python(run.name) == run.name


def test_tcx_notes_on_several_lines_become_one_line() -> None:
    text = tcx_run(30, 30.0, 10.0).replace(
        "<Notes>Tempo by the river</Notes>",
        "<Notes>Tempo by the river\n\nlegs heavy\r\n\u202eafter</Notes>",
    )

    run = parse_activity(text.encode(), "run.tcx")

    assert run.name == "Tempo by the river legs heavy after"
