"""files: import of a large FIT file through ``parse_activity``, against fitdecode alone.

A ~1 MB FIT activity is synthesized here (fitdecode only decodes): a file_id, ~31,000
one-second ``record`` messages with the fields a Garmin watch writes (position,
distance, altitude, speed, enhanced altitude and speed, heart rate, cadence,
temperature), a session and an activity, with valid header and file CRCs. It is
parsed by ``parse_activity`` (decode, figures, streams, splits, polyline) and, in the
same run, by fitdecode iterating all frames with the same options: the ratio is what
the import costs beyond decoding. The largest real test file is timed the same way.

``python -m bench.files`` prints the table.
"""

from __future__ import annotations

import functools
import io
import math
import statistics
import struct
import time
from collections.abc import Callable
from pathlib import Path

import fitdecode
from fitdecode.utils import compute_crc

from bench.common import log
from runnerly_ingest.files import parse_activity

RECORDS = 31_000
REPEATS = 5
FIT_EPOCH = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds
START = 1_714_545_000 - FIT_EPOCH  # 2024-05-01T06:30:00Z
REAL_FILE = (
    Path(__file__).resolve().parent.parent
    / "services/ingest/tests/files/data/activity-small-fenix2-run.fit"
)

# (field number, base type, format): base types per the FIT profile
_RECORD_FIELDS = [
    (253, 0x86, "I"),  # timestamp
    (0, 0x85, "i"),  # position_lat (semicircles)
    (1, 0x85, "i"),  # position_long
    (5, 0x86, "I"),  # distance (1/100 m)
    (2, 0x84, "H"),  # altitude (1/5 m, offset 500)
    (6, 0x84, "H"),  # speed (mm/s)
    (78, 0x86, "I"),  # enhanced_altitude
    (73, 0x86, "I"),  # enhanced_speed
    (3, 0x02, "B"),  # heart_rate
    (4, 0x02, "B"),  # cadence (per leg)
    (53, 0x02, "B"),  # fractional_cadence (1/128)
    (13, 0x01, "b"),  # temperature
]
_FILE_ID_FIELDS = [(0, 0x00, "B"), (1, 0x84, "H"), (2, 0x84, "H"), (3, 0x8C, "I"), (4, 0x86, "I")]
_SESSION_FIELDS = [
    (253, 0x86, "I"),  # timestamp
    (2, 0x86, "I"),  # start_time
    (7, 0x86, "I"),  # total_elapsed_time (ms)
    (8, 0x86, "I"),  # total_timer_time (ms)
    (9, 0x86, "I"),  # total_distance (1/100 m)
    (5, 0x00, "B"),  # sport: running
    (6, 0x00, "B"),  # sub_sport: generic
]
_ACTIVITY_FIELDS = [(253, 0x86, "I"), (0, 0x86, "I"), (1, 0x84, "H"), (2, 0x00, "B")]


def _definition(local: int, global_num: int, fields: list[tuple[int, int, str]]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    for number, base, fmt in fields:
        out += struct.pack("<BBB", number, struct.calcsize(fmt), base)
    return out


def _data(local: int, fields: list[tuple[int, int, str]], values: list[int]) -> bytes:
    return struct.pack("<B" + "".join(f[2] for f in fields), local, *values)


def synthesize_fit(records: int = RECORDS) -> bytes:
    """A running activity, one record per second, ~3 m/s around a 2 km loop."""
    body = bytearray()
    body += _definition(0, 0, _FILE_ID_FIELDS)
    body += _data(0, _FILE_ID_FIELDS, [4, 1, 2697, 123456789, START])
    body += _definition(1, 20, _RECORD_FIELDS)
    lat0, lng0, radius = 46.05, 14.5, 2000 / (2 * math.pi)
    distance = 0.0
    for i in range(records):
        speed = 3.0 + 0.3 * math.sin(i / 60)
        distance += speed
        angle = distance / radius
        lat = lat0 + radius * math.sin(angle) / 111_195
        lng = lng0 + radius * (1 - math.cos(angle)) / (111_195 * math.cos(math.radians(lat0)))
        alt = 300 + 15 * math.sin(distance / 700)
        body += _data(
            1,
            _RECORD_FIELDS,
            [
                START + i,
                round(lat * 2**31 / 180),
                round(lng * 2**31 / 180),
                round(distance * 100),
                round((alt + 500) * 5),
                round(speed * 1000),
                round((alt + 500) * 5),
                round(speed * 1000),
                140 + i % 30,
                84 + i % 5,
                64,
                18,
            ],
        )
    end = START + records - 1
    body += _definition(2, 18, _SESSION_FIELDS)
    body += _data(
        2,
        _SESSION_FIELDS,
        [end, START, records * 1000, records * 1000, round(distance * 100), 1, 0],
    )
    body += _definition(3, 34, _ACTIVITY_FIELDS)
    body += _data(3, _ACTIVITY_FIELDS, [end, records * 1000, 1, 0])
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", compute_crc(header))
    content = header + bytes(body)
    return content + struct.pack("<H", compute_crc(content))


def bare_fitdecode(data: bytes) -> None:
    with fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.IGNORE,
    ) as reader:
        for _frame in reader:
            pass


def _median_seconds(work: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run() -> str:
    rows = []
    files = [("synthesized run, 1 Hz", synthesize_fit(), "big.fit")]
    files.append(("activity-small-fenix2-run.fit (real)", REAL_FILE.read_bytes(), REAL_FILE.name))
    for label, data, name in files:
        log(f"files: {label}, {len(data) / 1e6:.2f} MB")
        run_ = parse_activity(data, name)
        ours = _median_seconds(functools.partial(parse_activity, data, name))
        bare = _median_seconds(functools.partial(bare_fitdecode, data))
        rows.append(
            f"| {label} | {len(data) / 1e6:.2f} MB | {run_.distance_m / 1000:.1f} km | "
            f"{bare * 1000:.0f} ms | {ours * 1000:.0f} ms | {ours / bare:.2f} |"
        )
    return "\n".join(
        [
            "### File import (FIT)",
            "",
            f"Median of {REPEATS} runs, one process, one core.",
            "",
            "| file | size | distance | fitdecode, all frames | parse_activity | ratio |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(run())
