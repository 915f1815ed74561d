"""Imports as jobs: the upload is stored and answered at once, each file is parsed in the
worker a step at a time (here: the step tasks the outbox holds, run in the order the queue
would deliver them), and the runner follows the job per file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_ingest.imports import service
from runnerly_ingest.models import ImportFile, ImportJob
from runnerly_ingest.runtime import Runtime
from runnerly_stravasim.clock import FakeClock

DATA = Path(__file__).parents[1] / "files" / "data"
Headers = dict[str, str]
StoredRuns = Callable[..., list[Any]]
RunSteps = Callable[..., list[str]]
FIRST_STEP = 1
GOOD = ("korita-zbevnica.gpx", "cerknicko-jezero.gpx", "activity-small-fenix2-run.fit")
# Two of the good files are a walk and a hike: the runner says they were runs.
AS_RUN = {"as_run": ["korita-zbevnica.gpx", "cerknicko-jezero.gpx"]}


def _files(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, (DATA / name).read_bytes(), "application/octet-stream"))
            for name in names]


def _files_of(client: TestClient, headers: Headers, job: dict[str, Any]) -> list[Any]:
    files: list[Any] = client.get(f"/imports/{job['id']}", headers=headers).json()["files"]
    return files


def _stored_bytes(runtime: Runtime, job_id: str) -> list[bytes | None]:
    with runtime.database.transaction() as session:
        return list(session.scalars(
            sa.select(ImportFile.data).where(ImportFile.job_id == job_id)
            .order_by(ImportFile.position)
        ))


def test_an_upload_is_answered_at_once_and_parsed_in_the_worker(
    client: TestClient, runtime: Runtime, alice: Headers, bob: Headers,
    stored_runs: StoredRuns, run_steps: RunSteps,
) -> None:
    names = [*GOOD, "route.gpx"]
    response = client.post("/imports", files=_files(*names), data=AS_RUN, headers=alice)

    assert response.status_code == 202, response.text
    job = response.json()
    assert [(f["filename"], f["status"]) for f in job["files"]] == [
        (name, "queued") for name in names]
    assert job["finished_at"] is None
    assert stored_runs() == []  # nothing parsed in the API process
    assert all(_stored_bytes(runtime, job["id"]))
    assert client.get(f"/imports/{job['id']}", headers=bob).status_code == 404
    assert client.get("/imports/nope", headers=alice).status_code == 404

    run_steps()

    finished = client.get(f"/imports/{job['id']}", headers=alice).json()
    statuses = [(f["filename"], f["status"]) for f in finished["files"]]
    assert statuses == [(name, "imported") for name in GOOD] + [("route.gpx", "refused")]
    assert "planned route" in finished["files"][-1]["message"]
    assert finished["finished_at"] is not None
    assert {run["id"] for run in stored_runs()} == {f["run_id"] for f in finished["files"][:3]}
    # Nothing kept that is not needed: the bytes go once every file has its outcome.
    assert _stored_bytes(runtime, job["id"]) == [None] * len(names)


def test_each_file_carries_its_override_and_a_reason(
    client: TestClient, runtime: Runtime, alice: Headers, run_steps: RunSteps
) -> None:
    job = client.post("/imports", files=_files("korita-zbevnica.gpx", "route.gpx"),
                      data={"as_run": ["route.gpx"]}, headers=alice).json()

    with runtime.database.transaction() as session:
        as_run = list(session.scalars(
            sa.select(ImportFile.as_run).where(ImportFile.job_id == job["id"])
            .order_by(ImportFile.position)))
    assert as_run == [False, True]
    run_steps()
    files = client.get(f"/imports/{job['id']}", headers=alice).json()["files"]
    # A hike not named in as_run is refused as one; a route named there is still no run.
    assert [(f["status"], f["reason"], f["sport"]) for f in files] == [
        ("refused", "looks_like_walk", "hiking"), ("refused", "no_timestamps", None)]


def test_a_step_killed_mid_parse_is_taken_up_again_and_stores_once(
    client: TestClient, runtime: Runtime, alice: Headers, clock: FakeClock,
    stored_runs: StoredRuns, run_steps: RunSteps,
) -> None:
    job = client.post("/imports", files=_files(*GOOD), data=AS_RUN, headers=alice).json()
    # A worker takes the first file, stores its run, and dies before writing the outcome.
    claimed = service.claim(runtime, job["id"], FIRST_STEP)
    assert claimed is not None
    service.parse_and_store(runtime, claimed)
    statuses = ["parsing", "queued", "queued"]
    assert [f["status"] for f in _files_of(client, alice, job)] == statuses
    # Its step, redelivered while the lease holds, does nothing (and the broker then
    # forgets it: it was acknowledged).
    service.import_step(runtime, job["id"], FIRST_STEP)
    assert [f["status"] for f in _files_of(client, alice, job)] == statuses
    # Once the lease lapses, the resume tick (or the next worker's start) queues the job
    # again, once; the lost step, should it still arrive, is stale.
    assert service.resume_jobs(runtime) == []
    clock.set(clock.now() + runtime.settings.lease_seconds + 1)
    assert service.resume_jobs(runtime) == [job["id"]]
    assert service.resume_jobs(runtime) == []
    run_steps()

    files = client.get(f"/imports/{job['id']}", headers=alice).json()["files"]
    assert [f["status"] for f in files] == ["imported"] * 3
    assert len(stored_runs()) == 3  # the first file's run, stored twice, is one run


def test_a_file_that_kills_every_worker_is_refused_in_the_end(
    client: TestClient, runtime: Runtime, alice: Headers, clock: FakeClock
) -> None:
    job = client.post("/imports", files=_files("korita-zbevnica.gpx"), data=AS_RUN,
                      headers=alice).json()
    for _ in range(service.MAX_ATTEMPTS):
        assert service.claim(runtime, job["id"], FIRST_STEP) is not None
        clock.set(clock.now() + runtime.settings.lease_seconds + 1)

    service.import_step(runtime, job["id"], FIRST_STEP)

    [file] = client.get(f"/imports/{job['id']}", headers=alice).json()["files"]
    assert (file["status"], file["reason"], file["sport"]) == ("refused", "unreadable", None)
    assert "could not be read" in file["message"]


def test_unfinished_imports_are_limited_per_runner(
    client: TestClient, alice: Headers, bob: Headers, run_steps: RunSteps
) -> None:
    limit = 2
    for _ in range(limit):
        accepted = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=alice)
        assert accepted.status_code == 202

    refused = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=alice)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "still being read" in refused.json()["detail"]
    for_bob = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=bob)
    assert for_bob.status_code == 202
    run_steps()
    again = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=alice)
    assert again.status_code == 202


def test_one_runners_large_upload_does_not_hold_up_anothers(
    client: TestClient, alice: Headers, bob: Headers, run_steps: RunSteps
) -> None:
    alices = client.post("/imports", files=_files(*GOOD, *GOOD), data=AS_RUN,
                         headers=alice).json()
    bobs = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=bob).json()

    order = run_steps()

    # Bob's one file is parsed second, not after Alice's six.
    assert order[:3] == [alices["id"], bobs["id"], alices["id"]]
    assert client.get(f"/imports/{bobs['id']}", headers=bob).json()["files"][0]["status"] == (
        "imported")


def test_the_same_file_twice_in_one_upload_is_one_run(
    client: TestClient, alice: Headers, stored_runs: StoredRuns, run_steps: RunSteps
) -> None:
    job = client.post("/imports", files=_files(GOOD[0], GOOD[0]), data=AS_RUN,
                      headers=alice).json()
    run_steps()

    files = client.get(f"/imports/{job['id']}", headers=alice).json()["files"]
    assert [f["status"] for f in files] == ["imported", "duplicate"]
    assert files[1]["message"] == "The same file was sent twice."
    assert files[0]["run_id"] == files[1]["run_id"]
    assert len(stored_runs()) == 1


def test_finished_jobs_are_purged_after_the_retention(
    client: TestClient, runtime: Runtime, alice: Headers, clock: FakeClock,
    run_steps: RunSteps,
) -> None:
    finished = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=alice).json()
    run_steps()
    unfinished = client.post("/imports", files=_files(GOOD[1]), data=AS_RUN, headers=alice).json()
    retention = timedelta(hours=runtime.settings.import_retention_hours)
    clock.set(clock.now() + retention.total_seconds() + 1)

    service.purge_finished(runtime)

    assert client.get(f"/imports/{finished['id']}", headers=alice).status_code == 404
    assert client.get(f"/imports/{unfinished['id']}", headers=alice).status_code == 200
    with runtime.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ImportFile).where(
            ImportFile.job_id == finished["id"])) == 0
        assert session.get(ImportJob, unfinished["id"]) is not None


def test_a_deleted_runners_imports_are_forgotten(
    client: TestClient, runtime: Runtime, alice: Headers
) -> None:
    job = client.post("/imports", files=_files(GOOD[0]), data=AS_RUN, headers=alice).json()

    service.forget_runner(runtime, "alice")

    with runtime.database.transaction() as session:
        assert session.get(ImportJob, job["id"]) is None
        assert session.scalar(sa.select(sa.func.count()).select_from(ImportFile)) == 0
    service.import_step(runtime, job["id"], FIRST_STEP)  # its step, still queued, finds nothing
