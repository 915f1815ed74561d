"""reports: the monthly reports of N runners with 30 runs each, on the embedded default.

The reports service runs as its worker does: the month task lists the runners (tokendealer)
and queues one build per runner through the outbox; each build reads the runner's month from
the dataservice, computes the figures, renders the chart and the PDF, stores the report in
SQLite and asks for the mail in the same transaction. The peers are played in process by a
fake that serves their real JSON through ``httpx.MockTransport`` (no network, no peer
cost), so the figures are the reports service's own: total time, time per report, and the
share of it spent rendering the PDF and the chart, all measured in the same run by timing
those functions where the build calls them.

With ``--processes P`` the builds are split over P worker processes on the same SQLite file,
as P workers would take them from the queue: the speed-up shows how it scales.

``python -m bench.reports [--runners N] [--processes P]`` prints the table (N=1000 for the
full run; the default is smaller).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bench.common import log
from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_reports.config import Settings
from runnerly_reports.reports import render, service, tasks
from runnerly_reports.runtime import MIGRATIONS_DIR, Runtime, build_runtime

DEFAULT_RUNNERS = 100
RUNS_PER_MONTH = 30
MONTH = "2026-10"
NOW = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
ZONES = ("Europe/Paris", "America/New_York", "Asia/Tokyo", "Pacific/Honolulu", "UTC")
EFFORTS = {"1k": 1000.0, "5k": 5000.0, "10k": 10000.0, "half": 21097.5}
TOKEN = "bench-service-token"  # noqa: S105 - the fake peers' own


def _runner_month(index: int) -> dict[str, Any]:
    """One runner's answers, generated from their index (the same in every process)."""
    rng = random.Random(index)
    zone = ZoneInfo(ZONES[index % len(ZONES)])
    start = datetime(2026, 10, 1, 6, 30, tzinfo=zone)
    runs = []
    for number in range(RUNS_PER_MONTH):
        distance = rng.uniform(4000, 22000)
        pace = rng.uniform(260, 380)  # seconds per km
        runs.append({
            "id": index * 1000 + number, "source": "file", "external_id": f"{index}-{number}",
            "name": f"Run {number + 1}", "sport_type": "Run",
            "started_at": (start + timedelta(days=number, hours=rng.uniform(0, 14))).isoformat(),
            "time_zone": None, "distance_m": round(distance, 1),
            "moving_time_s": int(distance / 1000 * pace),
            "elapsed_time_s": int(distance / 1000 * pace) + 60,
            "elevation_gain_m": round(rng.uniform(0, 300), 1),
            "average_hr": None, "max_hr": None, "average_cadence": None,
        })
    runs.reverse()  # newest first, as the dataservice lists them

    def efforts(slower: float) -> list[dict[str, Any]]:
        return [{"distance": name, "distance_m": metres,
                 "elapsed_time_s": int(metres / 1000 * 270 * slower),
                 "run_id": runs[-1]["id"], "started_at": runs[-1]["started_at"]}
                for name, metres in EFFORTS.items()]

    months = []
    for offset in range(13):
        first = date(2025 + (9 + offset) // 12, (9 + offset) % 12 + 1, 1)
        months.append({"start": first.isoformat(), "runs": rng.randint(0, 30),
                       "distance_m": rng.uniform(0, 300_000), "moving_time_s": 50_000,
                       "elevation_gain_m": 1000.0})
    return {
        "profile": {"display_name": f"Runner {index}", "units": "km" if index % 4 else "mi",
                    "time_zone": str(zone)},
        "runs": {"items": runs, "next_cursor": None},
        "stats": {"period": "month", "time_zone": str(zone), "buckets": months},
        "records_in": {"items": efforts(rng.uniform(0.97, 1.03))},
        "records_before": {"items": efforts(1.0)},
        "races": {"items": [{"id": 1, "name": "City Marathon", "date": "2027-04-11",
                             "distance_m": 42195.0, "location": None, "url": None,
                             "entrants": 10, "entered": index % 2 == 0}],
                  "next_cursor": None},
    }


class Peers:
    """The dataservice and tokendealer as JSON, precomputed per runner."""

    def __init__(self, runners: int) -> None:
        self.runners = runners
        self.months = {f"runner-{i}": _runner_month(i) for i in range(runners)}

    def handle(self, request: httpx.Request) -> httpx.Response:
        path, params = request.url.path, request.url.params
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 3600})
        if path == "/accounts":
            limit, start = int(params["limit"]), int(params.get("cursor", "0"))
            items = [{"user_id": f"runner-{i}", "email": f"runner-{i}@example.com",
                      "confirmed_at": "2026-01-01T00:00:00Z"}
                     for i in range(start, min(start + limit, self.runners))]
            more = start + limit < self.runners
            return httpx.Response(200, json={"items": items,
                                             "next_cursor": str(start + limit) if more else None})
        if request.url.host == "plans.bench":
            return httpx.Response(404, json={"detail": "no plans service"})
        month = self.months[params["runner_id"]]
        if path == "/records":
            body = month["records_before" if "after" not in params else "records_in"]
        else:
            body = month[{"/profile": "profile", "/runs": "runs", "/stats": "stats",
                          "/races": "races"}[path]]
        return httpx.Response(200, content=json.dumps(body).encode(),
                              headers={"content-type": "application/json"})


