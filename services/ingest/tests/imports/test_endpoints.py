"""POST /imports end to end: the parser, then the real dataservice in process."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from runnerly_ingest.files import MAX_FILE_BYTES

# The shared real-device recordings, read in place; else the parser's verbatim copies.
_SHARED = Path(__file__).resolve().parents[5] / "shared" / "data" / "activities"
ACTIVITIES = _SHARED if _SHARED.is_dir() else Path(__file__).parents[1] / "files" / "data"
Headers = dict[str, str]
StoredRuns = Callable[..., list[Any]]
Upload = Callable[..., list[dict[str, Any]]]

EXPECTED = {
    "activity-small-fenix2-run.fit": ("imported", None),
    "activity-unexpected-eof.fit": ("refused", "truncated or corrupt"),
    "cerknicko-jezero.gpx": ("refused", "This looks like a walk: "),
    "cerknicko-without-times.gpx": ("refused", "No times: not a recorded activity"),
    "garmin-fenix-5-bike.fit": ("refused", "This is a cycling activity"),
    "garmin-fenix-5-run.fit": ("refused", "158 m in 57 s: too short to be a run"),
    "korita-zbevnica.gpx": ("refused", "This looks like a hike: "),
    "route.gpx": ("refused", "planned route"),
    "sup_activity_1.tcx": ("refused", "not a run"),
    "track-with-empty-segment.gpx": ("refused", "86 m in 76 s: too short to be a run"),
    "unicode_with_bom.gpx": ("refused", "not a recorded activity"),
}
# Each refusal's code, and the sport it names.
REASONS = {
    "activity-small-fenix2-run.fit": (None, None),
    "activity-unexpected-eof.fit": ("corrupt", None),
    "cerknicko-jezero.gpx": ("looks_like_walk", "walking"),
    "cerknicko-without-times.gpx": ("no_timestamps", None),
    "garmin-fenix-5-bike.fit": ("not_a_run", "cycling"),
    "garmin-fenix-5-run.fit": ("too_short", None),
    "korita-zbevnica.gpx": ("looks_like_walk", "hiking"),
    "route.gpx": ("no_timestamps", None),
    "sup_activity_1.tcx": ("not_a_run", "other"),
    "track-with-empty-segment.gpx": ("too_short", None),
    "unicode_with_bom.gpx": ("no_timestamps", None),
}


WALKS = {"cerknicko-jezero.gpx", "korita-zbevnica.gpx"}


def _files(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, (ACTIVITIES / name).read_bytes(), "application/octet-stream"))
            for name in names]


needs_data = pytest.mark.skipif(
    not ACTIVITIES.is_dir(), reason="the shared activity files are absent"
)


@needs_data
def test_every_shared_file_is_imported_or_refused_with_its_reason(
    upload: Upload, alice: Headers, stored_runs: StoredRuns
) -> None:
    names = sorted(name for name in EXPECTED if (ACTIVITIES / name).exists())
    results = {item["filename"]: item for item in upload(_files(*names), alice)}
    assert list(results) == names
    for name in names:
        status, message = EXPECTED[name]
        assert results[name]["status"] == status, (name, results[name])
        if message:
            assert message in results[name]["message"], (name, results[name])
        assert (results[name]["reason"], results[name]["sport"]) == REASONS[name], name
    runs = stored_runs()
    imported = {item["run_id"] for item in results.values() if item["status"] == "imported"}
    assert {run["id"] for run in runs} == imported
    fenix_id = results["activity-small-fenix2-run.fit"]["run_id"]
    fenix = next(run for run in runs if run["id"] == fenix_id)
    assert fenix["source"] == "file"
    assert fenix["started_at"].startswith("2015-08-15T14:45:08")
    assert fenix["distance_m"] == pytest.approx(9008, rel=0.01)
    assert fenix["average_hr"] is not None


@needs_data
def test_the_detail_has_streams_splits_and_a_route(
    upload: Upload, alice: Headers, peers: Any
) -> None:
    [result] = upload(_files("activity-small-fenix2-run.fit"), alice)

    detail = peers.dataservice.get(f"/runs/{result['run_id']}", headers=alice).json()

    assert len(detail["splits"]) == 10
    assert detail["summary_polyline"]
    streams = {name: series for name, series in detail["streams"].items() if series}
    assert {"time", "distance", "heartrate", "latlng", "velocity_smooth"} <= set(streams)
    assert len({len(series) for series in streams.values()}) == 1
    assert len(streams["time"]) <= 1000


@needs_data
def test_a_reupload_and_a_gzipped_copy_are_duplicates(
    upload: Upload, alice: Headers, stored_runs: StoredRuns
) -> None:
    [imported] = upload(_files("activity-small-fenix2-run.fit"), alice)
    data = (ACTIVITIES / "activity-small-fenix2-run.fit").read_bytes()
    again = upload(
        [("files", ("again.fit", data, "application/octet-stream")),
         ("files", ("copy.fit.gz", gzip.compress(data), "application/gzip"))],
        alice,
    )

    assert imported["status"] == "imported"
    statuses = [(item["filename"], item["status"], item["run_id"]) for item in again]
    assert statuses == [("again.fit", "duplicate", imported["run_id"]),
                        ("copy.fit.gz", "duplicate", imported["run_id"])]
    assert len(stored_runs()) == 1


IMPORTED = sorted(
    name for name, (status, _) in EXPECTED.items() if status == "imported" or name in WALKS
)


@needs_data
def test_a_file_another_runner_imported_is_a_run_of_ones_own(
    upload: Upload, alice: Headers, bob: Headers, peers: Any, stored_runs: StoredRuns
) -> None:
    """Friends share files: the same bytes from two runners are two runs, and neither's
    upload reaches, moves or names the other's run."""
    names = [name for name in IMPORTED if (ACTIVITIES / name).exists()]
    walks = {"as_run": sorted(WALKS)}
    alices = upload(_files(*names), alice, data=walks)
    alice_runs = stored_runs("alice")
    alice_details = {run["id"]: peers.dataservice.get(f"/runs/{run['id']}", headers=alice).json()
                     for run in alice_runs}

    bobs = upload(_files(*names), bob, data=walks)
    bobs_again = upload(_files(*names), bob, data=walks)

    alice_ids = {item["run_id"] for item in alices}
    assert [item["status"] for item in alices] == ["imported"] * len(names)
    assert [item["status"] for item in bobs] == ["imported"] * len(names)
    bob_ids = {item["run_id"] for item in bobs}
    assert len(bob_ids) == len(names) and not bob_ids & alice_ids
    assert [(item["status"], item["run_id"]) for item in bobs_again] == [
        ("duplicate", item["run_id"]) for item in bobs
    ]
    assert stored_runs("alice") == alice_runs
    assert {run["id"]: peers.dataservice.get(f"/runs/{run['id']}", headers=alice).json()
            for run in alice_runs} == alice_details
    assert {run["id"] for run in stored_runs("bob")} == bob_ids


