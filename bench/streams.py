"""streams: every run's streams for a Strava athlete of 1,000 activities, under Strava's
default rate limits, on the simulator's clock; against the fewest requests and the least
time those limits allow.

The Strava simulator (``runnerly_stravasim``, under uvicorn on the loopback) runs with its
default limits (100 reads a quarter hour, 1,000 a day) and a fake clock; ingest runs in
this process on a clock kept equal to it. The link is made as the callback makes it, then
``backfill_step`` and ``streams_step`` are called as the worker calls them; whenever a step
pauses for the rate budget, both clocks are moved to the moment it gave (nothing else moves
them, so the time measured is the time the limits impose, not this machine's speed).

Reported: Strava requests (list pages, streams), the simulated time from the first request
to the last, and both as ratios to the minimum: one list page per 200 activities plus one
streams request per run, sent as fast as the limits allow from the same start.

``python -m bench streams`` prints the table.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench import common
from bench.backfill import (
    ACTIVITIES,
    CLIENT_ID,
    CLIENT_SECRET,
    LIST_ROUTE,
    PAGE,
    TOKENDEALER,
    Simulator,
    _dataservice,
    _link,
    _Peers,
)
from bench.common import HOST, log
from bench.read import jwks_server
from runnerly_ingest.config import Settings as IngestSettings
from runnerly_ingest.runtime import MIGRATIONS_DIR as INGEST_MIGRATIONS
from runnerly_ingest.runtime import Runtime, build_runtime
from runnerly_ingest.strava import backfill, repository, streams
from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.testing import TestKeys
from runnerly_stravasim.clock import FakeClock

STREAMS_ROUTE = "GET /api/v3/activities/{activity_id}/streams"
# Strava's default limits on reads (the simulator's defaults).
READS_15MIN = 100
READS_DAILY = 1_000
WINDOW_SECONDS = 15 * 60


class _ShortLivedTokens(_Peers):
    """As backfill's peers, but saying how long the service tokens really live (300 s):
    this benchmark runs for minutes."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == TOKENDEALER:
            return httpx.Response(200, json={
                "access_token": self.keys.service_token("ingest", "runs:read runs:write"),
                "token_type": "Bearer", "expires_in": 240,
            })
        return super().handle_request(request)


@dataclass(frozen=True)
class Result:
    activities: int
    runs: int
    list_requests: int
    streams_requests: int
    seconds: float
    pauses: int
    minimum_requests: int
    minimum_seconds: float
    wall_seconds: float


def run() -> str:
    configure_logging("bench", "WARNING")
    keys = TestKeys(kid="bench-key")
    with (
        common.temporary_dir("streams") as workdir,
        jwks_server(keys) as jwks_url,
        _simulator(workdir) as simulator,
        _dataservice(workdir, "sqlite", keys, jwks_url, "streams") as dataservice,
    ):
        result = _measure(simulator, dataservice.url, keys, workdir)
    return report(result)


@contextmanager
def _simulator(workdir: Path) -> Iterator[Simulator]:
    port = common.free_port()
    log(f"streams: the simulator generates an athlete of {ACTIVITIES:,} activities")
    with common.server(
        "stravasim",
        common.uv_run(
            "uvicorn", "--factory", "runnerly_stravasim.main:create_app",
            "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning",
        ),
        env={
            "RUNNERLY_STRAVASIM_DATA_DIR": str(workdir / "stravasim"),
            "RUNNERLY_STRAVASIM_PORT": str(port),
            "RUNNERLY_STRAVASIM_DEMO_ACTIVITIES": str(ACTIVITIES),
            "RUNNERLY_STRAVASIM_AUTO_APPROVE": "true",
            "RUNNERLY_STRAVASIM_FAKE_CLOCK": "true",
            "RUNNERLY_STRAVASIM_LOG_LEVEL": "WARNING",
        },
        ready_url=f"http://{HOST}:{port}/health/ready",
        log_path=workdir / "stravasim.log",
        timeout=300,  # the history is generated at first start
    ):
        yield Simulator(f"http://{HOST}:{port}")


def _counters(simulator: Simulator) -> dict[str, object]:
    body: dict[str, object] = httpx.get(f"{simulator.url}/admin/counters", timeout=30).json()
    return body


def _requests(simulator: Simulator, route: str) -> int:
    counts = _counters(simulator)["requests"]
    assert isinstance(counts, dict)
    return int(counts.get(route, 0))


