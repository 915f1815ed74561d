"""memory: what the whole embedded default holds in memory once idle.

``uv run runnerly up --base-port <free port>`` on a fresh data dir: once ``GET /api/health``
answers 200, and 5 s more, the resident memory (RSS) of every process of its tree is read
from /proc and summed: ``uv``, the ``runnerly up`` supervisor, supervisord and every
service and worker. RSS counts shared pages once per process, so the proportional share
(PSS, from ``smaps_rollup``) is given beside it. Then SIGTERM to the command, and a wait.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import common
from bench.common import HOST, log

SETTLE_SECONDS = 5.0
START_TIMEOUT = 120.0
STOP_TIMEOUT = 40.0
PORTS = 20


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    name: str
    rss_kib: int
    pss_kib: int


def run() -> str:
    # The services (and dev tools) take the ports after the base one: leave them room.
    base_port = common.free_port(count=PORTS)
    with common.temporary_dir("memory") as workdir:
        data_dir = workdir / "var"
        log_path = workdir / "runnerly-up.log"
        log(f"memory: runnerly up --base-port {base_port} on {data_dir}")
        with log_path.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - our own command
                common.uv_run("runnerly", "up", "--base-port", str(base_port)),
                cwd=common.ROOT,
                env={**os.environ, "RUNNERLY_DATA_DIR": str(data_dir)},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                started = time.monotonic()
                common.wait_until_ready(
                    f"http://{HOST}:{base_port}/api/health",
                    process,
                    timeout=START_TIMEOUT,
                    name="runnerly up",
                    log_path=log_path,
                )
                ready_after = time.monotonic() - started
                time.sleep(SETTLE_SECONDS)
                _check_health(base_port)
                processes = tree_memory(process.pid)
            finally:
                stopped_in = stop_tree(process)
    return report(processes, ready_after, stopped_in)


def _check_health(port: int) -> None:
    response = httpx.get(f"http://{HOST}:{port}/api/health", timeout=5)
    if response.status_code != 200:
        raise RuntimeError(f"/api/health answered {response.status_code}: {response.text[:300]}")


def stop_tree(process: subprocess.Popen[bytes]) -> float:
    """SIGTERM to the command (it forwards it to supervisord), then a wait; what is left of
    its tree is killed by pid (supervisord puts each program in a process group of its own,
    so killing the command's group would not reach them). The seconds it took to stop."""
    started = time.monotonic()
    tree = {found.pid: _started_at(found.pid) for found in tree_memory(process.pid)}
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log("runnerly up did not stop on SIGTERM; killing what is left of it")
    stopped_in = time.monotonic() - started
    common.stop_group(process)
    for pid, started_at in tree.items():
        # The same process still, not another that took its pid since.
        if started_at is not None and _started_at(pid) == started_at:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return stopped_in


def _started_at(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def tree_memory(root: int) -> list[ProcessMemory]:
    """``root`` and all its descendants, with their resident and proportional memory."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[ProcessMemory] = []
    pending = [root]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        with contextlib.suppress(OSError):
            found.append(
                ProcessMemory(pid, _name(pid), _status_kib(pid, "VmRSS"), _pss_kib(pid))
            )
    return found


def _name(pid: int) -> str:
    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    arguments = [word.decode(errors="replace") for word in words if word]
    # "python -m runnerly serve dashboard" -> "runnerly serve dashboard"
    if "-m" in arguments:
        arguments = arguments[arguments.index("-m") + 1 :]
    elif arguments:
        arguments = [Path(arguments[0]).name, *arguments[1:]]
    text = " ".join(arguments)
    return text if len(text) <= 60 else text[:57] + "..."


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def report(processes: list[ProcessMemory], ready_after: float, stopped_in: float) -> str:
    rows = [
        [process.name, f"{process.rss_kib / 1024:.1f}", f"{process.pss_kib / 1024:.1f}"]
        for process in sorted(processes, key=lambda process: -process.rss_kib)
    ]
    rss = sum(process.rss_kib for process in processes) / 1024
    pss = sum(process.pss_kib for process in processes) / 1024
    rows.append([f"**total ({len(processes)} processes)**", f"**{rss:.0f}**", f"**{pss:.0f}**"])
    return "\n".join(
        [
            "### memory: `runnerly up`, idle",
            "",
            f"Healthy after {ready_after:.0f} s; measured {SETTLE_SECONDS:.0f} s later; "
            f"stopped {stopped_in:.1f} s after SIGTERM.",
            "",
            common.table(["process", "RSS MiB", "PSS MiB"], rows),
        ]
    )
