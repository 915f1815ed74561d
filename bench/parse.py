"""parse: throughput of ``parse_activity`` (MB/s) on GPX, TCX and FIT, against the reference
parser alone in the same run.

Each file is a 2-hour run recorded at one point a second (7,200 points: position, altitude,
heart rate, cadence), as a watch writes it, synthesized here so every format holds the same
activity. References: gpxpy parsing the GPX (``gpxpy.parse``, what ``files/gpx.py`` builds
on), fitdecode reading every FIT frame (``files/fit.py``), and for TCX, which has no reader
library in the project, the XML parse alone (the standard library's C ElementTree, the
least any TCX reader does). ``--profile`` prints each format's cProfile of
``parse_activity`` (top functions by own time) to stderr.

``python -m bench parse`` prints the table.
"""

from __future__ import annotations

import cProfile
import functools
import io
import math
import pstats
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import gpxpy

from bench.common import log
from bench.files import bare_fitdecode, synthesize_fit
from runnerly_ingest.files import parse_activity

POINTS = 7_200
REPEATS = 5
START = datetime(2024, 5, 1, 6, 30, tzinfo=UTC)


def _track() -> list[tuple[datetime, float, float, float, int, int]]:
    """(time, lat, lon, altitude, heart rate, cadence) around a 2 km loop at ~3 m/s."""
    lat0, lng0, radius = 46.05, 14.5, 2000 / (2 * math.pi)
    points = []
    distance = 0.0
    for i in range(POINTS):
        distance += 3.0 + 0.3 * math.sin(i / 60)
        angle = distance / radius
        lat = lat0 + radius * math.sin(angle) / 111_195
        lng = lng0 + radius * (1 - math.cos(angle)) / (111_195 * math.cos(math.radians(lat0)))
        points.append((START + timedelta(seconds=i), lat, lng,
                       300 + 15 * math.sin(distance / 700), 140 + i % 30, 84 + i % 5))
    return points


def synthesize_gpx() -> bytes:
    rows = "".join(
        f'<trkpt lat="{lat:.7f}" lon="{lng:.7f}"><ele>{alt:.1f}</ele>'
        f"<time>{t.strftime('%Y-%m-%dT%H:%M:%SZ')}</time><extensions>"
        f"<gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr><gpxtpx:cad>{cad}</gpxtpx:cad>"
        "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        for t, lat, lng, alt, hr, cad in _track()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>Morning run</name><type>running</type><trkseg>\n{rows}</trkseg></trk></gpx>"
    ).encode()


def synthesize_tcx() -> bytes:
    track = _track()
    rows = []
    distance = 0.0
    previous = track[0]
    for point in track:
        t, lat, lng, alt, hr, cad = point
        distance += math.dist((previous[1] * 111_195, previous[2] * 77_000),
                              (lat * 111_195, lng * 77_000))
        previous = point
        rows.append(
            f"<Trackpoint><Time>{t.strftime('%Y-%m-%dT%H:%M:%SZ')}</Time><Position>"
            f"<LatitudeDegrees>{lat:.7f}</LatitudeDegrees><LongitudeDegrees>{lng:.7f}"
            f"</LongitudeDegrees></Position><AltitudeMeters>{alt:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{distance:.1f}</DistanceMeters><HeartRateBpm><Value>{hr}</Value>"
            f"</HeartRateBpm><Cadence>{cad}</Cadence></Trackpoint>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{START.strftime("%Y-%m-%dT%H:%M:%SZ")}</Id>'
        f'<Lap StartTime="{START.strftime("%Y-%m-%dT%H:%M:%SZ")}"><TotalTimeSeconds>{POINTS}'
        f"</TotalTimeSeconds><DistanceMeters>{distance:.1f}</DistanceMeters>"
        f"<Track>\n{''.join(rows)}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def _median_cpu_seconds(work: Callable[[], object], repeats: int = REPEATS) -> float:
    """The median CPU time of ``work``: on a shared machine the wall time says more about
    the neighbours than about the parser."""
    times = []
    for _ in range(repeats):
        began = time.process_time()
        work()
        times.append(time.process_time() - began)
    return statistics.median(times)


def _profile(label: str, work: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    log(f"parse: profile of {label}\n{out.getvalue()}")


def run(*, profile: bool = False) -> str:
    now = START + timedelta(days=30)
    formats: list[tuple[str, bytes, str, str, Callable[[bytes], object]]] = [
        ("GPX", synthesize_gpx(), "run.gpx", "gpxpy.parse",
         lambda data: gpxpy.parse(data.decode())),
        ("TCX", synthesize_tcx(), "run.tcx", "ElementTree.fromstring",
         ElementTree.fromstring),
        ("FIT", synthesize_fit(POINTS), "run.fit", "fitdecode, all frames", bare_fitdecode),
    ]
    rows = []
    for label, data, name, reference_name, reference in formats:
        megabytes = len(data) / 1e6
        log(f"parse: {label}, {megabytes:.2f} MB")
        ours = functools.partial(parse_activity, data, name, now=now)
        activity = ours()
        if profile:
            _profile(label, ours)
        ours_s = _median_cpu_seconds(ours)
        reference_s = _median_cpu_seconds(functools.partial(reference, data))
        rows.append(
            f"| {label} | {megabytes:.2f} MB | {activity.distance_m / 1000:.1f} km | "
            f"{reference_name}: {megabytes / reference_s:.1f} MB/s ({reference_s * 1000:.0f} ms) "
            f"| {megabytes / ours_s:.1f} MB/s ({ours_s * 1000:.0f} ms) | "
            f"{ours_s / reference_s:.2f} |"
        )
    return "\n".join(
        [
            "### Parse throughput",
            "",
            f"A 2-hour run at 1 Hz ({POINTS:,} points) in each format; the median CPU time of "
            f"{REPEATS} runs, one process (MB/s of CPU time).",
            "",
            "| format | size | distance | reference alone | parse_activity | time ratio |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(run(profile=True))
