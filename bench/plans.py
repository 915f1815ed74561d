"""plans: a 24-week plan from a history of 1,000 runs, against computing the fitness alone.

The history is 1,000 whole runs over the last 8 weeks and no best efforts, the heaviest
case: fitness falls back to scanning every run. Timed in one run, one process:

- *fitness alone* (the reference): the best VDOT of the 1,000 runs;
- *plan*: fitness, the race predictions and the 24-week plan (``generate``), pure;
- *POST /plans*: the whole request through the plans app on SQLite, the dataservice
  answering in process (``httpx.MockTransport``): its profile, an empty ``/records``, the
  1,000 runs in 10 pages of JSON, the weekly totals; then the plan and its workouts
  stored, the ``plan.created`` event written, the plan read back.

``python -m bench.plans`` prints the table.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from bench.common import log
from runnerly_kit.testing import TestKeys, bearer
from runnerly_plans.config import Settings
from runnerly_plans.fitness.current import Effort, current_fitness, predictions
from runnerly_plans.main import create_app
from runnerly_plans.plans.generator import GeneratedPlan, PlanRequest, generate

RUNS = 1000
REPEATS = 15
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
RACE_DAY = date(2026, 8, 23)  # a Sunday: next Monday plus 23 full weeks and race week
WEEKS_BEFORE = 4


def history(count: int = RUNS, seed: int = 7) -> list[dict[str, Any]]:
    """Runs as the dataservice lists them, newest first, over the last 8 weeks."""
    rng = random.Random(seed)
    runs: list[dict[str, Any]] = []
    for run_id in range(1, count + 1):
        started = NOW - timedelta(seconds=rng.uniform(3600, 56 * 86400))
        distance = rng.uniform(3000, 25000)
        pace = rng.uniform(270, 420)  # seconds per km
        moving = round(distance / 1000 * pace)
        runs.append({
            "id": run_id, "source": "file", "external_id": str(run_id), "name": "Run",
            "sport_type": "Run", "started_at": started.isoformat(), "time_zone": None,
            "distance_m": round(distance, 1), "moving_time_s": moving,
            "elapsed_time_s": moving + 20, "elevation_gain_m": None, "average_hr": None,
            "max_hr": None, "average_cadence": None,
        })
    runs.sort(key=lambda run: str(run["started_at"]), reverse=True)
    return runs


def dataservice(runs: list[dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        path, params = request.url.path, request.url.params
        if path == "/profile":
            return httpx.Response(200, json={"time_zone": "UTC", "units": "km", "vo2max": None})
        if path == "/records":
            return httpx.Response(200, json={"items": []})
        if path == "/runs":
            offset, limit = int(params.get("cursor", "0")), int(params["limit"])
            more = offset + limit < len(runs)
            return httpx.Response(200, json={
                "items": runs[offset:offset + limit],
                "next_cursor": str(offset + limit) if more else None})
        if path == "/stats":
            first = date.fromisoformat(params["from"])
            return httpx.Response(200, json={"period": "week", "time_zone": "UTC", "buckets": [
                {"start": (first + timedelta(weeks=n)).isoformat(), "runs": 5,
                 "distance_m": 40_000.0, "moving_time_s": 14_000, "elevation_gain_m": 0.0}
                for n in range(WEEKS_BEFORE)]})
        raise AssertionError(f"unexpected request {request.url}")

    return handle


def _median(work: Callable[[], object], repeats: int = REPEATS) -> float:
    work()  # warm up
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run() -> str:
    runs = history()
    efforts = [
        Effort(run["distance_m"], run["moving_time_s"], datetime.fromisoformat(run["started_at"]),
               run["id"])
        for run in runs
    ]
    weekly = [40_000.0] * WEEKS_BEFORE

    def fitness_alone() -> object:
        return current_fitness([], efforts, None)

    def plan() -> GeneratedPlan:
        fitness = current_fitness([], efforts, None)
        predictions(fitness)
        return generate(PlanRequest(
            today=TODAY, race_date=RACE_DAY, distance_m=42_195, days_per_week=5,
            long_run_day=6, vdot=fitness.vdot, recent_weekly_m=weekly,
            goal_time_s=3 * 3600 + 30 * 60,
        ))

    generated = plan()
    assert len(generated.weeks) == 24
    log(f"plans: {RUNS} runs, 24 weeks, {len(generated.workouts)} workouts")
    reference = _median(fitness_alone)
    pure = _median(plan)

    keys = TestKeys()

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "tokendealer.test":
            return httpx.Response(200, json={
                "access_token": keys.service_token("plans", "runs:read"), "expires_in": 3600})
        return dataservice(runs)(request)

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            env="test", data_dir=Path(folder), broker_url="memory://",
            dataservice_url="http://dataservice.test", tokendealer_url="http://tokendealer.test",
            outbox_poll_seconds=3600,
        )
        app = create_app(settings, peer_transport=httpx.MockTransport(route),
                         clock=lambda: NOW)
        keys.install(app)
        headers = bearer(keys.token("runner", "plans:read plans:write"))
        body = {"distance_m": 42_195, "date": RACE_DAY.isoformat(), "days_per_week": 5,
                "goal_time_s": 3 * 3600 + 30 * 60}
        with TestClient(app) as client:
            def post() -> object:
                response = client.post("/plans", json=body, headers=headers)
                assert response.status_code == 201, response.text
                return response

            service = _median(post)

    rows = [
        ("fitness alone (best VDOT of 1,000 runs)", reference),
        ("plan: fitness, predictions, 24-week plan", pure),
        ("POST /plans: 10 pages of runs over HTTP, stored, read back (SQLite)", service),
    ]
    return "\n".join([
        "### Plans: a 24-week marathon plan from 1,000 runs",
        "",
        f"Median of {REPEATS} runs after a warm-up, one process, one core.",
        "",
        "| what | time | vs fitness alone |",
        "|---|---|---|",
        *(f"| {label} | {seconds * 1000:.2f} ms | {seconds / reference:.1f} |"
          for label, seconds in rows),
    ])


if __name__ == "__main__":
    print(run())
