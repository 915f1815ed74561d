"""backfill: a Strava athlete of 1,000 activities brought into the dataservice by ingest,
against the bare transfer of the same activities, in the same run.

Two servers under uvicorn on the loopback: the Strava simulator (``runnerly_stravasim``),
whose demo athlete has 1,000 activities and whose rate limits are lifted, and the
dataservice (service tokens verified against a JWKS the harness serves, as in ``upsert``).
Three ways, each timed from the first list request to the last run stored, each
dataservice way into a fresh database:

- **ingest's backfill**: the link made as the callback makes it (state checked, code
  exchanged at the simulator, tokens encrypted into ingest's own database), then
  ``strava.backfill.backfill_step`` called as the worker calls it until the backfill is done.
  Each step takes the link's lease, reserves the request in the shared rate budget, lists
  one page (200), writes the usage back, maps the runs, sends them in one
  ``POST /runs/batch`` and commits the cursor with the next step's outbox row. Only the
  broker is left out (its message would just call the next step);
- **bare transfer** (the reference): a plain httpx client lists the same athlete's pages
  (``page=1, 2, ...``, 200 each), maps them with the same ``mapping.to_run`` and posts each
  page's runs in one batch: the least work that moves the same runs, with none of ingest's
  bookkeeping;
- **listing alone**: the same pages fetched and decoded, nothing stored.

Reported: seconds (median of ``REPEATS``), runs/s into the dataservice, the Strava and
dataservice requests used, and the ratio to the bare transfer.

``python -m bench backfill`` (or ``python -m bench.backfill``) prints the table.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import sqlalchemy as sa

from bench import common
from bench.common import HOST, log
from bench.read import jwks_server
from runnerly_ingest.config import Settings as IngestSettings
from runnerly_ingest.runtime import MIGRATIONS_DIR as INGEST_MIGRATIONS
from runnerly_ingest.runtime import Runtime, build_runtime
from runnerly_ingest.strava import backfill, mapping, repository, service
from runnerly_ingest.strava.schemas import CallbackRequest
from runnerly_kit.db import migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.testing import TestKeys

ACTIVITIES = 1_000
PAGE = 200
REPEATS = 3
RUNNER = "bench-runner"
CLIENT_ID = "12345"
CLIENT_SECRET = "stravasim-demo-secret"  # noqa: S105 - the simulator's public demo credential
TOKENDEALER = "tokendealer.bench"
LIST_ROUTE = "GET /api/v3/athlete/activities"
DATASERVICE_MIGRATIONS = (
    common.ROOT / "services/dataservice/src/runnerly_dataservice/migrations"
)

INGEST = "ingest's backfill (backfill_step until done)"
BARE = "bare transfer: list pages + POST /runs/batch (reference)"
LISTING = "listing alone (no storing)"


@dataclass(frozen=True)
class Measurement:
    way: str
    backend: str
    seconds: float
    runs: int
    strava_requests: int
    dataservice_requests: int


@dataclass(frozen=True)
class Simulator:
    url: str

    def list_requests(self) -> int:
        counts: dict[str, int] = httpx.get(f"{self.url}/admin/counters", timeout=30).json()[
            "requests"
        ]
        return counts.get(LIST_ROUTE, 0)

    def approve(self, authorize_url: str) -> dict[str, str]:
        """What Strava's redirect brings back: the simulator approves at once."""
        answer = httpx.get(authorize_url, timeout=30, follow_redirects=False)
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"authorize: {answer.status_code} {answer.text[:300]}")
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        return {name: values[0] for name, values in query.items()}

    def access_token(self) -> str:
        """A token of the demo athlete, as any client would get one."""
        params = httpx.QueryParams(
            client_id=CLIENT_ID, redirect_uri="http://127.0.0.1/cb", response_type="code",
            approval_prompt="auto", scope="read,activity:read_all", state="bench",
        )
        code = self.approve(f"{self.url}/oauth/authorize?{params}")["code"]
        grant = httpx.post(f"{self.url}/oauth/token", timeout=30, data={
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code,
            "grant_type": "authorization_code",
        })
        grant.raise_for_status()
        return str(grant.json()["access_token"])


