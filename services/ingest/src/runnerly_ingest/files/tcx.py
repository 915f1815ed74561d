"""TCX (Garmin Training Center) activities, read from the safely parsed tree.

tcxreader only reads from a path and parses the XML again with the standard
library, so the tree ``container`` already parsed (once its XML passed the safety
read) is read here directly. Totals follow the laps: distance is the sum of the laps'
``DistanceMeters`` (else the last trackpoint's), moving time the sum of their
``TotalTimeSeconds`` (the device's timer time). ``RunCadence`` is per leg, as in
FIT: doubled into steps per minute.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree.ElementTree import Element

from .container import local_name
from .errors import NotARun, NoTimestamps
from .model import Recording, Sample, local_offset
from .sports import run_type


def _child(el: Element | None, *path: str) -> Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if local_name(c.tag) == name), None)
    return el


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if local_name(c.tag) == name]


def _text(el: Element | None, *path: str) -> str | None:
    found = _child(el, *path)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _number(el: Element | None, *path: str) -> float | None:
    text = _text(el, *path)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None


def _extension(el: Element, name: str) -> float | None:
    ext = _child(el, "Extensions")
    if ext is None:
        return None
    for node in ext.iter():
        if local_name(node.tag) == name and (node.text or "").strip():
            try:
                return float((node.text or "").strip())
            except ValueError:
                return None
    return None


def _sport(value: str | None) -> str:
    if value is None or value.strip() == "":
        return ""  # inferred from speed by the caller
    if value == "Other":
        raise NotARun(
            "other",
            'This TCX activity is recorded as sport "Other", not "Running": not a run.',
        )
    return run_type(value) or ""


def read_tcx(root: Element) -> Recording:
    activity = _child(root, "Activities", "Activity")
    if activity is None:
        if _child(root, "Courses") is not None:
            raise NoTimestamps("This TCX file is a course (a planned route), not an activity.")
        raise NoTimestamps("This TCX file holds no activity.")
    sport_type = _sport(activity.get("Sport"))

    samples: list[Sample] = []
    laps = _children(activity, "Lap")
    lap_distance = lap_time = 0.0
    has_lap_distance = has_lap_time = False
    seg = -1
    for lap in laps:
        distance, seconds = _number(lap, "DistanceMeters"), _number(lap, "TotalTimeSeconds")
        if distance is not None:
            lap_distance, has_lap_distance = lap_distance + distance, True
        if seconds is not None:
            lap_time, has_lap_time = lap_time + seconds, True
        for track in _children(lap, "Track"):
            seg += 1
            for point in _children(track, "Trackpoint"):
                stamp = _time(_text(point, "Time"))
                if stamp is None:
                    continue
                cadence = _extension(point, "RunCadence")
                cadence = cadence if cadence is not None else _number(point, "Cadence")
                samples.append(
                    Sample(
                        t=stamp.timestamp(),
                        lat=_number(point, "Position", "LatitudeDegrees"),
                        lng=_number(point, "Position", "LongitudeDegrees"),
                        dist=_number(point, "DistanceMeters"),
                        alt=_number(point, "AltitudeMeters"),
                        hr=_number(point, "HeartRateBpm", "Value"),
                        cad=cadence * 2 if cadence is not None else None,
                        speed=_extension(point, "Speed"),
                        seg=seg,
                    )
                )
    if len(samples) < 2:
        raise NoTimestamps()
    samples.sort(key=lambda s: s.t)

    notes = _text(activity, "Notes")
    started = _time(_text(activity, "Id"))
    stamped = started or _time(_text(_child(activity, "Lap", "Track", "Trackpoint"), "Time"))
    return Recording(
        samples=samples,
        sport_type=sport_type,
        name=notes[:200] if notes else None,
        device=_text(activity, "Creator", "Name"),
        started_at=started,
        local_offset=local_offset(stamped.utcoffset() if stamped else None),
        distance_m=lap_distance if has_lap_distance and lap_distance > 0 else None,
        moving_time_s=lap_time if has_lap_time and lap_time > 0 else None,
    )
