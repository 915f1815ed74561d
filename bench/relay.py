"""relay: the public path against what it relays, in one ``runnerly up``.

A runner signed up through the public API, 200 runs stored for them through the dataservice
(``bench/footprint.py``'s steps), then, alternately, wrk on the dashboard's public
``GET /api/runs?limit=10`` and on the dataservice's own ``GET /runs?limit=10`` with the
same runner's bearer token: the same answer, once relayed and once at its source. The ratio
public / dataservice of each round is the measure (the dataservice is the relay's ceiling);
SQLite first, then the dataservice on PostgreSQL when its server answers. The mode of
``runnerly up`` is a parameter (``--up-args``): none for the one process of the embedded
default, ``--processes`` for a process per service.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import common, footprint
from bench.common import WrkResult, log
from bench.data import run_fields

ROUNDS = 3
SECONDS = 5.0
WARMUP_SECONDS = 2.0
# Enough in flight to keep both sides busy on 2 cores, few enough that a relayed request
# never waits in wrk's queue past its 5 s timeout under load.
CONNECTIONS = 16
THREADS = 1

PUBLIC = "public /api/runs (dashboard)"
OWN = "dataservice's own /runs"


@dataclass(frozen=True)
class Round:
    number: int
    server: str
    backend: str
    result: WrkResult
    cpu_ms: float
    load: tuple[float, float]


def run(
    seconds: float = SECONDS,
    rounds: int = ROUNDS,
    mode_args: Sequence[str] = (),
    postgresql: bool = True,
    access_log: str | None = None,
) -> str:
    """``access_log``: RUNNERLY_ACCESS_LOG for the system (None: its default)."""
    common.ensure_wrk()
    mode = " ".join(["runnerly up", *mode_args])
    settings = {} if access_log is None else {"RUNNERLY_ACCESS_LOG": access_log}
    if access_log is not None:
        mode += f"`, `RUNNERLY_ACCESS_LOG={access_log}"
    rng = random.Random(2017)
    runs = [run_fields(rng, 0, number) for number in range(footprint.RUNS)]
    measured: list[Round] = []
    backends = common.backends() if postgresql else ["sqlite"]
    with common.temporary_dir("relay") as workdir:
        for backend in backends:
            log(f"relay: {mode}, the dataservice on {backend}")
            if backend == "sqlite":
                measured += _measure(workdir / "var", mode_args, settings, runs, backend,
                                     seconds, rounds)
                continue
            with common.postgres_database("relay") as url:
                env = {**settings, "RUNNERLY_DATASERVICE_DATABASE_URL": url}
                measured += _measure(workdir / "var-postgresql", mode_args, env, runs, backend,
                                     seconds, rounds)
    return report(mode, measured, seconds)


def _measure(
    data_dir: Path, mode_args: Sequence[str], env: dict[str, str], runs: list[dict[str, Any]],
    backend: str, seconds: float, rounds: int,
) -> list[Round]:
    with footprint.runnerly_up(data_dir, mode_args, env) as (system, _):
        runner, access = footprint.sign_up(system)
        log(f"relay: {footprint.RUNS} runs for runner {runner} ({backend})")
        footprint.store_runs(system, runner, runs)
        bearer = {"Authorization": f"Bearer {access}"}
        targets = {
            PUBLIC: (f"{system.url()}/api/runs?limit=10", bearer, system.process.pid),
            OWN: (f"{system.url(footprint.DATASERVICE)}/runs?limit=10", bearer,
                  system.process.pid),
        }
        footprint._same_runs(targets, runs)
        tokens = data_dir.parent / f"relay-token-{backend}.txt"
        tokens.write_text(f"Bearer {access}\n")
        measured: list[Round] = []
        for number in range(1, rounds + 1):
            # Each round in the other order, so that neither always runs on a warmer machine.
            names = [PUBLIC, OWN] if number % 2 else [OWN, PUBLIC]
            for name in names:
                url, _, leader = targets[name]
                log(f"relay: round {number}, {name} ({backend})")
                measured.append(_wrk(number, name, backend, url, tokens, leader, seconds))
        return measured


def _wrk(
    number: int, name: str, backend: str, url: str, tokens: Path, leader: int, seconds: float
) -> Round:
    """A warm-up, then the measured run, the CPU time of the system's process tree counted
    meanwhile; every request carries the runner's token (as the web app sends it)."""
    settings: dict[str, Any] = {
        "connections": CONNECTIONS, "threads": THREADS,
        "script": common.BENCH_DIR / "rotate.lua", "script_args": [str(tokens), "Authorization"],
    }
    common.run_wrk(url, seconds=WARMUP_SECONDS, require_answers=False, **settings)
    before = os.getloadavg()[0]
    cpu = common.tree_cpu_seconds(leader)
    result = common.run_wrk(url, seconds=seconds, require_answers=False, **settings)
    cpu = common.tree_cpu_seconds(leader) - cpu
    return Round(number, name, backend, result, cpu * 1000 / max(result.requests, 1),
                 (before, os.getloadavg()[0]))


def report(mode: str, measured: list[Round], seconds: float) -> str:
    rows = []
    for item in measured:
        own = next(m for m in measured
                   if m.number == item.number and m.backend == item.backend and m.server == OWN)
        r = item.result
        ratio = ""
        if item.server == PUBLIC and own.result.requests_per_s:
            ratio = f"**{r.requests_per_s / own.result.requests_per_s:.2f}**"
        rows.append([
            item.number, item.backend, item.server, f"{r.requests_per_s:,.0f}",
            f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", f"{item.cpu_ms:.2f}", ratio,
            f"{r.bad_responses} / {r.socket_errors}",
            f"{item.load[0]:.1f} → {item.load[1]:.1f}",
        ])
    return "\n".join([
        f"### relay: `{mode}`, public /api/runs against the dataservice's own /runs",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. One runner's ten newest of "
        f"{footprint.RUNS} runs, their bearer token on every request; wrk {THREADS} thread, "
        f"{CONNECTIONS} connections, {seconds:.0f} s after a {WARMUP_SECONDS:.0f} s warm-up, "
        "the two alternating; CPU is the whole system's process tree per request.",
        "",
        common.table(
            ["round", "dataservice's database", "server", "requests/s", "p50 ms", "p99 ms",
             "CPU ms/request", "public ÷ dataservice", "non-2xx / socket errors",
             "load avg (1 min)"],
            rows,
        ),
    ])