def run(repeats: int = REPEATS) -> str:
    configure_logging("bench", "WARNING")  # as the worker logs: no line per page
    keys = TestKeys(kid="bench-key")
    measurements: list[Measurement] = []
    with (
        common.temporary_dir("backfill") as workdir,
        jwks_server(keys) as jwks_url,
        _simulator(workdir) as simulator,
    ):
        token = simulator.access_token()
        listed = _listing(simulator, token)  # warms the simulator's caches too
        expected_runs = sum(1 for a in listed if mapping.is_run(a))
        if len(listed) != ACTIVITIES:
            raise RuntimeError(f"the athlete has {len(listed)} activities, not {ACTIVITIES}")
        for backend in common.backends():
            samples: dict[str, list[Measurement]] = {INGEST: [], BARE: [], LISTING: []}
            for repeat in range(repeats):
                log(f"backfill: {ACTIVITIES:,} activities, {backend}, round {repeat + 1}")
                samples[LISTING].append(_measure_listing(simulator, token, backend))
                with _dataservice(workdir, backend, keys, jwks_url, f"bare{repeat}") as ds:
                    samples[BARE].append(_measure_bare(simulator, token, ds, keys, backend))
                    ds.check_stored(expected_runs)
                with _dataservice(workdir, backend, keys, jwks_url, f"ing{repeat}") as ds:
                    samples[INGEST].append(
                        _measure_ingest(simulator, ds, keys, workdir, backend, repeat)
                    )
                    ds.check_stored(expected_runs)
            measurements += [_median(way_samples) for way_samples in samples.values()]
    return report(measurements, repeats)


def _median(samples: list[Measurement]) -> Measurement:
    ordered = sorted(samples, key=lambda m: m.seconds)
    return ordered[len(ordered) // 2]


# -- the servers ----------------------------------------------------------------------------


@contextmanager
def _simulator(workdir: Path) -> Iterator[Simulator]:
    port = common.free_port()
    lifted = str(10**9)
    log(f"backfill: the simulator generates an athlete of {ACTIVITIES:,} activities")
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
            "RUNNERLY_STRAVASIM_LIMIT_15MIN": lifted,
            "RUNNERLY_STRAVASIM_LIMIT_DAILY": lifted,
            "RUNNERLY_STRAVASIM_READ_LIMIT_15MIN": lifted,
            "RUNNERLY_STRAVASIM_READ_LIMIT_DAILY": lifted,
            "RUNNERLY_STRAVASIM_LOG_LEVEL": "WARNING",
        },
        ready_url=f"http://{HOST}:{port}/health/ready",
        log_path=workdir / "stravasim.log",
        timeout=300,  # the history is generated at first start
    ):
        yield Simulator(f"http://{HOST}:{port}")


@dataclass(frozen=True)
class Dataservice:
    url: str
    database_url: str

    def check_stored(self, expected: int) -> None:
        engine = sa.create_engine(self.database_url, poolclass=sa.NullPool)
        try:
            with engine.connect() as connection:
                stored = connection.scalar(sa.text("SELECT count(*) FROM runs"))
        finally:
            engine.dispose()
        if stored != expected:
            raise RuntimeError(f"expected {expected} runs stored, found {stored}")


