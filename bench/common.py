"""What every benchmark shares: servers in subprocesses, wrk, PostgreSQL, the machine, tables."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
# Every HTTP server gets this many worker processes: the machine's cores (2 here).
WORKERS = 2
# The PostgreSQL server the at-scale column uses (scripts/infra.sh starts it).
POSTGRES_ADMIN_URL = os.environ.get(
    "RUNNERLY_BENCH_POSTGRES_URL", "postgresql+psycopg://runnerly:runnerly@127.0.0.1:5432/postgres"
)
# Ports the project's own processes use by default; a benchmark never takes them.
_RESERVED_PORTS = range(8000, 8011)


def log(message: str) -> None:
    """Progress goes to stderr, so that stdout holds only the result tables."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port(count: int = 1) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1 (outside 8000-8010)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            first = int(probe.getsockname()[1])
        ports = range(first, first + count)
        if any(port in _RESERVED_PORTS or port > 65535 for port in ports):
            continue
        if all(_is_free(port) for port in ports):
            return first
    raise RuntimeError("no free port range found on 127.0.0.1")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True


@contextlib.contextmanager
def temporary_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"runnerly-bench-{prefix}-") as path:
        yield Path(path)


# -- servers -------------------------------------------------------------------------------


@contextlib.contextmanager
def server(
    name: str,
    command: Sequence[str],
    *,
    ready_url: str,
    env: Mapping[str, str] | None = None,
    log_path: Path,
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` in a process group of its own, wait until ``ready_url`` answers 200,
    and stop the whole group (SIGTERM, then SIGKILL) when the block ends."""
    with log_path.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            list(command),
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_ready(ready_url, process, timeout=timeout, name=name, log_path=log_path)
            yield process
        finally:
            stop_group(process)


def wait_until_ready(
    url: str,
    process: subprocess.Popen[bytes],
    *,
    timeout: float,
    name: str,
    log_path: Path,
    headers: Mapping[str, str] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {tail(log_path)}")
        try:
            if httpx.get(url, timeout=2.0, headers=headers).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s; {tail(log_path)}")


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    return f"last lines of {path}:\n" + "\n".join(text[-lines:])


def stop_group(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Children that outlived the group leader (workers finishing a request) go too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def group_cpu_seconds(leader: int) -> float:
    """CPU time (user + system) used so far by the live processes of ``leader``'s process
    group: on a noisy machine, server CPU per request is steadier than requests/s."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        # After the command name: state ppid pgrp session ... utime(12th) stime(13th).
        if int(fields[2]) == leader:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by the live processes of ``root``'s tree:
    ``runnerly up``'s supervisor puts each program in a process group of its own."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        total += ticks.get(pid, 0)
        pending += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def uv_run(*args: str, group: str | None = None) -> list[str]:
    """A command run in the project's environment (``--group bench`` installs that group)."""
    uv = shutil.which("uv") or "uv"
    return [uv, "run", "--quiet", *(["--group", group] if group else []), *args]


# -- wrk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_responses: int  # non-2xx/3xx answers
    socket_errors: int  # connect, read, write errors and timeouts


def apt_install(package: str) -> None:
    """Install Debian's ``package`` (as root here, through ``sudo -n`` otherwise)."""
    log(f"{package} is missing: installing Debian's package (apt-get install -y {package}) ...")
    install = ["apt-get", "install", "-y", "-q", package]
    if os.geteuid() != 0:
        install = ["sudo", "-n", *install]
    result = subprocess.run(  # noqa: S603
        install, capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        # A fresh machine may not have the package lists yet.
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False, timeout=600)  # noqa: S607
        result = subprocess.run(  # noqa: S603
            install, capture_output=True, text=True, check=False, timeout=600
        )
    if result.returncode != 0:
        raise RuntimeError(
            f"{package} could not be installed (apt-get said: {result.stderr.strip()[-300:]}). "
            f"Install it: apt-get install {package}"
        )
    log(f"{package} installed")


def ensure_wrk() -> str:
    """wrk's path; installs Debian's package when it is missing (we are root here)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt_install("wrk")
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is installed but not on PATH")
    return found


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    script: Path | None = None,
    script_args: Sequence[str] = (),
    require_answers: bool = True,
) -> WrkResult:
    command = [
        ensure_wrk(),
        "--threads", str(threads),
        "--connections", str(connections),
        "--duration", f"{round(seconds)}s",
        "--timeout", "5s",
        "--latency",
    ]
    if script is not None:
        command += ["--script", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    result = subprocess.run(  # noqa: S603 - wrk, with our arguments
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    parsed = parse_wrk(result.stdout)
    if parsed.requests == 0 and require_answers:
        raise RuntimeError(f"no request completed under wrk:\n{result.stdout}{result.stderr}")
    return parsed


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_DURATION_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _DURATION_UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{output}")
        return match

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        requests=int(find(r"^\s+(\d+) requests in").group(1)),
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(count) for count in errors.groups()) if errors else 0,
    )


# -- PostgreSQL ----------------------------------------------------------------------------


def postgres_available() -> bool:
    engine = sa.create_engine(
        POSTGRES_ADMIN_URL, poolclass=sa.NullPool, connect_args={"connect_timeout": 2}
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means "not here"
        return False
    finally:
        engine.dispose()
    return True


@contextlib.contextmanager
def postgres_database(purpose: str) -> Iterator[str]:
    """A new database on the PostgreSQL server, dropped when the block ends."""
    name = f"runnerly_bench_{purpose}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(
            hide_password=False
        )
    finally:
        try:
            _drop_database(admin, name)
        finally:
            admin.dispose()


def _drop_database(admin: sa.Engine, name: str) -> None:
    """Drop ``name`` once the servers that used it have let go of their connections.

    Plain DROP first: it stops an autovacuum worker by itself, whereas ``WITH (FORCE)``
    refuses to terminate one (a process of the server's own) unless we are superuser.
    """
    for _ in range(20):
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        except sa.exc.OperationalError:  # other sessions still connected to it
            time.sleep(0.5)
        else:
            return
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def backends() -> list[str]:
    """``sqlite`` always; ``postgresql`` when its server answers."""
    if postgres_available():
        return ["sqlite", "postgresql"]
    log(f"PostgreSQL is not reachable at {sa.make_url(POSTGRES_ADMIN_URL)!r}: SQLite only")
    return ["sqlite"]


@contextlib.contextmanager
def database_url(backend: str, workdir: Path, purpose: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{purpose}.sqlite'}"
    else:
        with postgres_database(purpose) as url:
            yield url


# -- the machine and the report --------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = int(line.split()[1]) / 1024 / 1024
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB memory, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
