"""footprint: what a user feels of Runnerly, beside FitTrackee 1.3.6 in the same run.

Both run side by side on this machine: FitTrackee as its documentation runs it
(``bench/fittrackee.py``), Runnerly as ``runnerly up`` runs it (the mode is a parameter:
``mode_args`` are passed to ``runnerly up``). Measured, every round reported:

- **start**: from the command to healthy (Runnerly: ``/api/health``, what ``runnerly up``
  itself reports; FitTrackee: ``ftcli db upgrade`` then gunicorn until ``/api/ping``), on a
  new data dir (database made by the migrations) and on a warm one (a second start);
- **idle memory**: 5 s after healthy, RSS and PSS summed over every process of the tree;
- **read**: one runner's ten newest runs under wrk, the same 200 runs stored in each:
  Runnerly's public ``/api/runs?limit=10`` (the bearer token its login gives, as the web app
  sends it), the dataservice's own ``GET /runs?limit=10`` for the same runner (the ceiling of
  that relay), and FitTrackee's ``/api/workouts?per_page=10``; the three are checked to give
  the same runs first;
- **import**: one GPX through the public API until the run is listed, against FitTrackee's
  upload of the same file until its workout is listed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mailbox
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import gpxpy
import gpxpy.gpx
import httpx

from bench import common, fittrackee, memory
from bench.common import HOST, WrkResult, log
from bench.data import run_fields
from bench.fittrackee import FitTrackee

RUNS = 200
SETTLE_SECONDS = 5.0
# Under a load average of 20-27 on 2 cores a start took 3-4 minutes here.
START_TIMEOUT = 600.0
IMPORT_TIMEOUT = 120.0
ROUNDS = 2
IMPORT_ROUNDS = 3
SECONDS = 10.0
WARMUP_SECONDS = 5.0
# Few: FitTrackee answers a list in a few hundred ms here, and wrk gives up at 5 s.
CONNECTIONS = 8
THREADS = 1
PORTS = 20
TOKENDEALER, DATASERVICE = 1, 2
PASSWORD = "correct horse battery staple"  # noqa: S105 - a throwaway account
GPX = common.ROOT / "services/ingest/tests/files/data/cerknicko-jezero.gpx"
CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")
# Machine-wide, the system tests start one system at a time (tests/system.py): a start
# measured while another system starts would time the neighbour.
START_LOCK = Path(tempfile.gettempdir()) / "runnerly-test-system-start.lock"
START_LOCK_WAIT = 300.0

PUBLIC = "Runnerly: public /api/runs (dashboard)"
OWN = "Runnerly: dataservice's own /runs"
PEER = "FitTrackee: /api/workouts"


@dataclass(frozen=True)
class Start:
    system: str
    data_dir: str  # "new" or "warm"
    seconds: float
    processes: list[memory.ProcessMemory]
    load: tuple[float, float]


@dataclass(frozen=True)
class Load:
    round: int
    server: str
    backend: str
    result: WrkResult
    cpu_ms: float
    load: tuple[float, float]


@dataclass(frozen=True)
class Import:
    round: int
    system: str
    seconds: float
    load: tuple[float, float]


def loadavg() -> float:
    return os.getloadavg()[0]


# -- Runnerly ----------------------------------------------------------------------------


@dataclass
class Runnerly:
    process: subprocess.Popen[bytes]
    base_port: int
    data_dir: Path

    def url(self, offset: int = 0) -> str:
        return f"http://{HOST}:{self.base_port + offset}"


@contextlib.contextmanager
def start_lock() -> Iterator[None]:
    """Hold the machine-wide start lock while a system starts (waiting at most
    START_LOCK_WAIT, then going ahead and saying so)."""
    with START_LOCK.open("a") as lock:
        deadline = time.monotonic() + START_LOCK_WAIT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    log("footprint: another system start holds the lock; starting anyway")
                    yield
                    return
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def runnerly_up(
    data_dir: Path, mode_args: Sequence[str], env: Mapping[str, str] | None = None
) -> Iterator[tuple[Runnerly, float]]:
    """``runnerly up [mode_args]`` on free ports; yields it and the seconds from the command
    to ``/api/health`` answering 200. SIGTERM and a wait when the block ends, then whatever
    of its process group is left."""
    base_port = common.free_port(count=PORTS)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-up-{base_port}.log"
    # As FitTrackee runs (its environment is its own) and as Python runs where nobody turned
    # bytecode off: a start reads the modules compiled once (``compiled_bytecode``), not
    # every source file compiled again.
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RUNNERLY_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    environment.update(
        RUNNERLY_DATA_DIR=str(data_dir),
        RUNNERLY_PUBLIC_URL=f"http://{HOST}:{base_port}",
        **(env or {}),
    )
    with log_path.open("ab") as output, start_lock():
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - our own command
            common.uv_run("runnerly", "up", *mode_args, "--base-port", str(base_port)),
            cwd=common.ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            common.wait_until_ready(
                f"http://{HOST}:{base_port}/api/health", process, timeout=START_TIMEOUT,
                name="runnerly up", log_path=log_path,
            )
        except BaseException:
            memory.stop_tree(process)
            raise
        seconds = time.monotonic() - started
    try:
        yield Runnerly(process, base_port, data_dir), seconds
    finally:
        memory.stop_tree(process)


def sign_up(system: Runnerly) -> tuple[str, str]:
    """A runner signed up, confirmed through the mailed link and logged in, as the web app
    does it: their account id and access token."""
    email = f"runner-{os.urandom(4).hex()}@example.com"
    with httpx.Client(base_url=system.url(), timeout=30) as http:
        response = http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
        _expect(response, 202)
        token = _wait(lambda: _confirm_token(system.data_dir, email), 60, "the confirmation mail")
        _expect(http.post("/api/auth/confirm", json={"token": token}), 200)
        login = _expect(
            http.post("/api/auth/login", json={"email": email, "password": PASSWORD}), 200
        )
        access: str = login.json()["access_token"]
        me = _expect(http.get("/api/me", headers=_bearer(access)), 200)
    return str(me.json()["account"]["id"]), access


def _confirm_token(data_dir: Path, email: str) -> str | None:
    box = mailbox.Maildir(data_dir / "mailer" / "Maildir", create=True)
    for message in box.values():
        if message["To"] == email:
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    payload = part.get_payload(decode=True)
                    text = payload.decode() if isinstance(payload, bytes) else str(payload)
                    if match := CONFIRM_LINK.search(text):
                        return match.group(1)
    return None


def store_runs(system: Runnerly, runner: str, runs: list[dict[str, Any]]) -> None:
    """The runs as ingest stores them: the dataservice's bulk upsert, with ingest's token."""
    secret = json.loads((system.data_dir / "secrets.json").read_text())["ingest"]
    token = _expect(
        httpx.post(
            f"{system.url(TOKENDEALER)}/oauth/token",
            data={"grant_type": "client_credentials", "scope": "runs:write"},
            auth=("ingest", secret), timeout=30,
        ),
        200,
    ).json()["access_token"]
    body = [
        {**run, "runner_id": runner, "started_at": run["started_at"].isoformat()} for run in runs
    ]
    _expect(
        httpx.post(
            f"{system.url(DATASERVICE)}/runs/batch", headers=_bearer(token),
            json={"runs": body}, timeout=120,
        ),
        200,
    )


# -- FitTrackee ----------------------------------------------------------------------------


def fittrackee_user(peer: FitTrackee) -> str:
    """A user created and activated through its command line; their email."""
    email = f"runner-{os.urandom(4).hex()}@example.com"
    username = f"runner{os.urandom(3).hex()}"
    peer.ftcli("users", "create", username, "--email", email, "--password", fittrackee.PASSWORD,
               "--tz", "UTC")
    peer.ftcli("users", "update", username, "--activate")
    return email


def fittrackee_store(peer: FitTrackee, user: str, runs: list[dict[str, Any]]) -> None:
    """The same runs through its own API, one workout without a file each."""
    with httpx.Client(base_url=peer.url, headers=peer.session(user), timeout=30) as http:
        for run in runs:
            _expect(
                http.post(
                    "/api/workouts/no_gpx",
                    json={
                        "sport_id": fittrackee.RUNNING_SPORT_ID,
                        "duration": run["moving_time_s"],
                        "distance": round(run["distance_m"] / 1000, 3),
                        "workout_date": run["started_at"].astimezone(UTC).strftime(
                            "%Y-%m-%d %H:%M"
                        ),
                        "title": run["name"],
                    },
                ),
                201,
            )


# -- the benchmark -------------------------------------------------------------------------


def run(
    seconds: float = SECONDS,
    rounds: int = ROUNDS,
    import_rounds: int = IMPORT_ROUNDS,
    mode_args: Sequence[str] = (),
    postgresql: bool = True,
) -> str:
    common.ensure_wrk()
    mode = " ".join(["runnerly up", *mode_args])
    starts: list[Start] = []
    loads: list[Load] = []
    imports: list[Import] = []
    runs = [run_fields(_rng(), 0, number) for number in range(RUNS)]
    compile_bytecode()
    with common.temporary_dir("footprint") as workdir, fittrackee.installed(workdir) as peer:
        log("footprint: FitTrackee on a new database (ftcli db upgrade, then gunicorn)")
        before = loadavg()
        started = time.monotonic()
        peer.ftcli("db", "upgrade")
        peer.start()
        starts.append(_idle(f"FitTrackee {fittrackee.VERSION}", "new", started, peer.pid, before))
        peer.stop()
        log("footprint: FitTrackee again (warm)")
        before = loadavg()
        started = time.monotonic()
        peer.start()
        starts.append(_idle(f"FitTrackee {fittrackee.VERSION}", "warm", started, peer.pid, before))
        peer_user = fittrackee_user(peer)
        log(f"footprint: {RUNS} runs into FitTrackee through its API")
        fittrackee_store(peer, peer_user, runs)

        data_dir = workdir / "var"
        for kind in ("new", "warm"):
            log(f"footprint: {mode} on a {kind} data dir")
            before = loadavg()
            with runnerly_up(data_dir, mode_args) as (system, took):
                starts.append(_idle_after(f"Runnerly ({mode})", kind, took, system.process.pid,
                                          before))
                if kind == "warm":
                    loads += measure_reads(system, peer, peer_user, runs, "sqlite", seconds,
                                           rounds)
                    imports += measure_imports(system, peer, peer_user, import_rounds)
        if postgresql:
            with common.postgres_database("footprint") as url:
                log(f"footprint: {mode}, the dataservice on PostgreSQL")
                env = {"RUNNERLY_DATASERVICE_DATABASE_URL": url}
                with runnerly_up(workdir / "var-postgresql", mode_args, env) as (system, _):
                    loads += measure_reads(system, peer, peer_user, runs, "postgresql",
                                           seconds, rounds)
    return report(mode, starts, loads, imports, seconds)


def compile_bytecode() -> None:
    """Both systems' Python compiled to bytecode before any start is timed, as an install
    leaves it (pip compiles what it installs; the image compiles at build): otherwise the
    first start of each pays for compiling thousands of modules, and on a machine with
    ``PYTHONDONTWRITEBYTECODE`` set every start of Runnerly did (about 3 s of a 8 s warm
    start here), while FitTrackee's, started without it, did not."""
    own = [Path(sys.prefix), *(common.ROOT / part for part in ("src", "libs", "services", "tools"))]
    peer = fittrackee.virtualenv()
    for python, trees in ((sys.executable, own), (str(peer / "bin" / "python"), [peer])):
        log(f"footprint: compiling bytecode for {python}")
        subprocess.run(  # noqa: S603 - our own interpreters
            [python, "-m", "compileall", "-q", "-j", "0", *map(str, trees)],
            check=False,
            capture_output=True,
            timeout=600,
            env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        )


