"""Streams for every Strava run, on the real processes in demo mode: after the backfill's
list pages, each run gets its streams and splits in the background, a run the runner opens
gets them at once, and the best efforts then come from them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from .conftest import System, wait_until
from .test_strava import _unlink_everyone, _wait_done, all_runs, link_strava
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def _run(system: System, tokens: dict[str, Any], run_id: int) -> dict[str, Any]:
    response = system.http.get(f"/api/runs/{run_id}", headers=auth(tokens))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_every_strava_run_gets_its_streams_splits_and_best_efforts(system: System) -> None:
    _unlink_everyone(system)
    _, tokens = sign_up(system)
    assert link_strava(system, tokens).status_code == 303
    _wait_done(system, tokens)
    runs = all_runs(system, tokens)  # newest first
    assert runs

    # The newest run's streams come first in the background.
    newest = wait_until(lambda: _run(system, tokens, runs[0]["id"])["streams"] and
                        _run(system, tokens, runs[0]["id"]), 120, "the newest run's streams")
    assert newest["streams_pending"] is False
    # The oldest, last in line, is fetched at once when the runner opens it: until then
    # the page says its streams are on their way.
    oldest = _run(system, tokens, runs[-1]["id"])
    assert oldest["streams"] is not None or oldest["streams_pending"] is True
    oldest = wait_until(lambda: (run := _run(system, tokens, runs[-1]["id"]))["streams"] and run,
                        60, "the opened run's streams")

    for run in (newest, oldest):
        assert run["streams_pending"] is False
        streams, splits = run["streams"], run["splits"]
        assert len(streams["time"]) == len(streams["distance"]) > 1
        assert splits and sum(s["distance_m"] for s in splits) == pytest.approx(
            streams["distance"][-1], abs=2)
        assert len(splits) == pytest.approx(streams["distance"][-1] / 1000, abs=1)

        # Its best efforts come from its streams: a shorter best is never slower than a
        # longer one's pace (records among the runs started in this run's second).
        start = datetime.fromisoformat(run["started_at"].replace("Z", "+00:00"))
        records = system.http.get("/api/records", headers=auth(tokens), params={
            "after": start.isoformat(), "before": (start + timedelta(seconds=1)).isoformat()})
        assert records.status_code == 200, records.text
        items = sorted(records.json()["items"], key=lambda item: item["distance_m"])
        assert all(item["run_id"] == run["id"] for item in items)
        if run["distance_m"] >= 1000:
            assert items
        paces = [item["elapsed_time_s"] / item["distance_m"] for item in items]
        assert paces == sorted(paces)
    assert system.http.delete("/api/strava", headers=auth(tokens)).status_code == 204