@needs_data
def test_a_walk_is_refused_until_the_runner_says_it_was_a_run(
    upload: Upload, alice: Headers, peers: Any, stored_runs: StoredRuns
) -> None:
    names = ["cerknicko-jezero.gpx", "korita-zbevnica.gpx", "garmin-fenix-5-bike.fit",
             "garmin-fenix-5-run.fit"]

    refused = upload(_files(*names), alice)
    nothing_stored = stored_runs()
    # Every file named: only the walks' refusals give way, a ride and a scrap stay refused.
    again = upload(_files(*names), alice, data={"as_run": names})

    assert [(r["status"], r["reason"]) for r in refused] == [
        ("refused", "looks_like_walk"), ("refused", "looks_like_walk"),
        ("refused", "not_a_run"), ("refused", "too_short")]
    assert refused[0]["message"].startswith("This looks like a walk: ")
    assert refused[1]["message"].startswith("This looks like a hike: ")
    assert "import it as a run" in refused[0]["message"]
    assert nothing_stored == []
    assert [(r["status"], r["reason"]) for r in again] == [
        ("imported", None), ("imported", None), ("refused", "not_a_run"),
        ("refused", "too_short")]
    assert "cycling" in again[2]["message"] and "too short" in again[3]["message"]
    for result in again[:2]:
        run = peers.dataservice.get(f"/runs/{result['run_id']}", headers=alice).json()
        assert run["sport_type"] == "Run"


@needs_data
def test_a_file_run_gets_the_time_zone_of_where_it_was(
    upload: Upload, alice: Headers, peers: Any
) -> None:
    names = ["activity-small-fenix2-run.fit", "cerknicko-jezero.gpx"]
    results = upload(_files(*names), alice, data={"as_run": names[1]})

    zones = [peers.dataservice.get(f"/runs/{r['run_id']}", headers=alice).json()["time_zone"]
             for r in results]

    assert zones == ["Europe/Oslo", "Europe/Ljubljana"]


def test_an_upload_needs_the_import_scope_and_some_files(
    client: TestClient, runner_headers: Callable[..., Headers], alice: Headers
) -> None:
    files = [("files", ("a.gpx", b"<gpx/>", "application/gpx+xml"))]
    without_scope = client.post("/imports", files=files,
                                headers=runner_headers("alice", "runs:read"))
    no_files = client.post("/imports", data={"x": "y"}, headers=alice)
    too_many = client.post("/imports", files=files * 21, headers=alice)

    assert without_scope.status_code == 403
    assert no_files.status_code == 422
    assert too_many.status_code == 422


def test_garbage_and_oversized_files_are_refused_alone(
    upload: Upload, alice: Headers, stored_runs: StoredRuns
) -> None:
    files = [("files", ("notes.txt", b"hello", "text/plain")),
             ("files", ("huge.gpx", b"<" * (MAX_FILE_BYTES + 1), "application/gpx+xml"))]

    results = upload(files, alice)

    assert [item["status"] for item in results] == ["refused", "refused"]
    assert [item["reason"] for item in results] == ["corrupt", "too_large"]
    assert "larger than" in results[1]["message"]
    assert stored_runs() == []