def _rng() -> Any:
    import random

    return random.Random(2017)


def _idle(system: str, kind: str, started: float, pid: int, before: float) -> Start:
    return _idle_after(system, kind, time.monotonic() - started, pid, before)


def _idle_after(system: str, kind: str, took: float, pid: int, before: float) -> Start:
    time.sleep(SETTLE_SECONDS)
    processes = memory.tree_memory(pid)
    return Start(system, kind, took, processes, (before, loadavg()))


def measure_reads(
    system: Runnerly, peer: FitTrackee, peer_user: str, runs: list[dict[str, Any]],
    backend: str, seconds: float, rounds: int,
) -> list[Load]:
    runner, access = sign_up(system)
    log(f"footprint: {RUNS} runs for runner {runner} ({backend})")
    store_runs(system, runner, runs)
    # Reads need only FitTrackee's session cookie (its CSRF token guards writes).
    peer_session = {"Cookie": peer.session(peer_user)["Cookie"]}
    targets = {
        PUBLIC: (f"{system.url()}/api/runs?limit=10", _bearer(access), system.process.pid),
        OWN: (f"{system.url(DATASERVICE)}/runs?limit=10", _bearer(access), system.process.pid),
        PEER: (f"{peer.url}/api/workouts?per_page=10", peer_session, peer.pid),
    }
    _same_runs(targets, runs)
    measured: list[Load] = []
    with common.temporary_dir("footprint-tokens") as tokens_dir:
        for number in range(1, rounds + 1):
            # Each round in another order, so that none always runs on a warmer machine.
            names = list(targets) if number % 2 else list(reversed(targets))
            for name in names:
                url, headers, leader = targets[name]
                [(header, value)] = headers.items()
                values = tokens_dir / f"{header}-{abs(hash(value))}.txt"
                values.write_text(value + "\n")
                log(f"footprint: round {number}, {name} ({backend})")
                measured.append(
                    _wrk(number, name, backend, url, (values, header), leader, seconds)
                )
    return measured


