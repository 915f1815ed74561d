"""Every real file in data/: figures against independent references (fitdecode, gpxpy)."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import itertools
import math
from datetime import UTC
from pathlib import Path
from typing import Any

import fitdecode
import gpxpy
import gpxpy.geo
import polyline
import pytest

from runnerly_ingest.files import (
    CorruptFile,
    NotARun,
    NoTimestamps,
    ParsedActivity,
    TooShort,
    compute,
    parse_activity,
)
from runnerly_ingest.files.fit import read_fit
from runnerly_ingest.files.model import Sample
from runnerly_ingest.files.parse import read_activity

DATA = Path(__file__).parent / "data"
RUNS = [
    "activity-small-fenix2-run.fit",
    "garmin-fenix-5-run.fit",
    "korita-zbevnica.gpx",
    "cerknicko-jezero.gpx",
    "track-with-empty-segment.gpx",
]


@functools.cache
def parse(name: str) -> ParsedActivity:
    """Read once per test session (scraps too: two files are): the tests only read it."""
    return read_activity((DATA / name).read_bytes(), name)


@pytest.mark.parametrize("name", ["garmin-fenix-5-run.fit", "track-with-empty-segment.gpx"])
def test_a_scrap_is_read_but_refused(name: str) -> None:
    run = parse(name)
    with pytest.raises(TooShort) as caught:
        parse_activity((DATA / name).read_bytes(), name)
    assert caught.value.message.startswith(
        f"This recording is {run.distance_m:.0f} m in {run.elapsed_time_s} s: too short"
    )


def fit_messages(name: str) -> dict[str, list[dict[str, Any]]]:
    """The file's messages read with fitdecode alone (the reference)."""
    out: dict[str, list[dict[str, Any]]] = {}
    with fitdecode.FitReader(str(DATA / name)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                out.setdefault(frame.name, []).append({f.name: f.value for f in frame.fields})
    return out


def gpxpy_reference(name: str) -> dict[str, float]:
    """gpxpy's own figures over the segments that have times (what a run is made of)."""
    gpx = gpxpy.parse((DATA / name).read_text(encoding="utf-8-sig"))
    segments = [
        s for t in gpx.tracks for s in t.segments if s.points and all(p.time for p in s.points)
    ]
    return {
        "length_2d": sum(s.length_2d() for s in segments),
        "length_3d": sum(s.length_3d() for s in segments),
        "moving_time": sum(s.get_moving_data().moving_time for s in segments),
        "uphill": sum(s.get_uphill_downhill().uphill for s in segments),
        "start": min(s.points[0].time.timestamp() for s in segments),  # type: ignore[union-attr]
    }


def test_fenix2_run_matches_the_device_session() -> None:
    run = parse("activity-small-fenix2-run.fit")
    messages = fit_messages("activity-small-fenix2-run.fit")
    session = messages["session"][0]
    records = messages["record"]

    assert run.sport_type == "Run"
    assert run.distance_m == pytest.approx(session["total_distance"], rel=0.01)
    assert 8900 < run.distance_m < 9100
    assert run.elapsed_time_s == round(session["total_elapsed_time"])
    assert 0.8 * run.elapsed_time_s <= run.moving_time_s <= run.elapsed_time_s
    # no averages in this session: computed from the records
    hrs = [r["heart_rate"] for r in records if r.get("heart_rate")]
    assert run.average_hr == pytest.approx(sum(hrs) / len(hrs), abs=0.1)
    assert run.max_hr == max(hrs)
    # per-leg cadence doubled into steps per minute
    assert run.average_cadence == 2 * session["avg_running_cadence"]
    assert 150 <= (run.average_cadence or 0) <= 190
    assert run.elevation_gain_m == session["total_ascent"]
    assert len(run.splits) == math.ceil(run.distance_m / 1000)
    assert run.started_at == session["start_time"]
    assert run.device == "Garmin fenix2"
    assert run.name == "Activity small fenix2 run"  # no title: the file's name

    assert run.streams is not None
    assert len(run.streams["time"]) == 1000
    # the polyline starts where the records do
    first = records[0]
    lat0 = first["position_lat"] * 180 / 2**31
    lng0 = first["position_long"] * 180 / 2**31
    assert run.summary_polyline is not None
    points = polyline.decode(run.summary_polyline)
    assert 100 < len(points) <= 500
    assert gpxpy.geo.haversine_distance(lat0, lng0, *points[0]) < 20
    assert all(gpxpy.geo.haversine_distance(lat0, lng0, *p) < 10_000 for p in points)


def test_fenix2_computed_elevation_gain_is_near_the_devices() -> None:
    """The fallback algorithm (for files without a device figure) on the same altitudes."""
    samples = read_fit((DATA / "activity-small-fenix2-run.fit").read_bytes()).samples
    gain = compute.elevation_gain(samples)
    assert gain == pytest.approx(64, rel=0.10)  # session total_ascent: 64 m


def test_fenix2_2d_distance_is_the_devices() -> None:
    """Why distances are 2-D: the positions' 2-D length is the device's distance, 3-D is not."""
    records = fit_messages("activity-small-fenix2-run.fit")["record"]
    pts = [
        (r["position_lat"] * 180 / 2**31, r["position_long"] * 180 / 2**31, r["altitude"])
        for r in records
        if r.get("position_lat") is not None
    ]
    pairs = list(itertools.pairwise(pts))
    d2 = sum(gpxpy.geo.distance(a[0], a[1], None, b[0], b[1], None) for a, b in pairs)
    d3 = sum(gpxpy.geo.distance(*a, *b) for a, b in pairs)
    assert d2 == pytest.approx(9008.22, rel=0.001)
    assert d3 > 9008.22 * 1.015


def test_fenix5_run_matches_its_session() -> None:
    run = parse("garmin-fenix-5-run.fit")
    session = fit_messages("garmin-fenix-5-run.fit")["session"][0]
    assert run.sport_type == "Run"
    assert run.distance_m == pytest.approx(session["total_distance"], rel=0.01)
    assert run.elapsed_time_s == round(session["total_elapsed_time"])
    assert run.moving_time_s == round(session["total_timer_time"])
    assert run.average_hr == session["avg_heart_rate"]
    assert run.max_hr == session["max_heart_rate"]
    expected_cadence = 2 * (session["avg_running_cadence"] + session["avg_fractional_cadence"])
    assert run.average_cadence == pytest.approx(expected_cadence, abs=0.1)
    assert run.elevation_gain_m == session["total_ascent"]
    assert [s.index for s in run.splits] == [1]
    assert run.device == "Garmin fenix5"


def test_fenix5_bike_is_refused_as_cycling() -> None:
    with pytest.raises(NotARun) as caught:
        parse("garmin-fenix-5-bike.fit")
    assert caught.value.sport == "cycling"
    assert caught.value.message == "This is a cycling activity, not a run."


def test_truncated_fit_is_refused_cleanly() -> None:
    with pytest.raises(CorruptFile) as caught:
        parse("activity-unexpected-eof.fit")
    message = caught.value.message
    assert message.startswith("This FIT file is truncated or corrupt: ")
    assert "Traceback" not in message and "Error" not in message and "@" not in message


def test_a_gps_jump_is_not_counted() -> None:
    """Cerknicko's fourth segment jumps 184 m in 2 s: no distance is counted across it."""
    run = parse("cerknicko-jezero.gpx")
    ref = gpxpy_reference("cerknicko-jezero.gpx")
    assert run.distance_m == pytest.approx(ref["length_2d"] - 184, abs=5)
    assert run.started_at.timestamp() == ref["start"]


@pytest.mark.parametrize("name", ["korita-zbevnica.gpx"])
def test_gpx_tracks_agree_with_gpxpy(name: str) -> None:
    run = parse(name)
    ref = gpxpy_reference(name)
    assert run.sport_type == "Hike"  # 3 km/h climbing 320 m: read as one, refused as one
    assert run.distance_m == pytest.approx(ref["length_2d"], rel=0.01)
    assert run.moving_time_s == round(ref["moving_time"])
    assert run.elevation_gain_m == pytest.approx(ref["uphill"], abs=0.1)
    assert run.started_at.timestamp() == ref["start"]
    # "ACTIVE LOG" skipped: the file's name instead.
    assert run.name == name.removesuffix(".gpx").replace("-", " ").capitalize()
    # the computed fallback stays near gpxpy's figure on the same points
    samples = [
        Sample(t=p.time.timestamp(), alt=p.elevation, seg=i)  # type: ignore[union-attr]
        for i, s in enumerate(
            s
            for t in gpxpy.parse((DATA / name).read_text()).tracks
            for s in t.segments
            if s.points and all(p.time for p in s.points)
        )
        for p in s.points
    ]
    assert compute.elevation_gain(samples) == pytest.approx(ref["uphill"], rel=0.10)


def test_korita_drops_the_track_without_times() -> None:
    """The file keeps a saved copy of a track, stripped of its times: not part of the run."""
    whole = gpxpy.parse((DATA / "korita-zbevnica.gpx").read_text()).length_2d()
    run = parse("korita-zbevnica.gpx")
    assert run.distance_m < whole * 0.5
    assert run.distance_m == pytest.approx(gpxpy_reference("korita-zbevnica.gpx")["length_2d"])


def test_cerknicko_gaps_between_segments_are_elapsed_not_moving() -> None:
    run = parse("cerknicko-jezero.gpx")
    assert run.elapsed_time_s == 7190  # 14:23:59 to 16:23:49, pauses included
    assert run.moving_time_s < run.elapsed_time_s / 2


@pytest.mark.parametrize("name", ["cerknicko-without-times.gpx", "route.gpx"])
def test_tracks_without_times_and_routes_are_refused(name: str) -> None:
    with pytest.raises(NoTimestamps) as caught:
        parse(name)
    assert "not a recorded activity" in caught.value.message


def test_empty_segment_is_ignored() -> None:
    run = parse("track-with-empty-segment.gpx")
    gpx = gpxpy.parse((DATA / "track-with-empty-segment.gpx").read_text())
    assert [len(s.points) for s in gpx.tracks[0].segments] == [9, 0]
    assert run.distance_m == pytest.approx(gpx.length_2d(), rel=0.01)
    assert run.streams is not None and len(run.streams["time"]) == 9
    assert run.elapsed_time_s == 76


def test_bom_file_is_read_but_holds_no_track() -> None:
    """The BOM is no obstacle; the file is a single waypoint, so not an activity."""
    with pytest.raises(NoTimestamps) as caught:
        parse("unicode_with_bom.gpx")
    assert "no track" in caught.value.message


def test_stand_up_paddling_tcx_is_refused() -> None:
    with pytest.raises(NotARun) as caught:
        parse("sup_activity_1.tcx")
    assert caught.value.sport == "other"
    assert '"Other"' in caught.value.message and "not a run" in caught.value.message


@pytest.mark.parametrize("name", RUNS)
def test_gzipped_copy_parses_the_same(name: str) -> None:
    data = (DATA / name).read_bytes()
    assert read_activity(gzip.compress(data), name + ".gz") == parse(name)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("garmin-fenix-5-bike.fit", NotARun),
        ("activity-unexpected-eof.fit", CorruptFile),
        ("route.gpx", NoTimestamps),
        ("sup_activity_1.tcx", NotARun),
    ],
)
def test_gzipped_refusals_are_the_same(name: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_activity(gzip.compress((DATA / name).read_bytes()), name + ".gz")


@pytest.mark.parametrize("name", RUNS)
def test_invariants(name: str) -> None:
    run = parse(name)
    assert run.started_at.tzinfo is UTC
    assert 0 <= run.moving_time_s <= run.elapsed_time_s
    assert sum(s.distance_m for s in run.splits) == pytest.approx(run.distance_m, abs=0.05)
    assert [s.index for s in run.splits] == list(range(1, len(run.splits) + 1))
    assert all(s.moving_time_s <= s.elapsed_time_s for s in run.splits)
    assert run.streams is not None
    lengths = {len(v) for v in run.streams.values()}
    assert len(lengths) == 1 and 0 < lengths.pop() <= 1000
    assert run.streams["time"][0] == 0
    assert run.streams["time"] == sorted(run.streams["time"])
    assert run.streams["distance"] == sorted(run.streams["distance"])
    assert run.streams["distance"][-1] == pytest.approx(run.distance_m, abs=0.1)
    assert all(p is None or p > 0 for p in run.streams["pace"])
    assert len(run.source_sha256) == 64


def test_the_format_is_told_by_content_not_name() -> None:
    data = (DATA / "garmin-fenix-5-run.fit").read_bytes()
    # The same run, named after its file only when that name says something.
    assert read_activity(data, "upload.gpx") == dataclasses.replace(
        parse("garmin-fenix-5-run.fit"), name="Morning run"
    )