class Timer:
    """Seconds spent in one function, wherever it is called from."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


@contextmanager
def _runtime(data_dir: Path, runners: int) -> Iterator[Runtime]:
    settings = Settings(
        env="test", data_dir=data_dir, dataservice_url="http://dataservice.bench",
        tokendealer_url="http://tokendealer.bench", plans_url="http://plans.bench",
        unsubscribe_key="bench-key",
    )
    runtime = build_runtime(settings, peer_transport=httpx.MockTransport(Peers(runners).handle),
                            clock=lambda: NOW)
    try:
        yield runtime
    finally:
        runtime.close()
        runtime.database.dispose()


def _build(data_dir: Path, runners: int, jobs: list[dict[str, Any]]) -> dict[str, float]:
    """Run build tasks as a worker would; the seconds spent, in total and per part."""
    configure_logging("reports", "WARNING")  # a line per report would time the terminal
    pdf, chart, mail = Timer(), Timer(), Timer()
    # Timed where the build looks them up: the names in the modules that call them.
    for module, name, timer in ((render, "pdf", pdf), (render, "weekly_chart_png", chart),
                                (service, "mail_request", mail)):
        setattr(module, name, timer.wrap(getattr(module, name)))
    per_report = []
    with _runtime(data_dir, runners) as runtime:
        started = time.perf_counter()
        for job in jobs:
            one = time.perf_counter()
            outcome = tasks.build_one(runtime, **job)
            per_report.append(time.perf_counter() - one)
            assert outcome == "sent", outcome
        total = time.perf_counter() - started
    return {"total": total, "pdf": pdf.seconds, "chart": chart.seconds, "mail": mail.seconds,
            "median": statistics.median(per_report), "count": len(jobs)}


def _queued_jobs(runtime: Runtime) -> list[dict[str, Any]]:
    import sqlalchemy as sa

    from runnerly_reports.models import OutboxMessage

    with runtime.database.transaction() as session:
        return [row.payload for row in session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.name == service.BUILD_TASK)
            .order_by(OutboxMessage.id))]


def run(runners: int = DEFAULT_RUNNERS, processes: int = 1) -> str:
    configure_logging("reports", "WARNING")
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        data_dir = Path(folder)
        with _runtime(data_dir, runners) as runtime:
            migrate(runtime.database.url, MIGRATIONS_DIR)
            started = time.perf_counter()
            queued = tasks.queue_month(runtime, MONTH)
            queue_seconds = time.perf_counter() - started
            jobs = _queued_jobs(runtime)
        assert queued == runners == len(jobs)
        log(f"reports: {runners} runners queued in {queue_seconds:.2f} s; building "
            f"with {processes} process(es)")
        render.render(_sample_content())  # warm-up: fonts, templates, matplotlib
        started = time.perf_counter()
        if processes == 1:
            parts = [_build(data_dir, runners, jobs)]
        else:
            slices = [jobs[i::processes] for i in range(processes)]
            with ProcessPoolExecutor(processes) as pool:
                parts = list(pool.map(_build, [data_dir] * processes, [runners] * processes,
                                      slices))
        wall = time.perf_counter() - started
        with _runtime(data_dir, runners) as runtime:
            stored = len(_queued_jobs(runtime))
            pdf_bytes = _pdf_sizes(runtime)
    busy = sum(p["total"] for p in parts)
    pdf = sum(p["pdf"] for p in parts)
    chart = sum(p["chart"] for p in parts)
    mail = sum(p["mail"] for p in parts)
    assert stored == runners
    rows = [
        "| runners x runs | processes | total (s) | per report (ms) | median (ms) | PDF | chart "
        "| mail (HTML, text, base64) | rest (peers' JSON, figures, SQLite) | PDF size (KB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {runners} x {RUNS_PER_MONTH} | {processes} | {wall:.1f} | "
        f"{1000 * wall / runners:.1f} | {1000 * statistics.median(p['median'] for p in parts):.1f}"
        f" | {100 * pdf / busy:.0f} % | {100 * chart / busy:.0f} % | {100 * mail / busy:.0f} % | "
        f"{100 * (busy - pdf - chart - mail) / busy:.0f} % | {pdf_bytes:.0f} |",
    ]
    return "\n".join(rows) + (
        f"\n\nQueueing the month (accounts paged, one outbox row per runner): "
        f"{queue_seconds:.2f} s. Shares are of the builds' busy time "
        f"({busy:.1f} s over {len(parts)} process(es)).\n"
    )


def _pdf_sizes(runtime: Runtime) -> float:
    import sqlalchemy as sa

    from runnerly_reports.models import Report

    with runtime.database.transaction() as session:
        sizes = session.scalars(sa.select(sa.func.length(Report.pdf))).all()
    return float(statistics.mean(sizes)) / 1024


def _sample_content() -> Any:
    from runnerly_reports.peers import Profile
    from runnerly_reports.reports.content import Month, MonthData, build_content

    return build_content(MonthData(
        runner_id="warm-up", month=Month(2026, 10), profile=Profile(), runs=[],
        monthly_totals=[], efforts_in_month=[], efforts_before=[], recent_efforts=[],
        upcoming_races=[], plans=[], as_of=date(2026, 11, 1)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    parser.add_argument("--runners", type=int, default=DEFAULT_RUNNERS,
                        help=f"runners, each with {RUNS_PER_MONTH} runs in the month "
                        f"(default {DEFAULT_RUNNERS}; 1000 for the full run)")
    parser.add_argument("--processes", type=int, default=1,
                        help="worker processes building at once (default 1)")
    options = parser.parse_args()
    print(run(options.runners, options.processes))


if __name__ == "__main__":
    main()