def _wrk(
    number: int, name: str, backend: str, url: str, header: tuple[Path, str], leader: int,
    seconds: float,
) -> Load:
    """A warm-up, then the measured run; every request carries the header (its value read
    from the file) and the CPU time of the server's process tree is counted meanwhile."""
    settings: dict[str, Any] = {
        "connections": CONNECTIONS, "threads": THREADS, "script": common.BENCH_DIR / "rotate.lua",
        "script_args": [str(header[0]), header[1]],
    }
    # A slow server may answer nothing in the warm-up (still draining the previous run's
    # queue), or even in the measured run: that is a result too, reported as such.
    common.run_wrk(url, seconds=WARMUP_SECONDS, require_answers=False, **settings)
    before = loadavg()
    cpu = common.tree_cpu_seconds(leader)
    result = common.run_wrk(url, seconds=seconds, require_answers=False, **settings)
    cpu = common.tree_cpu_seconds(leader) - cpu
    return Load(number, name, backend, result, cpu * 1000 / max(result.requests, 1),
                (before, loadavg()))


def _same_runs(
    targets: Mapping[str, tuple[str, dict[str, str], int]], runs: list[dict[str, Any]]
) -> None:
    """Before any load: each gives the runner's ten newest runs, the same ones (by distance,
    which every one of them keeps)."""
    newest = sorted(runs, key=lambda run: run["started_at"], reverse=True)[:10]
    expected = [round(run["distance_m"] / 1000, 1) for run in newest]
    for name, (url, headers, _) in targets.items():
        body = _expect(httpx.get(url, headers=headers, timeout=30), 200).json()
        if name == PEER:
            got = [round(float(w["distance"]), 1) for w in body["data"]["workouts"]]
        else:
            got = [round(float(item["distance_m"]) / 1000, 1) for item in body["items"]]
        if got != expected:
            raise RuntimeError(f"{name} did not give the ten newest runs: {got} != {expected}")


