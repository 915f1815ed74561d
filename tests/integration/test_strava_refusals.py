"""Strava suspends the operator's app, on the real processes: the runner's Strava runs stay,
the sync says it is paused (runner and operator), and it resumes by itself once the app is
active again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import System, wait_until
from .test_strava import _unlink_everyone, _wait_done, all_runs, link_strava, strava_status
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
INGEST = 4  # its port: the base port + 4


def _app_active(system: System, active: bool) -> None:
    answer = httpx.put(f"{system.simulator_url}/admin/app", json={"active": active}, timeout=30)
    assert answer.status_code == 200, answer.text


def _strava_ids(system: System, tokens: dict[str, Any]) -> set[str]:
    return {r["external_id"] for r in all_runs(system, tokens) if r["source"] == "strava"}


def test_a_suspended_app_pauses_the_sync_keeps_the_runs_and_resumes(system: System) -> None:
    _unlink_everyone(system)
    _, tokens = sign_up(system)
    assert link_strava(system, tokens).status_code == 303
    _wait_done(system, tokens)
    before = _strava_ids(system, tokens)
    assert before

    _app_active(system, False)
    try:
        # Strava announces a new run; fetching it is refused (403, the app is inactive).
        created = httpx.post(f"{system.simulator_url}/admin/activities",
                             json={"sport_type": "Run", "name": "During the suspension"},
                             timeout=30)
        assert created.status_code == 201, created.text
        new_id = str(created.json()["activity"]["id"])
        paused = wait_until(lambda: strava_status(system, tokens)["sync_paused"], 90,
                            "the sync to say it is paused")
        assert paused["reason"] == "app_refused"
        assert "Inactive" in paused["detail"]
        assert strava_status(system, tokens)["linked"] is True
        assert _strava_ids(system, tokens) == before
        ready = httpx.get(f"{system.port(INGEST)}/health/ready", timeout=30)
        assert ready.status_code == 200
        assert "Strava refuses the app" in ready.json()["details"]["strava"]
        metrics = httpx.get(f"{system.port(INGEST)}/metrics", timeout=30).text
        assert "runnerly_strava_app_refused 1.0" in metrics
    finally:
        _app_active(system, True)

    wait_until(lambda: strava_status(system, tokens)["sync_paused"] is None, 120,
               "the pause to clear once Strava answers again")
    wait_until(lambda: new_id in _strava_ids(system, tokens), 120,
               "the refused event's run, once retried")
    assert before | {new_id} == _strava_ids(system, tokens)
    assert "strava" not in httpx.get(f"{system.port(INGEST)}/health/ready",
                                     timeout=30).json().get("details", {})
    assert system.http.delete("/api/strava", headers=auth(tokens)).status_code == 204


def test_an_access_revoked_while_its_event_was_lost_ends_once_strava_confirms(
    system: System,
) -> None:
    """The athlete revokes Runnerly at Strava and the deauthorization event never arrives:
    the link is not kept for ever. The next call ingest makes meets the refused token, its
    refresh is refused too (``invalid_grant``), and the link ends like a deauthorization."""
    _unlink_everyone(system)
    _, tokens = sign_up(system)
    assert link_strava(system, tokens).status_code == 303
    _wait_done(system, tokens)
    assert _strava_ids(system, tokens)

    revoked = httpx.post(f"{system.simulator_url}/admin/deauthorize", json={"event": False},
                         timeout=30)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked"] is True and revoked.json()["event_id"] is None
    assert strava_status(system, tokens)["linked"] is True  # nothing deleted on a guess
    # A new activity's event: verifying it is the next call ingest makes with the tokens.
    created = httpx.post(f"{system.simulator_url}/admin/activities",
                         json={"sport_type": "Run", "name": "After the revocation"},
                         timeout=30)
    assert created.status_code == 201, created.text

    wait_until(lambda: strava_status(system, tokens)["linked"] is False, 120,
               "the link to end once Strava refuses the refresh token")
    assert _strava_ids(system, tokens) == set()
