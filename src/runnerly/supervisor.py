"""``runnerly up``: every service and worker under supervisord, which restarts what crashes.

The programs inherit the environment of ``runnerly up`` (which holds the topology's
variables), so nothing secret is written into the configuration file.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from runnerly.topology import SERVICES, WORKERS, Topology


def program(name: str, command: list[str], logs: Path) -> str:
    return f"""
[program:{name}]
command={shlex.join(command)}
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
        sections.append(program(service, [*runnerly, "serve", service], logs))
    for service in WORKERS:
        sections.append(program(f"{service}-worker", [*runnerly, "worker", service], logs))
    for tool in topology.tools():
        sections.append(program(tool, [*runnerly, "serve", tool], logs))
    path = data_dir / "supervisord.conf"
    path.write_text("".join(sections))
    return path