def measure_imports(
    system: Runnerly, peer: FitTrackee, peer_user: str, rounds: int
) -> list[Import]:
    _, access = sign_up(system)
    measured: list[Import] = []
    for number in range(1, rounds + 1):
        # A new start date every round (later than the stored runs, so it lists first):
        # neither system is then answering "already imported".
        gpx = _shifted_gpx(number)
        ways: list[tuple[str, Callable[[bytes], None]]] = [
            ("Runnerly: POST /api/runs/import", partial(_runnerly_import, system, access)),
            ("FitTrackee: POST /api/workouts",
             partial(_fittrackee_upload, peer, peer.session(peer_user))),
        ]
        for name, way in ways if number % 2 else reversed(ways):
            before = loadavg()
            started = time.monotonic()
            try:
                way(gpx)
            except RuntimeError as error:
                # Refused: reported as such, and the other rounds still run.
                log(f"footprint: import round {number}, {name} failed: {error}")
                measured.append(Import(number, name, float("nan"), (before, loadavg())))
                continue
            measured.append(Import(number, name, time.monotonic() - started, (before, loadavg())))
            log(f"footprint: import round {number}, {name}: {measured[-1].seconds:.2f} s")
    return measured


def _shifted_gpx(number: int) -> bytes:
    """The file with its dates moved to a new day and its recording in one track.

    The file is a Garmin log as GPSBabel writes it: an empty first track ("ACTIVE LOG"),
    then the recording in seven more, one per pause. FitTrackee reads only a file's first
    track (``tracks[0]`` in its ``WorkoutGpxService._process_file``) and refused the file
    with "no valid segments in file"; both systems get the same 296 points as segments of
    one track, which each reads whole.
    """
    text = GPX.read_text()
    day = 8 + 2 * number
    text = text.replace("<time>2010-08-05", f"<time>2026-11-{day:02d}")
    text = text.replace("<time>2010-08-06", f"<time>2026-11-{day + 1:02d}")
    recording = gpxpy.parse(text)
    track = gpxpy.gpx.GPXTrack()
    track.segments = [
        segment for every in recording.tracks for segment in every.segments if segment.points
    ]
    recording.tracks = [track]
    return recording.to_xml().encode()


