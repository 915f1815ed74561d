"""The embedded default's one process (``runnerly all`` under ``runnerly up``): every app
and worker in it, a crash restarted by the supervisor, Ctrl-C stopping it all."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from runnerly.topology import SERVICES, WORKERS

from ..system import System, running_system, wait_until, wait_until_ready


def _commands(data_dir: Path) -> list[str]:
    """The command lines of the processes that run this data dir's system."""
    marker = f"RUNNERLY_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        found.append(" ".join(word.decode() for word in cmdline.split(b"\0") if word))
    return found


def _ready_lines(system: System, worker: str) -> int:
    text = system.log_of("runnerly").read_text(errors="replace")
    return len(re.findall(rf'"event": "{worker}@[^"]* ready\.', text))


def _log_events(system: System, name: str) -> list[dict[str, object]]:
    lines = system.log_of("runnerly").read_text(errors="replace").splitlines()
    events = [json.loads(line) for line in lines if line.startswith("{")]
    return [event for event in events if event.get("event") == name]


@pytest.mark.integration
@pytest.mark.xdist_group("monolith")
def test_every_app_and_worker_run_in_one_process_restarted_on_a_crash_stopped_by_ctrl_c(
    tmp_path: Path,
) -> None:
    with running_system("embedded", tmp_path) as system:
        commands = _commands(tmp_path)
        # Besides the launcher and supervisord, one process serves and consumes it all.
        assert sum(command.endswith("-m runnerly all") for command in commands) == 1
        assert not [c for c in commands if " serve " in f"{c} " or " worker " in f"{c} "]
        for offset in [*SERVICES.values(), 9]:
            assert httpx.get(f"{system.port(offset)}/health/ready", timeout=5).status_code == 200

        victim = system.pid_of("runnerly all")
        assert victim is not None
        os.kill(victim, signal.SIGKILL)

        wait_until(
            lambda: system.pid_of("runnerly all") not in (None, victim), 60, "a new process"
        )
        # Readiness as at the start: every worker consumes again, every app answers.
        wait_until(lambda: all(_ready_lines(system, worker) >= 2 for worker in WORKERS), 180,
                   "every worker consuming again")
        wait_until_ready(system)

    # Ctrl-C (SIGTERM to runnerly up; running_system asserts no process is left): every
    # worker and server stopped warmly, and the process said so, as a success.
    # The killed process said nothing; the one after it stopped as a success.
    [stopped] = _log_events(system, "monolith.stopped")
    assert stopped["code"] == 0
    assert not _log_events(system, "monolith.worker_not_stopped")


def test_services_tasks_stay_in_their_own_celery_app_in_one_process(tmp_path: Path) -> None:
    """Celery gives a shared task to every app made later in the process: two services'
    workers in one process would each carry, and could run, the other's tasks."""
    script = (
        "import json, importlib\n"
        f"workers = {list(WORKERS)!r}\n"
        "apps = {name: importlib.import_module(f'runnerly_{name}.worker').celery "
        "for name in workers}\n"
        "print(json.dumps({name: sorted(app.tasks) for name, app in apps.items()}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(
        RUNNERLY_DATA_DIR=str(tmp_path),
        RUNNERLY_INGEST_TOKEN_KEY=Fernet.generate_key().decode(),
        RUNNERLY_STRAVA_CLIENT_ID="12345",
        RUNNERLY_STRAVA_CLIENT_SECRET="demo",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    tasks = json.loads(result.stdout.strip().splitlines()[-1])
    for service, names in tasks.items():
        own = [name for name in names if not name.startswith("celery.")]
        others = [name for name in own if name != "runnerly.event"
                  and not name.startswith(f"{service}.")]
        assert others == [], f"{service}'s worker carries {others}"


def test_the_dashboards_relayed_reads_reach_the_dataservice_in_the_process(
    tmp_path: Path,
) -> None:
    """Nothing listens on the dataservice's port here: a relayed read answers only because
    the one process hands it to the dataservice's app, not to the network."""
    script = (
        "import anyio, json\n"
        "from runnerly import monolith\n"
        "built = monolith.build(['dashboard', 'dataservice'], [], [])\n"
        "peers = built.servers['dashboard'].config.app.state.peers\n"
        "async def read():\n"
        "    response = await peers.dataservice_async.request('GET', '/health/live')\n"
        "    await peers.aclose()\n"
        "    return response.status_code\n"
        "print(json.dumps(anyio.run(read)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(RUNNERLY_DATA_DIR=str(tmp_path),
               # A port nothing listens on: over the network the read would fail.
               RUNNERLY_DATASERVICE_URL="http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 200
