"""GPX tracks, read with gpxpy (after the safe XML check in ``container``).

Figures follow gpxpy so they agree with it: distance is ``length_2d()`` (2-D: see
``compute``), moving time ``get_moving_data().moving_time`` and elevation gain
``get_uphill_downhill().uphill``, all over the kept segments. Kept: segments of
at least two points whose points have times; points without a time are dropped
when they are few (< 10 % of the segment), else the whole segment is (a saved copy
of a track, stripped of its times, as older Garmins write next to the log).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import gpxpy
import gpxpy.gpx

from .container import local_name, xml_text
from .errors import CorruptFile, NoTimestamps
from .model import Recording, Sample, local_offset
from .plausible import ALTITUDE_M, within
from .sports import run_type

_UNTIMED_TOLERANCE = 0.10
# Names devices give on their own: not worth keeping as the run's name.
_AUTOMATIC_NAME = re.compile(
    r"^(ACTIVE LOG( #\d+)?|\d{4}-\d{2}-\d{2}([T ][\d:.]+)?Z?|\d{2}-[A-Z]{3}-\d{2}( #\d+)?)$"
)


def _timed(points: list[gpxpy.gpx.GPXTrackPoint]) -> list[gpxpy.gpx.GPXTrackPoint]:
    timed = [p for p in points if p.time is not None]
    if len(timed) < 2 or len(points) - len(timed) > _UNTIMED_TOLERANCE * len(points):
        return []
    # gpxpy's figures are worked out from these: an impossible position or altitude (nan,
    # latitude 91, 1e308 m) would make them fail or absurd, so it goes first.
    kept = [
        p
        for p in timed
        if within(p.latitude, (-90.0, 90.0)) is not None
        and within(p.longitude, (-180.0, 180.0)) is not None
    ]
    for p in kept:
        p.elevation = within(p.elevation, ALTITUDE_M)
    return kept if len(kept) >= 2 else []


def _extension_values(point: gpxpy.gpx.GPXTrackPoint) -> tuple[float | None, float | None]:
    """Heart rate and cadence from Garmin's TrackPointExtension (or bare hr/cad elements).

    GPX cadence (Garmin, Strava) is per leg, like FIT's: doubled into steps per minute.
    """
    hr = cad = None
    stack: list[Element] = list(point.extensions)
    while stack:
        el = stack.pop()
        name = local_name(el.tag).lower() if isinstance(el.tag, str) else ""
        text = (el.text or "").strip()
        if name in {"hr", "heartrate"} and text:
            hr = _float(text)
        elif name in {"cad", "cadence", "runcadence"} and text:
            value = _float(text)
            cad = value * 2 if value is not None else None
        stack.extend(list(el))
    return hr, cad


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _name(gpx: gpxpy.gpx.GPX, tracks: list[gpxpy.gpx.GPXTrack]) -> str | None:
    for candidate in [gpx.name, *(t.name for t in tracks)]:
        name = (candidate or "").strip()
        if name and not _AUTOMATIC_NAME.match(name):
            return name[:200]
    return None


def read_gpx(data: bytes) -> Recording:
    try:
        gpx = gpxpy.parse(xml_text(data))
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise CorruptFile(f"This GPX file cannot be read: {exc}.") from exc

    kept = gpxpy.gpx.GPX()
    kept_track = gpxpy.gpx.GPXTrack()
    kept.tracks.append(kept_track)
    source_tracks: list[gpxpy.gpx.GPXTrack] = []
    samples: list[Sample] = []
    had_points = False
    for track in gpx.tracks:
        for segment in track.segments:
            had_points = had_points or bool(segment.points)
            points = _timed(segment.points)
            if not points:
                continue
            seg = len(kept_track.segments)
            kept_track.segments.append(gpxpy.gpx.GPXTrackSegment(points=points))
            if track not in source_tracks:
                source_tracks.append(track)
            dist = 0.0
            for i, p in enumerate(points):
                if i:
                    dist += p.distance_2d(points[i - 1]) or 0.0
                hr, cad = _extension_values(p)
                assert p.time is not None
                samples.append(  # dist: within the segment here; made cumulative below
                    Sample(
                        t=p.time.timestamp(),
                        lat=p.latitude,
                        lng=p.longitude,
                        dist=dist,
                        alt=p.elevation,
                        hr=hr,
                        cad=cad,
                        seg=seg,
                    )
                )

    if not samples:
        if had_points:
            raise NoTimestamps()
        if gpx.routes:
            raise NoTimestamps("This is a planned route, not a recorded activity: it has no times.")
        raise NoTimestamps("This GPX file has no track, only waypoints: not a recorded activity.")

    # cumulative over segments, not bridging the gaps between them (as length_2d)
    offset, last_seg, last_dist = 0.0, 0, 0.0
    for s in samples:
        if s.seg != last_seg:
            offset += last_dist
            last_seg = s.seg
        last_dist = s.dist or 0.0
        s.dist = offset + last_dist

    sport = next((t.type for t in source_tracks if t.type), None)
    first_time = kept_track.segments[0].points[0].time
    rec = Recording(
        samples=samples,
        sport_type=run_type(sport) or "",  # "" -> inferred from speed by the caller
        name=_name(gpx, source_tracks),
        device=(gpx.creator or "").strip()[:100] or None,
        local_offset=local_offset(first_time.utcoffset() if first_time else None),
        from_positions=True,
        distance_m=kept.length_2d(),
        moving_time_s=kept.get_moving_data().moving_time,
        elevation_gain_m=(
            kept.get_uphill_downhill().uphill if any(s.alt is not None for s in samples) else None
        ),
    )
    return rec