def _runnerly_import(system: Runnerly, access: str, gpx: bytes) -> None:
    with httpx.Client(base_url=system.url(), headers=_bearer(access), timeout=60) as http:
        response = http.post(
            "/api/runs/import",
            files=[("files", (GPX.name, gpx, "application/gpx+xml"))],
            # The file's pace is a walk's: the runner says it is a run, as the web app asks.
            data={"as_run": [GPX.name]},
        )
        job = _expect(response, 202).json()["id"]

        def imported() -> int | None:
            body = _expect(http.get(f"/api/runs/imports/{job}"), 200).json()
            if body["finished_at"] is None:
                return None
            outcome = body["files"][0]
            if outcome["status"] != "imported":
                raise RuntimeError(f"Runnerly did not import the file: {outcome}")
            return int(outcome["run_id"])

        run_id = _wait(imported, IMPORT_TIMEOUT, "the import")
        _wait(
            lambda: run_id in [i["id"] for i in http.get("/api/runs?limit=10").json()["items"]],
            IMPORT_TIMEOUT, "the imported run listed",
        )


def _fittrackee_upload(peer: FitTrackee, session: dict[str, str], gpx: bytes) -> None:
    with httpx.Client(base_url=peer.url, headers=session, timeout=60) as http:
        response = http.post(
            "/api/workouts",
            files={"file": (GPX.name, gpx, "application/gpx+xml")},
            data={"data": json.dumps({"sport_id": fittrackee.RUNNING_SPORT_ID})},
        )
        workout = _expect(response, 201).json()["data"]["workouts"][0]["id"]

        def listed() -> bool:
            page = http.get("/api/workouts?per_page=10").json()["data"]["workouts"]
            return workout in [w["id"] for w in page]

        _wait(listed, IMPORT_TIMEOUT, "the uploaded workout listed")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} answered "
            f"{response.status_code}, not {status}: {response.text[:300]}"
        )
    return response


