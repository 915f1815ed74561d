"""Integration tests: the real processes (``runnerly up``), driven through ``/api``.

They run twice: on the embedded default (SQLite files, the SQL broker, a Maildir) and at
scale (PostgreSQL, RabbitMQ, a real SMTP server) when ``RUNNERLY_TEST_POSTGRES_URL`` and
``RUNNERLY_TEST_AMQP_URL`` name servers (``scripts/infra.sh`` starts them).
"""

from __future__ import annotations

import mailbox
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

SERVICES = ("dashboard", "tokendealer", "dataservice", "mailer", "ingest")
START_TIMEOUT = 90.0


def _free_base_port() -> int:
    """A base port whose next ten ports are free."""
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


class _SmtpInbox:
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
    smtp: _SmtpInbox | None = None
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def mails_to(self, address: str) -> list[Message]:
        if self.smtp is not None:
            with self.smtp.lock:
                return [m for m in self.smtp.messages if m["To"] == address]
        box = mailbox.Maildir(self.data_dir / "mailer" / "Maildir", create=True)
        return [m for m in box.values() if m["To"] == address]

    def wait_for_mail(self, address: str, count: int = 1, timeout: float = 30) -> Message:
        return wait_until(
            lambda: (m := self.mails_to(address)) and len(m) >= count and m[-1],
            timeout,
            f"a mail to {address}",
        )

    @property
    def simulator_url(self) -> str:
        """The Strava simulator (demo mode): base port + 9."""
        host, port = self.url.rsplit(":", 1)
        return f"{host}:{int(port) + 9}"

    def database(self, service: str) -> sa.Engine:
        return sa.create_engine(self.database_urls[service], poolclass=sa.pool.NullPool)

    def pid_of(self, program: str) -> int | None:
        """The pid of one supervised process (e.g. ``serve dataservice``)."""
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


T = TypeVar("T")


def wait_until(check: Callable[[], T | bool | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result  # type: ignore[return-value]
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _postgres_databases(admin_url: str, run_id: str) -> dict[str, str]:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    urls = {}
    with admin.connect() as connection:
        for service in SERVICES:
            name = f"runnerly_it_{service}_{run_id}"
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            urls[service] = admin_url.rsplit("/", 1)[0] + f"/{name}"
    admin.dispose()
    return urls


def _drop_postgres_databases(admin_url: str, urls: dict[str, str]) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        for url in urls.values():
            name = url.rsplit("/", 1)[1]
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _rabbitmq_vhost(amqp_url: str, run_id: str) -> str:
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


@pytest.fixture(scope="session", params=["embedded", "scale"])
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    mode = request.param
    run_id = uuid.uuid4().hex[:8]
    data_dir = tmp_path_factory.mktemp(f"runnerly-{mode}")
    base_port = _free_base_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(
        RUNNERLY_DATA_DIR=str(data_dir),
        RUNNERLY_PORT=str(base_port),
        RUNNERLY_OUTBOX_POLL_SECONDS="1",
        # Smaller backfill pages and a shorter lease, so the crash test has pages to
        # interrupt and a killed worker's step is taken up again within seconds.
        RUNNERLY_INGEST_PAGE_SIZE="25",
        RUNNERLY_INGEST_LEASE_SECONDS="8",
        RUNNERLY_INGEST_RESUME_SECONDS="2",
    )
    database_urls = {s: f"sqlite:///{data_dir / f'{s}.sqlite'}" for s in SERVICES}
    smtp: _SmtpInbox | None = None
    controller: Controller | None = None
    postgres_admin = os.environ.get("RUNNERLY_TEST_POSTGRES_URL")
    if mode == "scale":
        amqp = os.environ.get("RUNNERLY_TEST_AMQP_URL")
        if not postgres_admin or not amqp:
            pytest.skip(
                "set RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL "
                "(scripts/infra.sh start) to run the at-scale column"
            )
        database_urls = _postgres_databases(postgres_admin, run_id)
        for service, url in database_urls.items():
            env[f"RUNNERLY_{service.upper()}_DATABASE_URL"] = url
        env["RUNNERLY_BROKER_URL"] = _rabbitmq_vhost(amqp, run_id)
        smtp = _SmtpInbox()
        smtp_port = _free_base_port()
        controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        env["RUNNERLY_MAILER_SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}"

    with (data_dir / "up.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "runnerly", "up"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    system = System(
        mode, f"http://127.0.0.1:{base_port}", data_dir, env, process, database_urls, smtp
    )
    try:
        wait_until(lambda: _healthy(system), START_TIMEOUT, "every service to be ready")
        yield system
    except BaseException:
        _dump_logs(data_dir)
        raise
    finally:
        system.http.close()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if request.session.testsfailed:
            _dump_logs(data_dir)
        if controller is not None:
            controller.stop()
        if mode == "scale" and postgres_admin:
            _drop_postgres_databases(postgres_admin, database_urls)


def _healthy(system: System) -> bool:
    if system.process.poll() is not None:
        raise AssertionError(f"runnerly up exited with {system.process.returncode}")
    try:
        return system.http.get("/api/health").status_code == 200
    except httpx.TransportError:
        return False


def _dump_logs(data_dir: Path) -> None:
    for path in [*sorted((data_dir / "logs").glob("*.log")), data_dir / "up.log"]:
        if path.exists():
            lines = path.read_text(errors="replace").splitlines()[-40:]
            print(f"----- {path.name} -----", *lines, sep="\n", file=sys.stderr)


CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")
