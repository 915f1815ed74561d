"""``python -m bench [read|upsert|memory|backfill|parse ...]``: run benchmarks, print tables.

Progress goes to stderr; the tables (to paste into bench/README.md) to stdout.
"""

from __future__ import annotations

import argparse
import os
import shlex
import time
from collections.abc import Callable

from bench import backfill, common, footprint, memory, parse, read, relay, streams, upsert

BENCHMARKS: dict[str, Callable[[argparse.Namespace], str]] = {
    "read": lambda options: read.run(seconds=options.seconds),
    "upsert": lambda options: upsert.run(updates=options.updates),
    "memory": lambda options: memory.run(),
    "backfill": lambda options: backfill.run(),
    "parse": lambda options: parse.run(profile=options.profile),
    "streams": lambda options: streams.run(),
    "footprint": lambda options: footprint.run(
        seconds=options.footprint_seconds,
        rounds=options.rounds,
        mode_args=shlex.split(options.up_args),
        postgresql=not options.sqlite_only,
    ),
    "relay": lambda options: relay.run(
        seconds=options.relay_seconds,
        rounds=options.rounds if options.rounds_given else relay.ROUNDS,
        mode_args=shlex.split(options.up_args),
        postgresql=not options.sqlite_only,
        access_log=options.access_log,
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run, in this order (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=read.SECONDS,
        help=f"read: length of each measured wrk run (default {read.SECONDS:.0f})",
    )
    parser.add_argument(
        "--updates",
        action="store_true",
        help="upsert: also time a second pass that updates every run (doubles its time)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="parse: print each format's cProfile of parse_activity to stderr",
    )
    parser.add_argument(
        "--up-args",
        default="",
        help="footprint, relay: arguments for `runnerly up` (its mode), e.g. "
        "--up-args=--processes",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help=f"footprint, relay: wrk rounds of each server (default {footprint.ROUNDS}, "
        f"relay {relay.ROUNDS})",
    )
    parser.add_argument(
        "--footprint-seconds",
        type=float,
        default=footprint.SECONDS,
        help=f"footprint: length of each measured wrk run (default {footprint.SECONDS:.0f})",
    )
    parser.add_argument(
        "--relay-seconds",
        type=float,
        default=relay.SECONDS,
        help=f"relay: length of each measured wrk run (default {relay.SECONDS:.0f})",
    )
    parser.add_argument(
        "--access-log",
        default=None,
        help="relay: RUNNERLY_ACCESS_LOG for the system (default: its own default)",
    )
    parser.add_argument(
        "--sqlite-only",
        action="store_true",
        help="footprint, relay: skip the rounds with the dataservice on PostgreSQL "
        "(one start less)",
    )
    options = parser.parse_args()
    options.rounds_given = options.rounds is not None
    if options.rounds is None:
        options.rounds = footprint.ROUNDS
    unknown = [name for name in options.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; one of {', '.join(BENCHMARKS)}")
    names = options.names or list(BENCHMARKS)

    started = time.monotonic()
    load_before = os.getloadavg()[0]
    sections = [BENCHMARKS[name](options) for name in names]
    load_after = os.getloadavg()[0]
    print(f"## Results, {time.strftime('%Y-%m-%d %H:%M %Z')}\n")
    print(
        f"Machine: {common.machine()}. Load average (1 min) {load_before:.1f} before, "
        f"{load_after:.1f} after.\n"
    )
    print("\n\n".join(sections))
    common.log(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
