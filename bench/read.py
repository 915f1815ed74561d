"""read: ``GET /runs?limit=10`` (a runner's ten newest runs) under wrk.

1,000 runners x 200 runs are stored through the dataservice's migrations. Every request
carries a real EdDSA token (one per runner, rotated by ``rotate.lua``) that the dataservice
verifies against a JWKS served by a small HTTP server here, as tokendealer would serve it.
Beside it, in the same run and under the same wrk settings: a bare ASGI app (the ceiling)
and the 2017 book's stack (Flask + Flask-SQLAlchemy under gunicorn sync workers).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from bench import common
from bench.common import HOST, WORKERS, WrkResult, log
from bench.data import build_runs_database, runner_id
from runnerly_kit.testing import TestKeys

RUNNERS = 1_000
RUNS_PER_RUNNER = 200
PATH = "/runs?limit=10"
CONNECTIONS = 64
THREADS = 1  # wrk's own threads: one core's worth at most, leaving the rest to the server
WARMUP_SECONDS = 3.0
SECONDS = 10.0
TARGET_RATIO = 3.0
ROTATE_SCRIPT = common.BENCH_DIR / "rotate.lua"
CEILING = "bare ASGI app (ceiling)"
DATASERVICE = "dataservice (FastAPI, JWT verified)"
BOOK = "book: Flask + Flask-SQLAlchemy, gunicorn sync"


@dataclass(frozen=True)
class Measurement:
    server: str
    backend: str
    result: WrkResult
    cpu_ms: float  # the server's processes' CPU time per request, in milliseconds


@contextlib.contextmanager
def jwks_server(keys: TestKeys) -> Iterator[str]:
    """Serve ``keys``' JWKS at ``/.well-known/jwks.json``, like tokendealer; yields its URL."""
    body = json.dumps(keys.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/.well-known/jwks.json"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer((HOST, common.free_port()), Handler)
    thread = threading.Thread(target=httpd.serve_forever, name="jwks", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def load(
    server: str, backend: str, url: str, leader: int, tokens: Path, seconds: float, warmup: float
) -> Measurement:
    """A warm-up run, then the measured one at the same settings, with the CPU time that
    the server's processes (the group of ``leader``) spent meanwhile."""
    common.run_wrk(
        url, seconds=warmup, connections=CONNECTIONS, threads=THREADS,
        script=ROTATE_SCRIPT, script_args=[str(tokens)],
    )
    cpu = common.group_cpu_seconds(leader)
    result = common.run_wrk(
        url, seconds=seconds, connections=CONNECTIONS, threads=THREADS,
        script=ROTATE_SCRIPT, script_args=[str(tokens)],
    )
    cpu = common.group_cpu_seconds(leader) - cpu
    return Measurement(server, backend, result, cpu * 1000 / max(result.requests, 1))


def check_page(url: str, token: str) -> list[int]:
    """One request, checked before the load: 200 and a full page; returns the run ids."""
    response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
    page = response.json()
    if len(page["items"]) != 10 or not page["next_cursor"]:
        raise RuntimeError(f"{url} did not give a full page: {response.text[:300]}")
    return [item["id"] for item in page["items"]]


def run(seconds: float = SECONDS, warmup: float = WARMUP_SECONDS) -> str:
    common.ensure_wrk()
    keys = TestKeys(kid="bench-key")
    measurements: list[Measurement] = []
    with common.temporary_dir("read") as workdir, jwks_server(keys) as jwks_url:
        tokens = [keys.token(runner_id(index), "runs:read", ttl=900) for index in range(RUNNERS)]
        tokens_file = workdir / "tokens.txt"
        tokens_file.write_text("\n".join(tokens) + "\n")
        setup = Setup(workdir, jwks_url, tokens, tokens_file, seconds, warmup)

        port = common.free_port()
        log(f"read: bare ASGI app under uvicorn ({WORKERS} workers), {seconds:.0f} s")
        with common.server(
            "bare ASGI app",
            common.uv_run(*_uvicorn(port), "bench.bare_app:app"),
            ready_url=f"http://{HOST}:{port}/",
            log_path=workdir / "bare.log",
        ) as process:
            url = f"http://{HOST}:{port}{PATH}"
            measurements.append(load(CEILING, "-", url, process.pid, tokens_file, seconds, warmup))

        for backend in common.backends():
            with common.database_url(backend, workdir, "read") as url:
                log(f"read: storing {RUNNERS:,} runners x {RUNS_PER_RUNNER} runs on {backend}")
                build_runs_database(url, RUNNERS, RUNS_PER_RUNNER)
                dataservice, ids = measure_dataservice(setup, backend, url)
                measurements += [dataservice, measure_book(setup, backend, url, ids)]
    return report(measurements, seconds)


def _uvicorn(port: int) -> list[str]:
    return [
        "uvicorn",
        "--host", HOST,
        "--port", str(port),
        "--workers", str(WORKERS),
        "--no-access-log",
        "--log-level", "warning",
    ]


@dataclass(frozen=True)
class Setup:
    """What every server of one run shares."""

    workdir: Path
    jwks_url: str
    tokens: list[str]
    tokens_file: Path
    seconds: float
    warmup: float


def measure_dataservice(
    setup: Setup,
    backend: str,
    url: str,
    factory: str = "runnerly_dataservice.main:create_app",
    label: str = DATASERVICE,
) -> tuple[Measurement, list[int]]:
    """The dataservice (or another app ``factory``, to compare versions of it) under uvicorn
    on ``url``; also returns the first runner's page ids."""
    port = common.free_port()
    log(f"read: dataservice on {backend} under uvicorn ({WORKERS} workers), {setup.seconds:.0f} s")
    environment = {
        "RUNNERLY_DATA_DIR": str(setup.workdir / "data"),
        "RUNNERLY_DATASERVICE_DATABASE_URL": url,
        "RUNNERLY_TOKENDEALER_URL": setup.jwks_url,
        "RUNNERLY_LOG_LEVEL": "WARNING",
    }
    with common.server(
        "dataservice",
        common.uv_run(*_uvicorn(port), "--factory", factory),
        env=environment,
        ready_url=f"http://{HOST}:{port}/health/live",
        log_path=setup.workdir / f"dataservice-{backend}.log",
    ) as process:
        page_url = f"http://{HOST}:{port}{PATH}"
        ids = check_page(page_url, setup.tokens[0])
        measurement = load(
            label, backend, page_url, process.pid, setup.tokens_file,
            setup.seconds, setup.warmup,
        )
    return measurement, ids


def measure_book(setup: Setup, backend: str, url: str, expected_ids: list[int]) -> Measurement:
    """The book's stack under gunicorn sync workers on the same database."""
    port = common.free_port()
    log(f"read: the book's stack on {backend} under gunicorn ({WORKERS} sync workers)")
    with common.server(
        "Flask + Flask-SQLAlchemy",
        common.uv_run(
            "gunicorn",
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--bind", f"{HOST}:{port}",
            "--log-level", "warning",
            "bench.book_app:create_app()",
            group="bench",
        ),
        env={"BENCH_BOOK_DATABASE_URL": url},
        ready_url=f"http://{HOST}:{port}/health",
        log_path=setup.workdir / f"book-{backend}.log",
    ) as process:
        page_url = f"http://{HOST}:{port}{PATH}"
        if check_page(page_url, setup.tokens[0]) != expected_ids:
            raise RuntimeError("the book's stack and the dataservice gave different pages")
        return load(
            BOOK, backend, page_url, process.pid, setup.tokens_file, setup.seconds, setup.warmup
        )


def report(measurements: list[Measurement], seconds: float) -> str:
    ceiling = measurements[0].result.requests_per_s
    book = {m.backend: m for m in measurements if m.server == BOOK}
    rows = []
    verdicts = []
    for m in measurements:
        r = m.result
        throughput_ratio = cpu_ratio = ""
        if m.server == DATASERVICE and m.backend in book:
            ratio = r.requests_per_s / book[m.backend].result.requests_per_s
            throughput_ratio = f"**{ratio:.1f}x**"
            cpu_ratio = f"{book[m.backend].cpu_ms / m.cpu_ms:.1f}x"
            met = ratio >= TARGET_RATIO
            verdicts.append(
                f"{m.backend}: {ratio:.1f}x the book's stack, p99 {r.p99_ms:.1f} ms -> "
                + ("target met" if met else "target NOT met")
            )
        rows.append(
            [
                m.server,
                m.backend,
                f"{r.requests_per_s:,.0f}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                f"{m.cpu_ms:.2f}",
                f"{r.requests_per_s / ceiling:.0%}",
                throughput_ratio,
                cpu_ratio,
                f"{r.bad_responses} / {r.socket_errors}",
            ]
        )
    headers = [
        "server", "database", "requests/s", "p50 ms", "p99 ms", "server CPU ms/request",
        "of ceiling", "÷ book (requests/s)", "÷ book (CPU/request)", "non-2xx / socket errors",
    ]
    return "\n".join(
        [
            f"### read: GET {PATH}",
            "",
            f"{RUNNERS:,} runners x {RUNS_PER_RUNNER} runs; wrk: {THREADS} thread, "
            f"{CONNECTIONS} connections, {seconds:.0f} s after a {WARMUP_SECONDS:.0f} s warm-up; "
            f"{WORKERS} worker processes per server. Target: >= {TARGET_RATIO:.0f}x the book's "
            "stack (requests/s).",
            "",
            common.table(headers, rows),
            "",
            *[f"- {verdict}" for verdict in verdicts],
        ]
    )
