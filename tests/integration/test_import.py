"""File import through /api on the real processes."""

from __future__ import annotations

import gzip
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.system import gpx_run, import_files, wait_until_ready

from .conftest import System, wait_until
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


def test_a_worker_killed_mid_import_loses_no_file_and_stores_each_once(
    system: System,
) -> None:
    _, tokens = sign_up(system)
    files = [("files", (f"run-{day}.gpx", gpx_run(day, 7200), "application/gpx+xml"))
             for day in range(12)]
    response = system.http.post("/api/runs/import", headers=auth(tokens), files=files)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    def statuses() -> list[str]:
        job = system.http.get(f"/api/runs/imports/{job_id}", headers=auth(tokens))
        assert job.status_code == 200, job.text
        return [f["status"] for f in job.json()["files"]]

    def once(done: Callable[[list[str]], bool]) -> Callable[[], list[str] | None]:
        def check() -> list[str] | None:
            now = statuses()
            return now if done(now) else None

        return check

    at_kill = wait_until(once(lambda now: "imported" in now), 120,
                         "the worker to import a first file")
    victim = system.pid_of("worker ingest")
    assert victim is not None
    os.kill(victim, signal.SIGKILL)
    assert "queued" in at_kill, at_kill  # killed in the middle, not after
    wait_until(lambda: system.pid_of("worker ingest") not in (None, victim), 60,
               "the supervisor to restart the ingest worker")
    # In the one process mode the worker's process serves every API too: it answers again.
    wait_until_ready(system)

    done = wait_until(once(lambda now: not {"queued", "parsing"} & set(now)), 240,
                      "every file to have its outcome")
    assert done == ["imported"] * len(files)
    stored = [run["external_id"] for run in all_runs(system, tokens)]
    assert len(stored) == len(set(stored)) == len(files)
