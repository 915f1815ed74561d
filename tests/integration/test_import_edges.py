"""Hostile and impossible files through /api on the real processes: each file gets its own
outcome, the good one is stored, and the upload answers 200 whatever is inside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.system import import_files

from .conftest import System
from .test_strava import all_runs
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
FILES = Path(__file__).resolve().parents[2] / "services/ingest/tests/files/data"


def _gpx(start: datetime, *, name: str = "Tempo", encoding: str = "UTF-8",
         bad_latitude_at: int | None = None, step_m: float = 30.0) -> str:
    rows = "".join(
        f'<trkpt lat="{91 if i == bad_latitude_at else 46.05 + i * step_m / 111_195.0:.7f}" '
        f'lon="14.5"><ele>300</ele>'
        f"<time>{(start + timedelta(seconds=10 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
        "</trkpt>"
        for i in range(60)
    )
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><name>{name}</name><type>running</type><trkseg>{rows}</trkseg></trk></gpx>")


def test_one_bad_file_never_sinks_an_upload(system: System) -> None:
    _, tokens = sign_up(system)
    now = datetime.now(UTC).replace(microsecond=0)
    files = [
        ("run.fit", (FILES / "activity-small-fenix2-run.fit").read_bytes()),
        ("latitude-91.gpx", _gpx(datetime(2024, 5, 1, 6, 30, tzinfo=UTC),
                                 bad_latitude_at=20).encode()),
        ("tomorrow.gpx", _gpx(now + timedelta(days=3)).encode()),
        ("rollover.gpx", _gpx(datetime(1999, 8, 22, 7, tzinfo=UTC)).encode()),
        ("scrap.gpx", _gpx(datetime(2024, 5, 2, 6, 30, tzinfo=UTC), step_m=1.0).encode()),
        ("shift-jis.gpx", _gpx(datetime(2024, 5, 3, 6, 30, tzinfo=UTC), name="朝のラン",
                               encoding="Shift_JIS").encode("shift_jis")),
    ]

    outcomes = import_files(
        system.http, [("files", (name, data, "application/octet-stream")) for name, data in files],
        headers=auth(tokens))

    results = {r["filename"]: r for r in outcomes}
    assert {name: r["status"] for name, r in results.items()} == {
        "run.fit": "imported", "latitude-91.gpx": "imported", "tomorrow.gpx": "refused",
        "rollover.gpx": "refused", "scrap.gpx": "refused", "shift-jis.gpx": "imported"}
    assert "future" in results["tomorrow.gpx"]["message"]
    assert "before 2000" in results["rollover.gpx"]["message"]
    assert "too short" in results["scrap.gpx"]["message"]
    stored = {run["id"]: run for run in all_runs(system, tokens)}
    assert set(stored) == {r["run_id"] for r in results.values() if r["status"] == "imported"}
    assert stored[results["latitude-91.gpx"]["run_id"]]["distance_m"] < 2_000
    assert stored[results["shift-jis.gpx"]["run_id"]]["name"] == "朝のラン"


def test_a_walk_is_refused_until_the_runner_imports_it_as_a_run(system: System) -> None:
    _, tokens = sign_up(system)
    walk = [("files", ("lake.gpx", (FILES / "cerknicko-jezero.gpx").read_bytes(),
                       "application/gpx+xml"))]

    [refused] = import_files(system.http, walk, headers=auth(tokens))
    nothing = all_runs(system, tokens)
    [imported] = import_files(system.http, walk, headers=auth(tokens),
                              data={"as_run": ["lake.gpx"]})

    assert (refused["status"], refused["reason"]) == ("refused", "looks_like_walk")
    assert refused["message"].startswith("This looks like a walk")
    assert nothing == []
    assert imported["status"] == "imported", imported
    run = system.http.get(f"/api/runs/{imported['run_id']}", headers=auth(tokens)).json()
    assert run["sport_type"] == "Run"


def test_a_file_run_shows_the_time_zone_of_where_it_was(system: System) -> None:
    _, tokens = sign_up(system)
    files = [("files", ("stavanger.fit", (FILES / "activity-small-fenix2-run.fit").read_bytes(),
                        "application/octet-stream"))]

    [outcome] = import_files(system.http, files, headers=auth(tokens))
    run = system.http.get(f"/api/runs/{outcome['run_id']}", headers=auth(tokens)).json()

    assert run["time_zone"] == "Europe/Oslo"
