"""Distances and paces in the reader's units, in the texts a plan keeps.

A workout's description and a plan's warnings are written once, when the plan is built, and
read in the units the runner uses when reading them (km or miles, changed at any time). So
the generator writes each distance and pace as a marker in SI units, and every copy that
leaves the service (the API's answer, the ``.ics``) is rendered in the reader's units:

- ``{d:3200}``: a distance, to a tenth of a km or mile;
- ``{d0:28000}``: a distance, to the whole km or mile;
- ``{race:21097.5}``: a race's distance (21.0975 km, 13.1 mi);
- ``{pace:267.4-262.1}`` or ``{pace:262.1}``: a pace, or a range slow to fast, in seconds
  per km.

A text stored before the markers was written in km, in the generator's few shapes
(``6.7 km``, ``28-32 km``, ``5:30-4:54/km``, ``4:45/km``): read in miles, those are
converted too.
"""

from __future__ import annotations

import re
from typing import Literal

Units = Literal["km", "mi"]

METRES_PER_MILE = 1609.344
_MARKER = re.compile(r"\{(d|d0|race|pace):([0-9.]+)(?:-([0-9.]+))?\}")
_LEGACY_PACE = re.compile(r"(\d+):(\d{2})(?:-(\d+):(\d{2}))?/km")
_LEGACY_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))? km\b")


def _unit_m(units: Units) -> float:
    return METRES_PER_MILE if units == "mi" else 1000.0


def distance(metres: float, units: Units, digits: int = 1) -> str:
    return f"{metres / _unit_m(units):.{digits}f} {units}"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _pace(slow_s_per_km: float, fast_s_per_km: float | None, units: Units) -> str:
    scale = _unit_m(units) / 1000
    text = _clock(slow_s_per_km * scale)
    if fast_s_per_km is not None:
        text += f"-{_clock(fast_s_per_km * scale)}"
    return f"{text}/{units}"


def _legacy(text: str, units: Units) -> str:
    """A text stored in km, before the markers, in ``units``."""
    if units == "km":
        return text

    def pace(match: re.Match[str]) -> str:
        slow = int(match.group(1)) * 60 + int(match.group(2))
        fast = int(match.group(3)) * 60 + int(match.group(4)) if match.group(3) else None
        return _pace(slow, fast, units)

    def length(match: re.Match[str]) -> str:
        # As many decimals as written, at most one (21.0975 km is 13.1 mi).
        digits = 1 if "." in match.group(0) else 0
        first = float(match.group(1)) * 1000 / _unit_m(units)
        if match.group(2) is None:
            return f"{first:.{digits}f} {units}"
        second = float(match.group(2)) * 1000 / _unit_m(units)
        return f"{first:.{digits}f}-{second:.{digits}f} {units}"

    return _LEGACY_DISTANCE.sub(length, _LEGACY_PACE.sub(pace, text))


def render(text: str, units: Units) -> str:
    """``text`` with its markers written out in ``units``."""
    if not _MARKER.search(text):
        return _legacy(text, units)

    def written(match: re.Match[str]) -> str:
        kind, value, second = match.group(1), float(match.group(2)), match.group(3)
        if kind == "d":
            return distance(value, units)
        if kind == "d0":
            return distance(value, units, 0)
        if kind == "race":
            # A race's distance as runners say it: 42.195 km, 26.2 mi.
            exact = value / 1000 if units == "km" else round(value / METRES_PER_MILE, 1)
            return f"{exact:g} {units}"
        return _pace(value, float(second) if second else None, units)

    return _MARKER.sub(written, text)


# The markers, as the generator writes them.


def d(metres: float) -> str:
    return f"{{d:{round(metres, 1):g}}}"


def d0(metres: float) -> str:
    return f"{{d0:{round(metres, 1):g}}}"


def race(metres: float) -> str:
    return f"{{race:{round(metres, 1):g}}}"


def pace(slow_s_per_km: float, fast_s_per_km: float | None = None) -> str:
    if fast_s_per_km is None:
        return f"{{pace:{round(slow_s_per_km, 1):g}}}"
    return f"{{pace:{round(slow_s_per_km, 1):g}-{round(fast_s_per_km, 1):g}}}"