def _wait(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise RuntimeError(f"no {what} within {timeout:.0f} s")


# -- the report ----------------------------------------------------------------------------


def _ratio(value: float, reference: float, template: str) -> str:
    return template.format(value / reference) if reference else "-"


def _loads(load: tuple[float, float]) -> str:
    return f"{load[0]:.1f} → {load[1]:.1f}"


def report(
    mode: str, starts: list[Start], loads: list[Load], imports: list[Import], seconds: float
) -> str:
    reference = {s.data_dir: s for s in starts if s.system.startswith("FitTrackee")}
    start_rows = []
    for start in starts:
        rss = sum(p.rss_kib for p in start.processes) / 1024
        pss = sum(p.pss_kib for p in start.processes) / 1024
        peer = reference[start.data_dir]
        peer_rss = sum(p.rss_kib for p in peer.processes) / 1024
        peer_pss = sum(p.pss_kib for p in peer.processes) / 1024
        own = start is not peer
        start_rows.append([
            start.system, start.data_dir, f"{start.seconds:.1f}",
            f"**{start.seconds / peer.seconds:.1f}x**" if own else "",
            len(start.processes), f"{rss:.0f}", f"{pss:.0f}",
            f"{rss / peer_rss:.1f}x" if own else "", f"**{pss / peer_pss:.1f}x**" if own else "",
            _loads(start.load),
        ])
    read_rows = []
    for load in loads:
        peer_load = next(m for m in loads if m.round == load.round
                         and m.backend == load.backend and m.server == PEER)
        own_load = next(m for m in loads if m.round == load.round
                        and m.backend == load.backend and m.server == OWN)
        r = load.result
        read_rows.append([
            load.round, load.server, load.backend, f"{r.requests_per_s:,.0f}", f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}", f"{load.cpu_ms:.2f}",
            _ratio(r.requests_per_s, peer_load.result.requests_per_s, "{:.1f}x")
            if load is not peer_load else "",
            _ratio(r.requests_per_s, own_load.result.requests_per_s, "**{:.2f}**")
            if load.server == PUBLIC else "",
            f"{r.bad_responses} / {r.socket_errors}", _loads(load.load),
        ])
    import_rows = []
    peer_imports = {i.round: i for i in imports if i.system.startswith("FitTrackee")}
    for item in imports:
        peer_import = peer_imports[item.round]
        import_rows.append([
            item.round, item.system, f"{item.seconds:.2f}",
            f"**{item.seconds / peer_import.seconds:.2f}x**" if item is not peer_import else "",
            _loads(item.load),
        ])
    medians = [
        f"median import: {name} "
        f"{statistics.median(i.seconds for i in imports if i.system == name):.2f} s"
        for name in dict.fromkeys(i.system for i in imports)
        if not any(math.isnan(i.seconds) for i in imports if i.system == name)
    ]
    return "\n".join([
        f"### footprint: `{mode}` beside FitTrackee {fittrackee.VERSION}",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Start: command to healthy; memory "
        f"{SETTLE_SECONDS:.0f} s later, summed over the process tree. Ratios are Runnerly / "
        "FitTrackee of the same kind of data dir.",
        "",
        common.table(
            ["system", "data dir", "to healthy s", "÷ FitTrackee", "processes", "RSS MiB",
             "PSS MiB", "RSS ÷ FitTrackee", "PSS ÷ FitTrackee", "load avg (1 min)"],
            start_rows,
        ),
        "",
        f"Ten newest of one runner ({RUNS} runs stored in each); wrk {THREADS} thread, "
        f"{CONNECTIONS} connections, {seconds:.0f} s after a {WARMUP_SECONDS:.0f} s warm-up; "
        "CPU is the whole system's process tree per request. FitTrackee always on PostgreSQL.",
        "",
        common.table(
            ["round", "server", "Runnerly's database", "requests/s", "p50 ms", "p99 ms",
             "CPU ms/request", "÷ FitTrackee", "public ÷ dataservice", "non-2xx / socket errors",
             "load avg (1 min)"],
            read_rows,
        ),
        "",
        f"Import of `{GPX.name}` ({GPX.stat().st_size / 1024:.0f} kB) until listed "
        "(embedded SQLite), one at a time, alternating who goes first.",
        "",
        common.table(["round", "way", "s", "÷ FitTrackee", "load avg (1 min)"], import_rows),
        "",
        *[f"- {line}" for line in medians],
    ])
