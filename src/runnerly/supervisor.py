"""``runnerly up``: every service and worker under supervisord, which restarts what crashes:
one program, ``runnerly all``, by default; one program each with ``--processes``.

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


# The one program of the default: every app and worker (``runnerly all``).
MONOLITH = "runnerly"


def write_config(topology: Topology, *, processes: bool = False) -> Path:
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
    if processes:
        programs = {service: [*runnerly, "serve", service] for service in SERVICES}
        programs.update(
            {f"{service}-worker": [*runnerly, "worker", service] for service in WORKERS}
        )
        programs.update({tool: [*runnerly, "serve", tool] for tool in topology.tools()})
    else:
        # The demo mode's simulator too: a process of its own would hold as much memory
        # again as the apps it adds to this one.
        programs = {MONOLITH: [*runnerly, "all"]}
    sections += [program(name, command, logs) for name, command in programs.items()]
    # One group: on shutdown supervisord stops a group's programs all at once, but separate
    # groups one after another (each worker's warm shutdown took its seconds in turn, 26 s
    # in all, longer than a supervisor of supervisord may wait).
    sections.append(f"\n[group:runnerly]\nprograms={','.join(programs)}\n")
    path = data_dir / "supervisord.conf"
    path.write_text("".join(sections))
    return path
