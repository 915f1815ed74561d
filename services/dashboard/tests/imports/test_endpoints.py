from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_files_are_forwarded_to_ingest_and_the_job_followed(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()

    response = client.post("/api/runs/import", headers=me.csrf, files=[
        ("files", ("a.fit", b"\x0e\x10FIT", "application/octet-stream")),
        ("files", ("b.gpx", b"<gpx/>", "application/gpx+xml"))])

    assert response.status_code == 202, response.text
    job = response.json()
    assert [(f["filename"], f["status"]) for f in job["files"]] == [
        ("a.fit", "queued"), ("b.gpx", "queued")]
    [sent] = fake.sent("ingest", "POST", "/imports")
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="b.gpx"' in sent.content
    # The worker gets on with it; the runner follows each file.
    _, held = fake.import_jobs[job["id"]]
    held["files"][0].update(status="imported", run_id=7)
    held["files"][1].update(status="refused", message="No times.", reason="no_times")
    held["finished_at"] = "2026-03-01T07:00:05Z"
    followed = client.get(f"/api/runs/imports/{job['id']}", headers=me.csrf)
    assert followed.status_code == 200, followed.text
    assert [(f["status"], f["run_id"], f["reason"]) for f in followed.json()["files"]] == [
        ("imported", 7, None), ("refused", None, "no_times")]
    assert followed.json()["finished_at"] is not None


def test_only_the_owner_follows_an_import(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    ada = login()
    job = client.post("/api/runs/import", headers=ada.csrf, files=[
        ("files", ("a.fit", b"x", "application/octet-stream"))]).json()
    bob = login("bob@example.com")

    assert_problem(client.get(f"/api/runs/imports/{job['id']}", headers=bob.csrf), 404)


def test_too_many_imports_at_once_is_a_429_with_retry_after(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    fake.imports_busy = True

    refused = client.post("/api/runs/import", headers=me.csrf,
                          files=[("files", ("a.fit", b"x", "application/octet-stream"))])

    assert_problem(refused, 429)
    assert refused.headers["Retry-After"] == "10"
    assert "still being read" in refused.json()["detail"]


def test_an_import_needs_csrf_and_multipart(
    client: TestClient, login: Any, assert_problem: Any
) -> None:
    me = login()
    files = [("files", ("a.fit", b"x", "application/octet-stream"))]
    assert_problem(client.post("/api/runs/import", files=files), 403)
    assert_problem(client.post("/api/runs/import", headers=me.csrf, json={"files": []}), 422)


def test_imports_may_be_large_other_bodies_may_not(
    client: TestClient, login: Any, assert_problem: Any
) -> None:
    me = login()
    big = b"x" * (2 * 1024 * 1024)
    imported = client.post("/api/runs/import", headers=me.csrf,
                           files=[("files", ("big.gpx", big, "application/gpx+xml"))])
    other = client.post(
        "/api/races", headers={**me.csrf, "Content-Type": "application/json"}, content=big)

    assert imported.status_code == 202
    assert_problem(other, 413)


def test_a_walk_refusal_and_the_as_run_override_pass_through(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()

    response = client.post("/api/runs/import", headers=me.csrf, data={"as_run": ["walk.gpx"]},
                           files=[("files", ("walk.gpx", b"<gpx/>", "application/gpx+xml"))])
    _, held = fake.import_jobs[response.json()["id"]]
    held["files"][0].update(status="refused", reason="looks_like_walk",
                            message="This looks like a walk: typically 12:00 /km.")
    followed = client.get(f"/api/runs/imports/{response.json()['id']}", headers=me.csrf)

    assert followed.json()["files"][0]["reason"] == "looks_like_walk"
    [sent] = fake.sent("ingest", "POST", "/imports")
    assert b'name="as_run"\r\n\r\nwalk.gpx\r\n' in sent.content
    # Documented, so the web app's generated client knows both.
    api = client.get("/api/openapi.json").json()
    form = api["paths"]["/api/runs/import"]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]
    assert form["properties"]["as_run"]["items"]["type"] == "string"
    assert "reason" in api["components"]["schemas"]["FileOutcome"]["properties"]
