"""POST /imports with hostile or impossible files beside a good one: the upload answers 200,
the good file is imported, and each hostile file gets its own outcome (refused with its
reason, or imported with its impossible samples dropped)."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runnerly_ingest.runtime import Runtime

GOOD = Path(__file__).parents[1] / "files" / "data" / "activity-small-fenix2-run.fit"
Post = Callable[..., list[dict[str, Any]]]
Headers = dict[str, str]
StoredRuns = Callable[..., list[Any]]
START = datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
# The track below: 60 points 30 m and 10 s apart (3 m/s), 1,770 m in 590 s.
POINTS, STEP_M, STEP_S = 60, 30.0, 10.0


def gpx(
    *,
    start: datetime = START,
    points: int = POINTS,
    step_m: float = STEP_M,
    step_s: float = STEP_S,
    name: str = "Tempo",
    encoding: str = "UTF-8",
    edit: Callable[[int, dict[str, str]], None] | None = None,
) -> str:
    """A straight run north as GPX text; ``edit(index, point)`` may change any point's
    ``lat``, ``lon``, ``ele``, ``time``, ``hr`` or ``cad`` (as the text written)."""
    rows = []
    for i in range(points):
        point = {
            "lat": f"{46.05 + i * step_m / 111_195.0:.7f}",
            "lon": "14.5000000",
            "ele": f"{300 + i % 7}",
            "time": (start + timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "hr": f"{140 + i % 20}",
            "cad": "85",
        }
        if edit is not None:
            edit(i, point)
        rows.append(
            f'<trkpt lat="{point["lat"]}" lon="{point["lon"]}"><ele>{point["ele"]}</ele>'
            f'<time>{point["time"]}</time><extensions><gpxtpx:TrackPointExtension>'
            f'<gpxtpx:hr>{point["hr"]}</gpxtpx:hr><gpxtpx:cad>{point["cad"]}</gpxtpx:cad>'
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>{name}</name><type>running</type><trkseg>{''.join(rows)}</trkseg>"
        "</trk></gpx>"
    )


def at(index: int, **values: str) -> Callable[[int, dict[str, str]], None]:
    def edit(i: int, point: dict[str, str]) -> None:
        if i == index:
            point.update(values)

    return edit


def everywhere(**values: str) -> Callable[[int, dict[str, str]], None]:
    def edit(i: int, point: dict[str, str]) -> None:
        point.update(values)

    return edit


def send(post: Post, headers: Headers, name: str, data: bytes) -> list[dict[str, Any]]:
    files = [
        ("files", ("good.fit", GOOD.read_bytes(), "application/octet-stream")),
        ("files", (name, data, "application/octet-stream")),
    ]
    results = post(files, headers)
    assert [r["filename"] for r in results] == ["good.fit", name]
    assert results[0]["status"] == "imported", results[0]
    return results


# Impossible samples: the file is imported without them, and what is stored is sane.
BAD_SAMPLES = {
    "latitude 91": at(20, lat="91"),
    "longitude 500": at(20, lon="500"),
    "latitude nan": at(20, lat="nan"),
    "longitude inf": at(20, lon="inf"),
    "elevation nan": at(20, ele="nan"),
    "elevation inf": at(20, ele="-inf"),
    "elevation 1e308": at(20, ele="1e308"),
    "elevation under the earth": at(20, ele="-20000"),
    "heart rate -5": at(20, hr="-5"),
    "heart rate nan": at(20, hr="nan"),
    "heart rate 1e9": everywhere(hr="1000000000"),
    "cadence 99,999,999": at(20, cad="99999999"),
    "cadence inf": everywhere(cad="inf"),
    "a teleport": at(20, lat="47.05"),
    "a teleport at the start": at(0, lat="10.0", lon="10.0"),
}


@pytest.mark.parametrize("case", list(BAD_SAMPLES), ids=str)
def test_impossible_samples_are_dropped_not_the_file(
    case: str, upload: Post, alice: Headers, peers: Any
) -> None:
    results = send(upload, alice, "odd.gpx", gpx(edit=BAD_SAMPLES[case]).encode())

    assert results[1]["status"] == "imported", results[1]
    run = peers.dataservice.get(f"/runs/{results[1]['run_id']}", headers=alice).json()
    assert 1_600 <= run["distance_m"] <= 1_800, run["distance_m"]
    assert 500 <= run["elapsed_time_s"] <= 600
    assert run["max_hr"] is None or 140 <= run["max_hr"] <= 159
    assert run["average_hr"] is None or 140 <= run["average_hr"] <= 159
    assert run["average_cadence"] is None or run["average_cadence"] == 170
    assert run["elevation_gain_m"] is None or run["elevation_gain_m"] <= 60
    streams = run["streams"]
    for lat, lng in streams["latlng"]:
        assert 46.0 < lat < 46.1 and lng == 14.5
    assert all(140 <= hr <= 159 for hr in streams.get("heartrate") or [])
    assert all(v == 170 for v in streams.get("cadence") or [])
    assert all(300 <= v <= 306 for v in streams.get("altitude") or [])


def _days_from_now(days: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


# Files whose times cannot be true, and scraps: refused, with a reason the runner reads.
REFUSED = {
    "dated in year 9999": (lambda: gpx(start=datetime(9999, 6, 1, tzinfo=UTC)), "future"),
    "dated three days ahead": (lambda: gpx(start=_days_from_now(3)), "future"),
    "ending tomorrow": (lambda: gpx(start=_days_from_now(-0.5), step_s=1500), "future"),
    "dated 1999 (a GPS week rollover)": (
        lambda: gpx(start=datetime(1999, 8, 22, 7, tzinfo=UTC)), "before 2000"),
    "dated 1970": (lambda: gpx(start=datetime(1970, 1, 1, tzinfo=UTC)), "before 2000"),
    "every point at one instant": (lambda: gpx(step_s=0), "same instant"),
    "50 metres": (lambda: gpx(points=6, step_m=10.0), "too short"),
    "50 seconds": (lambda: gpx(points=6, step_m=50.0), "too short"),
    "standing still for ten minutes": (lambda: gpx(step_m=0.0), "too short"),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=str)
def test_impossible_times_and_scraps_are_refused_alone(
    case: str, upload: Post, alice: Headers, stored_runs: StoredRuns
) -> None:
    make, reason = REFUSED[case]

    results = send(upload, alice, "odd.gpx", make().encode())

    assert results[1]["status"] == "refused", results[1]
    assert reason in results[1]["message"], results[1]
    code = "too_short" if reason == "too short" else "impossible_times"
    assert (results[1]["reason"], results[1]["sport"]) == (code, None), results[1]
    assert [run["id"] for run in stored_runs()] == [results[0]["run_id"]]


# Every encoding XML allows: the two every processor must read (UTF-8, UTF-16, with or
# without a byte-order mark), UTF-32, and any other a document declares in its prolog.
NAME = "Café au matin, 朝のラン"


def encoded(name: str, declared: str | None, codec: str, bom: bytes = b"") -> bytes:
    return bom + gpx(name=name, encoding=declared or "").replace(' encoding=""', "").encode(codec)


ENCODINGS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "utf-8 with bom": (NAME, lambda: encoded(NAME, "UTF-8", "utf-8", codecs.BOM_UTF8)),
    "utf-16 le with bom": (
        NAME, lambda: encoded(NAME, "UTF-16", "utf-16-le", codecs.BOM_UTF16_LE)),
    "utf-16 be with bom": (
        NAME, lambda: encoded(NAME, "UTF-16", "utf-16-be", codecs.BOM_UTF16_BE)),
    "utf-16 le undeclared, no bom": (NAME, lambda: encoded(NAME, None, "utf-16-le")),
    "utf-16 be declared, no bom": (NAME, lambda: encoded(NAME, "UTF-16BE", "utf-16-be")),
    "utf-32 with bom": (NAME, lambda: encoded(NAME, "UTF-32", "utf-32")),
    "shift_jis": ("朝のラン", lambda: encoded("朝のラン", "Shift_JIS", "shift_jis")),
    "euc-jp": ("朝のラン", lambda: encoded("朝のラン", "EUC-JP", "euc-jp")),
    "gb18030": ("晨跑", lambda: encoded("晨跑", "GB18030", "gb18030")),
    "big5": ("晨跑", lambda: encoded("晨跑", "Big5", "big5")),
    "euc-kr": ("아침 달리기", lambda: encoded("아침 달리기", "EUC-KR", "euc-kr")),
    "iso-8859-1": ("Café", lambda: encoded("Café", "ISO-8859-1", "latin-1")),
    "windows-1252": (
        "Café \u2013 5 €", lambda: encoded("Café \u2013 5 €", "windows-1252", "cp1252")),
    "koi8-r": ("Пробежка", lambda: encoded("Пробежка", "KOI8-R", "koi8-r")),
}


@pytest.mark.parametrize("case", list(ENCODINGS), ids=str)
def test_every_xml_encoding_is_read(
    case: str, upload: Post, alice: Headers, stored_runs: StoredRuns
) -> None:
    name, make = ENCODINGS[case]

    results = send(upload, alice, "encoded.gpx", make())

    assert results[1]["status"] == "imported", results[1]
    run = next(run for run in stored_runs() if run["id"] == results[1]["run_id"])
    assert run["name"] == name
    assert 1_600 <= run["distance_m"] <= 1_800


def test_a_run_the_dataservice_still_refuses_is_refused_alone(
    runtime: Runtime, alice: Headers, stored_runs: StoredRuns
) -> None:
    """The safety net behind ingest's own checks: a 422 for one run of a batch sends the
    others and refuses that one."""
    from runnerly_ingest.imports import service

    good = {
        "runner_id": "alice", "source": "file", "name": "Good", "sport_type": "Run",
        "started_at": "2024-05-01T06:30:00+00:00", "distance_m": 5000.0,
        "moving_time_s": 1500, "elapsed_time_s": 1500,
    }
    runs = [
        {**good, "external_id": "a" * 64},
        {**good, "external_id": "b" * 64, "started_at": "2024-05-02T06:30:00+00:00",
         "average_hr": -5},
        {**good, "external_id": "c" * 64, "started_at": "2024-05-03T06:30:00+00:00"},
    ]

    outcomes = service.send_runs(runtime.dataservice, runs)

    assert [outcome.status for outcome in outcomes] == ["created", "refused", "created"]
    assert outcomes[1].message
    assert sorted(run["external_id"] for run in stored_runs()) == ["a" * 64, "c" * 64]


def test_repeated_timestamps_keep_the_best_efforts(
    upload: Post, alice: Headers, peers: Any, runner_headers: Callable[..., Headers]
) -> None:
    """Devices write a few points at the same second as the one before (FIT around laps and
    pauses): they are merged, so the run's streams still give its best efforts."""

    def repeat(i: int, point: dict[str, str]) -> None:
        if i % 10 == 5:
            point["time"] = (START + timedelta(seconds=(i - 1) * STEP_S)).strftime(
                "%Y-%m-%dT%H:%M:%SZ")

    # Alone: the good file beside it is a faster run, whose records would hide this one's.
    files = [("files", ("repeats.gpx", gpx(edit=repeat).encode(), "application/gpx+xml"))]
    [result] = upload(files, alice)

    assert result["status"] == "imported", result
    run = peers.dataservice.get(f"/runs/{result['run_id']}", headers=alice).json()
    times = run["streams"]["time"]
    assert times == sorted(set(times))
    stats = runner_headers("alice", "runs:read stats:read")
    records = peers.dataservice.get("/records", headers=stats).json()["items"]
    one_k = [r for r in records if r["distance"] == "1k" and r["run_id"] == run["id"]]
    assert one_k and 300 <= one_k[0]["elapsed_time_s"] <= 345, records
