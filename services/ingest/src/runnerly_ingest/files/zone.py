"""The time zone of a file's run: where it started, checked against the clock it was
recorded on.

- The start position gives the zone (``tzfpy``: the time-zone boundaries, offline; at sea
  it gives the nautical zone, ``Etc/GMT+3`` for a band of 15° of longitude).
- The file's UTC offset (a FIT activity's local timestamp, GPX/TCX times written with a
  non-Z offset) confirms it. When they disagree on land, the place wins: a GPX or TCX is
  often written with the offset of the computer that exported it, and a watch's manual
  clock may be stale after travel. At sea the file's offset wins: a ship keeps its own
  clock, which its passengers' days follow.
- Without a position (a treadmill), the offset alone gives the zone only when exactly one
  zone has it at that instant (+05:45 is Kathmandu's alone); +01:00 could be Paris or
  Lagos, so the run gets no zone and the runner's own applies.
- A position of exactly 0°, 0° is a device's "no fix", not a run in the Gulf of Guinea.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime, timedelta

import tzfpy

_SEA = "Etc/"


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _land_zones() -> tuple[zoneinfo.ZoneInfo, ...]:
    names = sorted(n for n in tzfpy.timezonenames() if not n.startswith(_SEA) and n in _known())
    return tuple(zoneinfo.ZoneInfo(name) for name in names)


def time_zone(
    *, position: tuple[float, float] | None, offset: timedelta | None, at: datetime
) -> str | None:
    """The IANA name of the run's zone, or ``None`` when nothing tells it surely."""
    place = _zone_at(position) if position is not None else None
    if offset is None:
        return place
    if place is not None and zoneinfo.ZoneInfo(place).utcoffset(at) == offset:
        return place
    if place is not None and not place.startswith(_SEA):
        return place
    only = _only_zone_with(offset, at)
    if only is not None or place is None:
        return only
    return _nautical(offset) or place


def _zone_at(position: tuple[float, float]) -> str | None:
    lat, lng = position
    if lat == 0.0 and lng == 0.0:
        return None
    name = tzfpy.get_tz(lng, lat)
    return name if name in _known() else None


def _only_zone_with(offset: timedelta, at: datetime) -> str | None:
    matches = [zone.key for zone in _land_zones() if zone.utcoffset(at) == offset]
    return matches[0] if len(matches) == 1 else None


def _nautical(offset: timedelta) -> str | None:
    """The ``Etc`` zone of a whole-hour offset (POSIX signs: ``Etc/GMT+2`` is UTC-2)."""
    hours, rest = divmod(offset, timedelta(hours=1))
    if rest or not -12 <= hours <= 14:
        return None
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