@contextmanager
def _dataservice(
    workdir: Path, backend: str, keys: TestKeys, jwks_url: str, purpose: str
) -> Iterator[Dataservice]:
    """The dataservice on a fresh database, as in ``upsert`` (one worker: one client)."""
    port = common.free_port()
    with common.database_url(backend, workdir, f"backfill_ds_{purpose}") as url:
        migrate(url, DATASERVICE_MIGRATIONS)
        with common.server(
            "dataservice",
            common.uv_run(
                "uvicorn", "--factory", "runnerly_dataservice.main:create_app",
                "--host", HOST, "--port", str(port), "--no-access-log",
                "--log-level", "warning",
            ),
            env={
                "RUNNERLY_DATA_DIR": str(workdir / "data"),
                "RUNNERLY_DATASERVICE_DATABASE_URL": url,
                "RUNNERLY_TOKENDEALER_URL": jwks_url,
                "RUNNERLY_LOG_LEVEL": "WARNING",
            },
            ready_url=f"http://{HOST}:{port}/health/live",
            log_path=workdir / f"backfill-dataservice-{purpose}.log",
        ):
            # Warm-up before any clock starts: the JWKS fetched, a connection opened.
            warm = httpx.get(f"http://{HOST}:{port}/runs", timeout=30, headers={
                "Authorization": f"Bearer {keys.token(RUNNER, 'runs:read')}"})
            if warm.status_code != 200:
                raise RuntimeError(f"GET /runs: {warm.status_code} {warm.text[:300]}")
            yield Dataservice(f"http://{HOST}:{port}", url)


# -- the ways -------------------------------------------------------------------------------


def _listing(simulator: Simulator, token: str) -> list[dict[str, Any]]:
    activities: list[dict[str, Any]] = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as strava:
        for page in _pages(strava, simulator.url):
            activities.extend(page)
    return activities


def _pages(strava: httpx.Client, url: str) -> Iterator[list[dict[str, Any]]]:
    """The athlete's activities a page at a time, until a short page."""
    number = 1
    while True:
        answer = strava.get(f"{url}/api/v3/athlete/activities",
                            params={"per_page": PAGE, "page": number})
        answer.raise_for_status()
        page: list[dict[str, Any]] = answer.json()
        yield page
        if len(page) < PAGE:
            return
        number += 1


def _measure_listing(simulator: Simulator, token: str, backend: str) -> Measurement:
    before = simulator.list_requests()
    started = time.perf_counter()
    listed = _listing(simulator, token)
    seconds = time.perf_counter() - started
    runs = sum(1 for a in listed if mapping.is_run(a))
    return Measurement(LISTING, backend, seconds, runs, simulator.list_requests() - before, 0)


def _measure_bare(
    simulator: Simulator, token: str, dataservice: Dataservice, keys: TestKeys, backend: str
) -> Measurement:
    service_token = keys.service_token("ingest", "runs:read runs:write")
    before = simulator.list_requests()
    batches = runs = 0
    with (
        httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as strava,
        httpx.Client(base_url=dataservice.url, timeout=60,
                     headers={"Authorization": f"Bearer {service_token}"}) as peer,
    ):
        started = time.perf_counter()
        for page in _pages(strava, simulator.url):
            mapped = [mapping.to_run(RUNNER, a) for a in page if mapping.is_run(a)]
            if mapped:
                answer = peer.post("/runs/batch", json={"runs": mapped})
                if answer.status_code != 200:
                    raise RuntimeError(f"POST /runs/batch: {answer.status_code} {answer.text}")
                batches += 1
                runs += len(mapped)
        seconds = time.perf_counter() - started
    return Measurement(BARE, backend, seconds, runs, simulator.list_requests() - before, batches)


class _Peers(httpx.BaseTransport):
    """The network as ingest sees it: tokendealer played by a handler that hands out
    service tokens of the harness's keys, everything else over real sockets (counted)."""

    def __init__(self, keys: TestKeys) -> None:
        self.keys = keys
        self.network = httpx.HTTPTransport()
        self.dataservice_requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == TOKENDEALER:
            return httpx.Response(200, json={
                "access_token": self.keys.service_token("ingest", "runs:read runs:write"),
                "token_type": "Bearer", "expires_in": 3600,
            })
        self.dataservice_requests += 1
        return self.network.handle_request(request)

    def close(self) -> None:
        self.network.close()


