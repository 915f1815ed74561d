"""Strava in demo mode, on the real processes: link through the simulator's approval page,
watch the backfill arrive, follow webhooks, unlink; and a worker killed mid-backfill."""

from __future__ import annotations

import json
import os
import re
import signal
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from tests.system import import_files, wait_until_ready

from .conftest import System, wait_until
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
RUN_SPORTS = {"Run", "TrailRun", "VirtualRun"}


class _Form(HTMLParser):
    """The approval page's form: its action and hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        if tag == "input" and values.get("type") == "hidden":
            self.fields[values.get("name", "")] = values.get("value", "")


def link_strava(system: System, tokens: dict[str, Any]) -> httpx.Response:
    """What a runner's browser does: connect, approve at 'Strava', come back."""
    # The simulator generates its demo history at first start: it may still be busy.
    wait_until(lambda: _ready(f"{system.simulator_url}/health/ready"), 120,
               "the Strava simulator")
    connect = system.http.get("/api/strava/connect", headers=auth(tokens))
    assert connect.status_code == 200, connect.text
    assert connect.json()["demo_mode"] is True
    authorize_url = connect.json()["authorize_url"]
    assert authorize_url.startswith(f"{system.simulator_url}/oauth/authorize?")
    page = httpx.get(authorize_url, timeout=30)
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    approved = httpx.post(f"{system.simulator_url}{form.action}",
                          data={**form.fields, "decision": "authorize"}, timeout=30)
    assert approved.status_code in (302, 303), approved.text
    callback = approved.headers["location"]
    assert callback.startswith(f"{system.url}/api/strava/callback?")
    return system.http.get(callback.removeprefix(system.url), headers=auth(tokens))


def strava_status(system: System, tokens: dict[str, Any]) -> dict[str, Any]:
    response = system.http.get("/api/strava", headers=auth(tokens))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def all_runs(system: System, tokens: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = system.http.get("/api/runs", params=params, headers=auth(tokens)).json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def strava_truth(system: System, athlete_id: int) -> list[dict[str, Any]]:
    """Every activity of the athlete, asked of the simulator with the token ingest holds
    (decrypted with the generated key, as only ingest itself could)."""
    secrets = json.loads((system.data_dir / "secrets.json").read_text())
    cipher = MultiFernet([Fernet(key) for key in
                          secrets["RUNNERLY_INGEST_TOKEN_KEY"].split(",")])
    engine = system.database("ingest")
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT access_token FROM strava_links WHERE athlete_id = :a"),
                {"a": athlete_id}).scalar_one()
    finally:
        engine.dispose()
    token = cipher.decrypt(stored.encode()).decode()
    activities: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = httpx.get(f"{system.simulator_url}/api/v3/athlete/activities",
                          params={"per_page": 200, "page": page},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        activities.extend(batch)
        if len(batch) < 200:
            return activities
        page += 1


def _wait_done(system: System, tokens: dict[str, Any], timeout: float = 240) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        status = strava_status(system, tokens)
        backfill = status.get("backfill") or {}
        return status if backfill.get("state") == "done" else None

    return wait_until(done, timeout, "the Strava backfill to finish")


def _unlink_everyone(system: System) -> None:
    """One simulator athlete for the whole session: each test links it afresh."""
    engine = system.database("ingest")
    try:
        with engine.connect() as connection:
            linked = connection.execute(sa.text("SELECT runner_id FROM strava_links")).all()
    finally:
        engine.dispose()
    assert not linked, "a previous test left the demo athlete linked"


def test_link_backfill_webhooks_and_unlink(system: System) -> None:
    _unlink_everyone(system)
    _, tokens = sign_up(system)
    back = link_strava(system, tokens)
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/settings?strava=linked"

    status = _wait_done(system, tokens)
    truth = strava_truth(system, status["athlete_id"])
    runs = [a for a in truth if a["sport_type"] in RUN_SPORTS]
    stored = all_runs(system, tokens)
    assert sorted(r["external_id"] for r in stored) == sorted(str(a["id"]) for a in runs)
    assert status["backfill"]["activities_seen"] == len(truth)
    assert status["backfill"]["runs_imported"] == len(runs)

    # A new run on Strava arrives by webhook (simulator -> /api/strava/webhook -> ingest).
    created = httpx.post(f"{system.simulator_url}/admin/activities",
                         json={"sport_type": "Run", "name": "Webhook run"}, timeout=30)
    assert created.status_code == 201, created.text
    new_id = str(created.json()["activity"]["id"])
    wait_until(lambda: any(r["external_id"] == new_id for r in all_runs(system, tokens)),
               60, "the webhook's run")
    httpx.delete(f"{system.simulator_url}/admin/activities/{new_id}", timeout=30)
    wait_until(lambda: all(r["external_id"] != new_id for r in all_runs(system, tokens)),
               60, "the deleted run to go")

    # A file run stays when Strava is unlinked; every Strava run goes.
    [imported] = import_files(system.http, [
        ("files", ("track.gpx", _gpx(), "application/gpx+xml"))], headers=auth(tokens))
    assert imported["status"] == "imported", imported
    unlinked = system.http.delete("/api/strava", headers=auth(tokens))
    assert unlinked.status_code == 204, unlinked.text
    assert [r["source"] for r in all_runs(system, tokens)] == ["file"]
    assert strava_status(system, tokens)["linked"] is False


def test_a_worker_killed_mid_backfill_resumes_with_exactly_the_right_runs(
    system: System,
) -> None:
    _unlink_everyone(system)
    _, tokens = sign_up(system)
    assert link_strava(system, tokens).status_code == 303

    def started() -> dict[str, Any] | None:
        backfill = strava_status(system, tokens).get("backfill") or {}
        return backfill if backfill.get("activities_seen", 0) > 0 else None

    at_kill = wait_until(started, 120, "the backfill to start")
    victim = system.pid_of("worker ingest")
    assert victim is not None
    os.kill(victim, signal.SIGKILL)
    assert at_kill["state"] == "running", at_kill  # killed in the middle, not after
    wait_until(lambda: system.pid_of("worker ingest") not in (None, victim), 60,
               "the supervisor to restart the ingest worker")
    # In the one process mode the worker's process serves every API too: it answers again.
    wait_until_ready(system)

    status = _wait_done(system, tokens)
    truth = strava_truth(system, status["athlete_id"])
    runs = [a for a in truth if a["sport_type"] in RUN_SPORTS]
    stored = [r["external_id"] for r in all_runs(system, tokens)]
    assert len(stored) == len(set(stored))  # no duplicates
    assert sorted(stored) == sorted(str(a["id"]) for a in runs)  # none missing
    assert status["backfill"]["activities_seen"] == len(truth) > at_kill["activities_seen"]
    assert system.http.delete("/api/strava", headers=auth(tokens)).status_code == 204


def _gpx() -> bytes:
    """A short recorded run (times, positions), far from any simulated activity."""
    points = "".join(
        f'<trkpt lat="{46.0 + i * 0.00002:.5f}" lon="{14.5 + i * 0.00002:.5f}">'
        f"<ele>300</ele><time>2011-05-0{1 + i // 3600}T07:{(i // 60) % 60:02d}:"
        f"{i % 60:02d}Z</time></trkpt>"
        for i in range(0, 1200, 5)
    )
    text = (f'<?xml version="1.0"?><gpx version="1.1" creator="test" '
            f'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Test run</name>'
            f"<type>running</type><trkseg>{points}</trkseg></trk></gpx>")
    assert re.search(r"<time>", text)
    return text.encode()


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False
