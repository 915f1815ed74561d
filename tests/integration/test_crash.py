"""Killing a process in the middle of a write loses and duplicates nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import httpx
import pytest

from .conftest import System, wait_until
from .test_user_journey import _count_runs, auth, dataservice_url, ingest_token, sign_up, some_runs

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def test_sigkill_during_a_bulk_upsert(system: System) -> None:
    _, tokens = sign_up(system)
    runner_id = system.http.get("/api/me", headers=auth(tokens)).json()["account"]["id"]
    batch = {"runs": some_runs(runner_id, 1000, source="file")}
    headers = {"Authorization": f"Bearer {ingest_token(system)}"}
    url = f"{dataservice_url(system)}/runs/batch"
    victim = system.pid_of("serve dataservice")
    assert victim is not None

    def send() -> None:
        # The server dies under us: that is the point.
        with contextlib.suppress(httpx.TransportError):
            httpx.post(url, headers=headers, json=batch, timeout=30)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.03)
    os.kill(victim, signal.SIGKILL)
    sender.join()

    # The supervisor restarts the dataservice.
    wait_until(
        lambda: system.pid_of("serve dataservice") not in (None, victim), 30, "a new dataservice"
    )
    wait_until(lambda: _ready(f"{dataservice_url(system)}/health/ready"), 30, "it to be ready")
    engine = system.database("dataservice")
    try:
        # One transaction per batch: all of it or none of it survived.
        assert _count_runs(engine, runner_id) in (0, 1000)
        # The client retries the same batch; the upsert is idempotent.
        retried = httpx.post(url, headers=headers, json=batch, timeout=30)
        assert retried.status_code == 200, retried.text
        assert _count_runs(engine, runner_id) == 1000
        again = httpx.post(url, headers=headers, json=batch, timeout=30)
        assert again.json()["created"] == 0
        assert _count_runs(engine, runner_id) == 1000
    finally:
        engine.dispose()


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False