def _measure_ingest(
    simulator: Simulator,
    dataservice: Dataservice,
    keys: TestKeys,
    workdir: Path,
    backend: str,
    repeat: int,
) -> Measurement:
    peers = _Peers(keys)
    with common.database_url(backend, workdir, f"backfill_ingest_{repeat}") as url:
        settings = IngestSettings(
            env="test",
            data_dir=workdir / "ingest",
            database_url=url,
            broker_url="memory://",  # the steps are called here, as the worker calls them
            dataservice_url=dataservice.url,
            tokendealer_url=f"http://{TOKENDEALER}",
            strava_oauth_url=f"{simulator.url}/oauth",
            strava_api_url=f"{simulator.url}/api/v3",
            strava_client_id=CLIENT_ID,
            strava_client_secret=CLIENT_SECRET,
            webhook_verify_token="bench-verify-token",  # noqa: S106 - never checked here
            page_size=PAGE,
        )
        migrate(url, INGEST_MIGRATIONS)
        runtime = build_runtime(settings, peer_transport=peers)
        try:
            link_id = _link(runtime, simulator)
            before = simulator.list_requests()
            started = time.perf_counter()
            steps = _backfill(runtime, link_id)
            seconds = time.perf_counter() - started
            with runtime.database.sessions() as session:
                link = repository.link(session, link_id)
                assert link is not None
                runs = link.runs_imported
            log(f"backfill: ingest took {steps} steps, {seconds:.2f} s")
            return Measurement(INGEST, backend, seconds, runs,
                               simulator.list_requests() - before, peers.dataservice_requests)
        finally:
            runtime.close()
            runtime.database.dispose()
            peers.close()


def _link(runtime: Runtime, simulator: Simulator) -> int:
    """Connect and come back from Strava's approval, as the runner's browser would."""
    now = datetime.now(UTC)
    with runtime.database.transaction() as session:
        connect = service.connect(session, runtime, RUNNER, now)
    back = simulator.approve(connect.authorize_url)
    request = CallbackRequest(code=back["code"], state=back["state"], scope=back["scope"])
    service.callback(runtime, RUNNER, request, now)
    with runtime.database.transaction() as session:
        link = repository.link_of_runner(session, RUNNER)
        assert link is not None
        return link.id


def _backfill(runtime: Runtime, link_id: int, max_steps: int = 1_000) -> int:
    def done() -> bool:
        with runtime.database.sessions() as session:
            link = repository.link(session, link_id)
            return link is not None and link.backfill_state == "done"

    for step in range(1, max_steps + 1):
        if backfill.backfill_step(runtime, link_id) is not None:
            raise RuntimeError("the backfill paused: the simulator's limits are not lifted")
        if done():
            return step
    raise RuntimeError(f"the backfill did not finish in {max_steps} steps")


# -- the report -----------------------------------------------------------------------------


def report(measurements: list[Measurement], repeats: int) -> str:
    reference = {m.backend: m.seconds for m in measurements if m.way == BARE}
    headers = ["way", "database", "seconds", "runs/s", "Strava requests",
               "dataservice requests", "÷ bare transfer (time)"]
    rows: list[list[object]] = []
    for m in measurements:
        stored = m.way != LISTING
        rows.append([
            m.way,
            m.backend,
            f"{m.seconds:.2f}",
            f"{m.runs / m.seconds:,.0f}" if stored else "-",
            m.strava_requests,
            m.dataservice_requests if stored else "-",
            f"{m.seconds / reference[m.backend]:.2f}",
        ])
    runs = next((m.runs for m in measurements), 0)
    return "\n".join([
        "### backfill: a Strava athlete into the dataservice",
        "",
        f"{ACTIVITIES:,} activities ({runs:,} runs) of the simulator's demo athlete, rate "
        f"limits lifted, {PAGE} a page; median of {repeats} rounds, each storing way into a "
        "fresh dataservice database. Runs/s: runs stored per second, from the first list "
        "request to the last batch committed.",
        "",
        common.table(headers, rows),
    ])


if __name__ == "__main__":
    print(run())
