"""FIT files (Garmin and others), read with fitdecode.

Totals come from the ``session`` message when present, the device's own figures:
``total_distance``, ``total_elapsed_time``, ``total_timer_time`` (taken as the
moving time: the device stops its timer on pause/auto-pause), ``total_ascent``, the
heart-rate averages. FIT running cadence is per leg (strides per minute): it is
doubled, with ``fractional_cadence``, into steps per minute.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import fitdecode

from .errors import CorruptFile, Multisport
from .model import Recording, Sample
from .sports import plain, run_type

_SEMICIRCLE = 180.0 / 2**31


def _corrupt(reason: str) -> CorruptFile:
    return CorruptFile(f"This FIT file is truncated or corrupt: {reason}.")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _first(values: dict[str, Any], *names: str) -> float | None:
    for name in names:
        number = _number(values.get(name))
        if number is not None:
            return number
    return None


def _record(values: dict[str, Any], per_leg_cadence: bool) -> Sample | None:
    stamp = values.get("timestamp")
    if not isinstance(stamp, datetime):
        return None
    lat, lng = _number(values.get("position_lat")), _number(values.get("position_long"))
    cadence = _number(values.get("cadence"))
    if cadence is not None:
        cadence += _number(values.get("fractional_cadence")) or 0.0
        if per_leg_cadence:
            cadence *= 2
    return Sample(
        t=stamp.timestamp(),
        lat=lat * _SEMICIRCLE if lat is not None and lng is not None else None,
        lng=lng * _SEMICIRCLE if lat is not None and lng is not None else None,
        dist=_number(values.get("distance")),
        alt=_first(values, "enhanced_altitude", "altitude"),
        hr=_number(values.get("heart_rate")) or None,
        cad=cadence,
        speed=_first(values, "enhanced_speed", "speed"),
    )


def _decode(data: bytes) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Records' fields and the other messages' fields (by message name)."""
    records: list[dict[str, Any]] = []
    others: dict[str, list[dict[str, Any]]] = {}
    wanted = {"session", "sport", "file_id", "activity", "device_info"}
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.IGNORE,
        ) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                if frame.name == "record":
                    records.append({f.name: f.value for f in frame.fields})
                elif frame.name in wanted:
                    others.setdefault(frame.name, []).append(
                        {f.name: f.value for f in frame.fields}
                    )
    except fitdecode.FitEOFError as exc:
        raise _corrupt("it ends in the middle of a message") from exc
    except fitdecode.FitCRCError as exc:
        raise _corrupt("its checksum does not match its content") from exc
    except fitdecode.FitHeaderError as exc:
        raise _corrupt("its header is invalid") from exc
    except Exception as exc:  # any decoder failure on damaged input: refuse the file
        raise _corrupt("a message cannot be decoded") from exc
    return records, others


def _device(file_ids: list[dict[str, Any]]) -> str | None:
    for ids in file_ids:
        maker = ids.get("manufacturer")
        product = ids.get("garmin_product") or ids.get("product_name") or ids.get("product")
        words = [str(w).replace("_", " ") for w in (maker, product) if isinstance(w, str) and w]
        if words:
            words[0] = words[0][:1].upper() + words[0][1:]
            return " ".join(words)
    return None


def _sport_of(
    sessions: list[dict[str, Any]], sports: list[dict[str, Any]], records: list[dict[str, Any]]
) -> tuple[str | None, str | None]:
    for source in (sessions, sports):
        for msg in source:
            if msg.get("sport") is not None:
                sub = msg.get("sub_sport")
                return _name(msg["sport"]), _name(sub) if sub is not None else None
    kinds = {r.get("activity_type") for r in records} - {None}
    return (_name(kinds.pop()), None) if len(kinds) == 1 else (None, None)


def _name(value: Any) -> str:
    return value if isinstance(value, str) else f"sport #{value}"


def _title(
    sports: list[dict[str, Any]], sport: str | None, sub_sport: str | None
) -> str | None:
    """The name the watch's sport profile gives ("Parkrun", "Track 400s"), unless it only
    repeats the sport ("Run", "Trail Run"), which says nothing of this run."""
    plain_names = {"run", "running"} | {
        kind.replace("_", " ").lower() for kind in (sport, sub_sport) if kind
    }
    for msg in sports:
        name = msg.get("name")
        if isinstance(name, str) and name.strip() and name.strip().lower() not in plain_names:
            return name.strip()
    return None


def read_fit(data: bytes) -> Recording:
    records, others = _decode(data)
    sessions = others.get("session", [])
    sport, sub_sport = _sport_of(sessions, others.get("sport", []), records)
    session_sports = {_name(s["sport"]) for s in sessions if s.get("sport") is not None}
    if len(session_sports) > 1:
        kinds = ", ".join(sorted(plain(s) for s in session_sports))
        raise Multisport(kinds)
    if sport is not None and sport.startswith("sport #"):
        sport = None  # a code newer than fitdecode's profile: judge by speed
    sport_type = run_type(sport, sub_sport)  # raises NotARun for other sports
    # Walks' cadence is per leg too (the devices count it as a run's).
    per_leg = sport_type is not None or sport is None
    samples = [s for s in (_record(r, per_leg) for r in records) if s is not None]
    samples.sort(key=lambda s: s.t)

    rec = Recording(samples=samples, device=_device(others.get("file_id", [])))
    rec.name = _title(others.get("sport", []), sport, sub_sport)
    rec.sport_type = sport_type or ""  # "" -> inferred from speed by the caller
    if sessions:
        _apply_sessions(rec, sessions)
    for activity in others.get("activity", []):
        stamp, local = activity.get("timestamp"), activity.get("local_timestamp")
        if isinstance(stamp, datetime) and isinstance(local, datetime):
            offset = local - stamp
            if abs(offset) <= timedelta(hours=14):
                rec.local_offset = offset
    return rec


def _sum(sessions: list[dict[str, Any]], name: str) -> float | None:
    values = [_number(s.get(name)) for s in sessions]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _apply_sessions(rec: Recording, sessions: list[dict[str, Any]]) -> None:
    starts = [s["start_time"] for s in sessions if isinstance(s.get("start_time"), datetime)]
    rec.started_at = min(starts) if starts else None
    rec.distance_m = _sum(sessions, "total_distance")
    rec.elapsed_time_s = _sum(sessions, "total_elapsed_time")
    rec.moving_time_s = _sum(sessions, "total_timer_time")
    rec.elevation_gain_m = _sum(sessions, "total_ascent")
    if len(sessions) == 1:
        only = sessions[0]
        rec.average_hr = _number(only.get("avg_heart_rate"))
        rec.max_hr = _number(only.get("max_heart_rate"))
        cadence = _first(only, "avg_running_cadence", "avg_cadence")
        if cadence:
            cadence += _number(only.get("avg_fractional_cadence")) or 0.0
            rec.average_cadence = cadence * 2
