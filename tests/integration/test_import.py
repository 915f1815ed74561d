"""File import through /api on the real processes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.system import import_files

from .conftest import System
from .test_strava import all_runs
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
FILES = Path(__file__).resolve().parents[2] / "services/ingest/tests/files/data"


def test_import_files_refuses_what_is_not_a_run_and_stores_each_run_once(
    system: System,
) -> None:
    _, tokens = sign_up(system)
    run = (FILES / "activity-small-fenix2-run.fit").read_bytes()
    files = [
        ("files", ("run.fit", run, "application/octet-stream")),
        ("files", ("bike.fit", (FILES / "garmin-fenix-5-bike.fit").read_bytes(),
                   "application/octet-stream")),
        ("files", ("route.gpx", (FILES / "route.gpx").read_bytes(), "application/gpx+xml")),
    ]

    results = import_files(system.http, files, headers=auth(tokens))

    assert [(r["filename"], r["status"]) for r in results] == [
        ("run.fit", "imported"), ("bike.fit", "refused"), ("route.gpx", "refused")]
    assert "cycling" in results[1]["message"]
    [stored] = all_runs(system, tokens)
    assert stored["id"] == results[0]["run_id"]
    assert stored["distance_m"] == pytest.approx(9008, rel=0.01)

    [again] = import_files(system.http, [
        ("files", ("run.fit.gz", gzip.compress(run), "application/gzip"))], headers=auth(tokens))
    assert again["status"] == "duplicate", again
    assert len(all_runs(system, tokens)) == 1
