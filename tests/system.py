"""The whole system (``runnerly up``) started for a test session, shared by the integration
and the end-to-end tests.

Two columns: the embedded default (SQLite files, the SQL broker, a Maildir; every service
and worker in one process) and, at scale, PostgreSQL, RabbitMQ and a real SMTP server, a
process per service and worker (``runnerly up --processes``), when
``RUNNERLY_TEST_POSTGRES_URL`` and ``RUNNERLY_TEST_AMQP_URL`` name servers
(``scripts/infra.sh`` starts them). So both modes run the whole suite.
"""

from __future__ import annotations

import fcntl
import json
import mailbox
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from runnerly.topology import DEMO_STRAVA_CLIENT_ID, SERVICES, WORKERS

# Offsets from the base port (runnerly.topology): tokendealer, dataservice, the simulator.
TOKENDEALER, DATASERVICE, STRAVASIM = 1, 2, 9

T = TypeVar("T")


def wait_until(check: Callable[[], T | bool | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result  # type: ignore[return-value]
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_base_port() -> int:
    """A base port whose next ten ports are free (clear of the 8000s a developer runs)."""
    for _ in range(50):
        base = 20000 + (uuid.uuid4().int % 2000) * 10
        try:
            for offset in range(10):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


class SmtpInbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class System:
    mode: str
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    database_urls: dict[str, str]
    smtp: SmtpInbox | None = None
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=30)

    @property
    def monolithic(self) -> bool:
        """Every service and worker in one process (``runnerly all``): the embedded column."""
        return self.mode == "embedded"

    def log_of(self, program: str) -> Path:
        """The log a program (``mailer``, ``ingest-worker``) writes to: its own, or the one
        process's."""
        return self.data_dir / "logs" / f"{'runnerly' if self.monolithic else program}.log"

    def port(self, offset: int) -> str:
        """The URL of the process at base port + offset."""
        host, port = self.url.rsplit(":", 1)
        return f"{host}:{int(port) + offset}"

    @property
    def simulator_url(self) -> str:
        """The Strava simulator (demo mode): base port + 9."""
        return self.port(STRAVASIM)

    def mails_to(self, address: str) -> list[Message]:
        if self.smtp is not None:
            with self.smtp.lock:
                return [m for m in self.smtp.messages if m["To"] == address]
        box = mailbox.Maildir(self.data_dir / "mailer" / "Maildir", create=True)
        # A Maildir lists its mails in no order: oldest first, by delivery time.
        delivered = sorted(box.values(), key=lambda message: message.get_date())
        return [m for m in delivered if m["To"] == address]

    def wait_for_mail(self, address: str, count: int = 1, timeout: float = 30) -> Message:
        return wait_until(
            lambda: (m := self.mails_to(address)) and len(m) >= count and m[-1],
            timeout,
            f"a mail to {address}",
        )

    def database(self, service: str) -> sa.Engine:
        return sa.create_engine(self.database_urls[service], poolclass=sa.pool.NullPool)

    def pid_of(self, program: str) -> int | None:
        """The pid of one supervised process (e.g. ``serve dataservice``): in the one
        process mode, the process that runs it with every other."""
        if self.monolithic:
            program = "runnerly all"
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            words = [w.decode(errors="replace") for w in cmdline if w]
            marker = f"RUNNERLY_DATA_DIR={self.data_dir}".encode()
            if " ".join(words[-2:]) == program and "runnerly" in words and marker in environ:
                return int(entry.name)
        return None

    def service_token(self, client: str, scope: str) -> str:
        """A service's own token (client_credentials), as that service gets it."""
        secret = json.loads((self.data_dir / "secrets.json").read_text())[client]
        response = httpx.post(
            f"{self.port(TOKENDEALER)}/oauth/token",
            data={"grant_type": "client_credentials", "scope": scope},
            auth=(client, secret),
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def store_runs(self, runs: list[dict[str, Any]]) -> dict[str, int]:
        """Runs arrive as ingest sends them: the dataservice's idempotent bulk upsert."""
        token = self.service_token("ingest", "runs:write")
        totals: dict[str, int] = {}
        for start in range(0, len(runs), 500):
            response = httpx.post(
                f"{self.port(DATASERVICE)}/runs/batch",
                headers={"Authorization": f"Bearer {token}"},
                json={"runs": runs[start : start + 500]},
                timeout=120,
            )
            assert response.status_code == 200, response.text
            for key, value in response.json().items():
                if isinstance(value, int):
                    totals[key] = totals.get(key, 0) + value
        return totals

    def runner_id(self, email: str, password: str) -> str:
        """The account id behind an email (a runner's id in every service)."""
        login = self.http.post("/api/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.text
        me = self.http.get(
            "/api/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        runner: str = me.json()["account"]["id"]
        self.http.cookies.clear()
        return runner


def postgres_databases(admin_url: str, run_id: str) -> dict[str, str]:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    urls = {}
    with admin.connect() as connection:
        for service in SERVICES:
            name = f"runnerly_it_{service}_{run_id}"
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            urls[service] = admin_url.rsplit("/", 1)[0] + f"/{name}"
    admin.dispose()
    return urls


def drop_postgres_databases(admin_url: str, urls: dict[str, str]) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        for url in urls.values():
            name = url.rsplit("/", 1)[1]
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def rabbitmq_vhost(amqp_url: str, run_id: str) -> str:
    """A vhost of its own, so queues left by another run cannot interfere."""
    vhost = f"runnerly-it-{run_id}"
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        return amqp_url
    subprocess.run([ctl, "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run(
        [ctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
        capture_output=True,
    )
    parts = urlsplit(amqp_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{vhost}", "", ""))


def drop_rabbitmq_vhost(broker_url: str) -> None:
    """The run's own vhost goes with its queues (not the shared one, when it was used)."""
    vhost = urlsplit(broker_url).path.lstrip("/")
    ctl = shutil.which("rabbitmqctl")
    if ctl is not None and vhost.startswith("runnerly-it-"):
        subprocess.run([ctl, "delete_vhost", vhost], check=False, capture_output=True)


# Starting a system imports some sixteen Python programs at once, tens of seconds of CPU;
# two at the same moment on a 2-core machine each took more than twice as long. Starts are
# taken one at a time, machine-wide (test workers, and test runs side by side), under this
# lock; the tests themselves still run side by side.
START_LOCK = Path(tempfile.gettempdir()) / "runnerly-test-system-start.lock"
# Readiness is waited for as long as it progresses: the limit is on a start that stalls
# (no program got ready for this long: a program that cannot start, not a slow machine),
# with a ceiling in case one keeps crashing and coming back.
START_STALL_SECONDS = 180.0
START_CEILING_SECONDS = 600.0


@dataclass
class Readiness:
    """What of a starting system answers: each service's own ``/health/ready``, each
    worker's "ready" line in its log, and at last the dashboard's ``/api/health``."""

    system: System
    ready: set[str] = field(default_factory=set)
    why_not: dict[str, str] = field(default_factory=dict)

    def programs(self) -> list[str]:
        # Demo mode (no Strava app of the operator's) starts the simulator too.
        demo = self.system.env.get("RUNNERLY_STRAVA_CLIENT_ID", "") in ("", DEMO_STRAVA_CLIENT_ID)
        services = [*SERVICES, *(["stravasim"] if demo else [])]
        return [*services, *(f"{worker}-worker" for worker in WORKERS)]

    def check(self) -> bool:
        if self.system.process.poll() is not None:
            raise AssertionError(f"runnerly up exited with {self.system.process.returncode}")
        for program in self.programs():
            if program not in self.ready:
                reason = self._check(program)
                if reason is None:
                    self.ready.add(program)
                    self.why_not.pop(program, None)
                else:
                    self.why_not[program] = reason
        if self.why_not:
            return False
        try:
            health = self.system.http.get("/api/health")
        except httpx.TransportError as error:
            self.why_not["/api/health"] = repr(error)
            return False
        if health.status_code != 200:
            self.why_not["/api/health"] = f"{health.status_code} {health.text}"
            return False
        return True

    def _check(self, program: str) -> str | None:
        """None when the program is ready, else why not."""
        if program.endswith("-worker"):
            log = self.system.log_of(program)
            service = program.removesuffix("-worker")
            text = log.read_text(errors="replace") if log.exists() else ""
            # Celery's own line once it consumes: "dataservice@host ready."
            ready = re.search(rf'"event": "{service}@[^"]* ready\."', text)
            return None if ready else "not consuming yet"
        offset = {**SERVICES, "stravasim": STRAVASIM}[program]
        try:
            answer = httpx.get(f"{self.system.port(offset)}/health/ready", timeout=2)
        except httpx.TransportError as error:
            return type(error).__name__
        return None if answer.status_code == 200 else f"{answer.status_code} {answer.text}"


def wait_until_ready(system: System) -> None:
    readiness = Readiness(system)
    started = last_progress = time.monotonic()
    ready_count = 0
    while not readiness.check():
        now = time.monotonic()
        if len(readiness.ready) > ready_count:
            ready_count, last_progress = len(readiness.ready), now
        if now - last_progress > START_STALL_SECONDS or now - started > START_CEILING_SECONDS:
            not_ready = "; ".join(f"{name}: {why}" for name, why in readiness.why_not.items())
            raise AssertionError(
                f"the system was not ready after {now - started:.0f} s "
                f"({len(readiness.ready)} programs ready, none more for "
                f"{now - last_progress:.0f} s). Not ready: {not_ready}"
            )
        time.sleep(0.2)


def _running_with(data_dir: Path) -> list[int]:
    """The processes whose environment names this data dir: the system's programs."""
    marker = f"RUNNERLY_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environment = (entry / "environ").read_bytes()
            except OSError:  # gone meanwhile, or not ours to read
                continue
            if marker in environment.split(b"\0"):
                found.append(int(entry.name))
    return found


def _stop(system: System) -> list[int]:
    """Ctrl-C, as an operator stops it; the processes it left running, killed."""
    process = system.process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # Ctrl-C stops it all: no service or worker of this system may outlive it.
    left = _running_with(system.data_dir)
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def dump_logs(data_dir: Path) -> None:
    for path in [*sorted((data_dir / "logs").glob("*.log")), data_dir / "up.log"]:
        if path.exists():
            lines = path.read_text(errors="replace").splitlines()[-40:]
            print(f"----- {path.name} -----", *lines, sep="\n", file=sys.stderr)


@contextmanager
def running_system(
    mode: str,
    data_dir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    failed: Callable[[], bool] = lambda: False,
    database_urls: Mapping[str, str] | None = None,
) -> Iterator[System]:
    """``runnerly up`` on free ports in ``data_dir``, ready (every service and worker), then
    stopped. ``mode`` is "embedded" or "scale" (skipped when no servers are named);
    ``failed`` says at the end whether to print the processes' last log lines.
    ``database_urls`` (at scale): start on these databases, each service's, which the caller
    made and drops, instead of new ones of the run's own (a restored backup)."""
    run_id = uuid.uuid4().hex[:8]
    base_port = free_base_port()
    url = f"http://127.0.0.1:{base_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(
        RUNNERLY_DATA_DIR=str(data_dir),
        RUNNERLY_PORT=str(base_port),
        # Links in mails and Strava's redirect must lead back to this very system.
        RUNNERLY_PUBLIC_URL=url,
        RUNNERLY_OUTBOX_POLL_SECONDS="1",
    )
    # The caller's settings win, the public URL too: a system behind a proxy is reached there.
    env.update(extra_env or {})
    urls = {s: f"sqlite:///{data_dir / f'{s}.sqlite'}" for s in SERVICES}
    smtp: SmtpInbox | None = None
    controller: Controller | None = None
    postgres_admin = os.environ.get("RUNNERLY_TEST_POSTGRES_URL")
    amqp = os.environ.get("RUNNERLY_TEST_AMQP_URL")
    if mode == "scale" and (not postgres_admin or not amqp):
        pytest.skip(
            "set RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL "
            "(scripts/infra.sh start) to run the at-scale column"
        )
    made: dict[str, str] | None = None  # the databases this run made, and so drops
    vhost: str | None = None
    left: list[int] = []
    # What the run made (databases, a vhost, an SMTP peer) goes even when it fails to start.
    try:
        if mode == "scale":
            assert postgres_admin and amqp
            if database_urls is None:
                urls = made = postgres_databases(postgres_admin, run_id)
            else:
                urls = dict(database_urls)
            for service, database_url in urls.items():
                env[f"RUNNERLY_{service.upper()}_DATABASE_URL"] = database_url
            env["RUNNERLY_BROKER_URL"] = vhost = rabbitmq_vhost(amqp, run_id)
            smtp = SmtpInbox()
            smtp_port = free_base_port()
            controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
            controller.start()
            env["RUNNERLY_MAILER_SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}"

        with START_LOCK.open("a") as start_lock:
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            with (data_dir / "up.log").open("wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "runnerly", "up", *([] if mode == "embedded" else
                                                               ["--processes"])],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            system = System(mode, url, data_dir, env, process, urls, smtp)
            try:
                wait_until_ready(system)
            except BaseException:
                system.http.close()
                _stop(system)
                dump_logs(data_dir)
                raise
            finally:
                fcntl.flock(start_lock, fcntl.LOCK_UN)
        try:
            yield system
        except BaseException:
            dump_logs(data_dir)
            raise
        finally:
            system.http.close()
            left = _stop(system)
            if failed():
                dump_logs(data_dir)
    finally:
        if controller is not None:
            controller.stop()
        if made is not None:
            assert postgres_admin
            drop_postgres_databases(postgres_admin, made)
        if vhost is not None:
            drop_rabbitmq_vhost(vhost)
    assert not left, f"runnerly up left processes running after it stopped: {left}"


def gpx_run(day: int, points: int) -> bytes:
    """A recorded run (north at 3 m a second, a point a second) starting on the ``day``-th."""
    start = datetime(2026, 2, 1, 6, 30, tzinfo=UTC) + timedelta(days=day)
    rows = "".join(
        f'<trkpt lat="{46.05 + i * 3 / 111_195.0:.7f}" lon="14.5"><ele>300</ele>'
        f"<time>{(start + timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>running</type><trkseg>{rows}</trkseg></trk></gpx>"
    ).encode()


def import_files(
    http: httpx.Client,
    files: list[tuple[str, tuple[str, bytes, str]]],
    *,
    headers: Mapping[str, str],
    data: Mapping[str, Any] | None = None,
    timeout: float = 180,
) -> list[dict[str, Any]]:
    """Upload ``files`` (httpx's ``files``: ``("files", (name, bytes, type))``) through
    ``/api/runs/import``, which answers at once (202) with an import job, then follow the
    job until every file has its outcome: the outcomes, in the order the files were sent."""
    response = http.post("/api/runs/import", headers=dict(headers), files=files, data=data)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    def finished() -> list[dict[str, Any]] | None:
        job = http.get(f"/api/runs/imports/{job_id}", headers=dict(headers))
        assert job.status_code == 200, job.text
        body = job.json()
        return body["files"] if body["finished_at"] is not None else None

    outcomes: list[dict[str, Any]] = wait_until(finished, timeout, f"import {job_id} to finish")
    return outcomes