def _measure(simulator: Simulator, dataservice_url: str, keys: TestKeys, workdir: Path) -> Result:
    peers = _ShortLivedTokens(keys)
    now = _counters(simulator)["now"]
    assert isinstance(now, int | float)
    clock = FakeClock(float(now))
    with common.database_url("sqlite", workdir, "streams_ingest") as url:
        settings = IngestSettings(
            env="test",
            data_dir=workdir / "ingest",
            database_url=url,
            broker_url="memory://",  # the steps are called here, as the worker calls them
            dataservice_url=dataservice_url,
            tokendealer_url=f"http://{TOKENDEALER}",
            strava_oauth_url=f"{simulator.url}/oauth",
            strava_api_url=f"{simulator.url}/api/v3",
            strava_client_id=CLIENT_ID,
            strava_client_secret=CLIENT_SECRET,
            webhook_verify_token="bench-verify-token",  # noqa: S106 - never checked here
            page_size=PAGE,
        )
        migrate(url, INGEST_MIGRATIONS)
        runtime = build_runtime(settings, peer_transport=peers,
                                clock=lambda: datetime.fromtimestamp(clock.now(), UTC))
        try:
            link_id = _link(runtime, simulator)
            lists_before = _requests(simulator, LIST_ROUTE)
            streams_before = _requests(simulator, STREAMS_ROUTE)
            started, wall = clock.now(), time.perf_counter()
            pauses = _until_done(runtime, simulator, clock, link_id)
            seconds, wall = clock.now() - started, time.perf_counter() - wall
            with runtime.database.sessions() as session:
                link = repository.link(session, link_id)
                assert link is not None
                activities, runs = link.activities_seen, link.runs_imported
        finally:
            runtime.close()
            runtime.database.dispose()
            peers.close()
    lists = _requests(simulator, LIST_ROUTE) - lists_before
    streams = _requests(simulator, STREAMS_ROUTE) - streams_before
    fewest = math.ceil(activities / PAGE) + runs
    log(f"streams: {lists} list and {streams} streams requests, {seconds / 3600:.1f} h "
        f"simulated, {pauses} pauses, {wall:.0f} s of wall time")
    return Result(activities, runs, lists, streams, seconds, pauses, fewest,
                  minimum_seconds(fewest, started), wall)


def _until_done(runtime: Runtime, simulator: Simulator, clock: FakeClock, link_id: int) -> int:
    """Backfill then streams steps until no run waits, moving both clocks over each pause."""
    pauses = 0

    def wait(until: datetime) -> None:
        nonlocal pauses
        pauses += 1
        seconds = max(0.0, until.timestamp() - clock.now())
        httpx.post(f"{simulator.url}/admin/clock/advance", json={"seconds": seconds},
                   timeout=30).raise_for_status()
        clock.advance(seconds)

    for _ in range(100_000):
        with runtime.database.sessions() as session:
            link = repository.link(session, link_id)
            assert link is not None
            backfilling = link.backfill_state != "done"
            pending = repository.has_pending_streams(session, link_id)
        if not backfilling and not pending:
            return pauses
        step = backfill.backfill_step if backfilling else streams.streams_step
        until = step(runtime, link_id)
        if until is not None:
            wait(until)
    raise RuntimeError("the streams did not all come")


def minimum_seconds(requests: int, start: float) -> float:
    """When the last of ``requests`` reads can be sent at the earliest from ``start``: as
    many as each quarter hour and each UTC day allow, back to back."""
    now = datetime.fromtimestamp(start, UTC)
    window = day = 0
    for _ in range(requests):
        if day == READS_DAILY:
            now = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            window = day = 0
        elif window == READS_15MIN:
            epoch = int(now.timestamp())
            now = datetime.fromtimestamp(epoch - epoch % WINDOW_SECONDS + WINDOW_SECONDS, UTC)
            window = 0
        window += 1
        day += 1
    return now.timestamp() - start


def report(result: Result) -> str:
    headers = ["", "Strava requests (list + streams)", "simulated time", "days"]

    def hours(seconds: float) -> str:
        return f"{seconds / 3600:.1f} h"

    rows: list[list[object]] = [
        ["ingest (backfill, then streams steps)",
         f"{result.list_requests + result.streams_requests:,} "
         f"({result.list_requests} + {result.streams_requests:,})",
         hours(result.seconds), f"{result.seconds / 86400:.2f}"],
        ["minimum (the limits' own pace)",
         f"{result.minimum_requests:,} ({result.minimum_requests - result.runs} + "
         f"{result.runs:,})",
         hours(result.minimum_seconds), f"{result.minimum_seconds / 86400:.2f}"],
        ["ratio",
         f"{(result.list_requests + result.streams_requests) / result.minimum_requests:.3f}",
         f"{result.seconds / result.minimum_seconds:.3f}" if result.minimum_seconds else "-",
         ""],
    ]
    return "\n".join([
        "### streams: every run's streams under Strava's default limits",
        "",
        f"{result.activities:,} activities ({result.runs:,} runs) of the simulator's demo "
        f"athlete, {READS_15MIN} reads a quarter hour and {READS_DAILY:,} a day, on the "
        f"simulator's clock ({result.pauses} pauses for the limits; "
        f"{result.wall_seconds:.0f} s of wall time). Time from the first request to the "
        "last; the minimum sends the fewest requests (a list page per 200 activities, a "
        "streams request per run) as fast as the limits allow, from the same moment.",
        "",
        common.table(headers, rows),
    ])


if __name__ == "__main__":
    print(run())
