"""``runnerly up``: every service and worker under supervisord, which restarts what crashes."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from runnerly.topology import SERVICES, WORKERS, Topology


def program(name: str, command: list[str], logs: Path, environment: dict[str, str]) -> str:
    env = ",".join(
        f'{key}="{value.replace("%", "%%").replace(chr(34), chr(92) + chr(34))}"'
        for key, value in sorted(environment.items())
    )
    return f"""
[program:{name}]
command={shlex.join(command)}
environment={env}
autorestart=true
startsecs=2
startretries=10
stopsignal=TERM
stopwaitsecs=15
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile={logs / f"{name}.log"}
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=3
"""


def write_config(topology: Topology) -> Path:
    data_dir = topology.data_dir
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    environment = topology.environment()
    runnerly = [sys.executable, "-m", "runnerly"]
    sections = [
        f"""[supervisord]
nodaemon=true
logfile={logs / "supervisord.log"}
pidfile={data_dir / "supervisord.pid"}
childlogdir={logs}
"""
    ]
    for service in SERVICES:
        sections.append(program(service, [*runnerly, "serve", service], logs, environment))
    for service in WORKERS:
        sections.append(
            program(f"{service}-worker", [*runnerly, "worker", service], logs, environment)
        )
    path = data_dir / "supervisord.conf"
    path.write_text("".join(sections))
    return path
