"""The name a run from a file gets: the file's own title, else its file name when that says
something a runner wrote, else the time of day it started ("Morning run")."""

from __future__ import annotations

import re
from datetime import datetime

from runnerly_kit.text import one_line

# The dataservice's bound on a run's name.
MAX_NAME = 200
# What devices, apps and exports put in file names on their own: with digits, dates and
# ids, they say nothing a runner would recognise.
_GENERIC_WORDS = frozenset(
    {
        "activity", "activities", "export", "exported", "file", "upload", "track", "route",
        "garmin", "connect", "strava", "polar", "suunto", "coros", "wahoo", "zwift",
        "run", "running", "workout", "gpx", "tcx", "fit", "gz", "log", "new", "untitled",
    }
)
_EXTENSIONS = re.compile(r"(\.(gz|gpx|tcx|fit|xml|zip))+$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[_\s.+-]+")
# A token of no words: digits, dates and times, or a hex id.
_NO_WORD = re.compile(r"^(\d+[a-z]?|[0-9a-f]{8,}|\d+[:h]\d+.*)$", re.IGNORECASE)


def run_name(title: str | None, filename: str, local_start: datetime) -> str:
    """One clean line of at most ``MAX_NAME`` characters, never empty."""
    own = _clean(title or "")
    if own:
        return own
    return from_file_name(filename) or time_of_day_name(local_start.hour)


def from_file_name(filename: str) -> str | None:
    """The file's name without its folder and extensions, separators made spaces, when it
    holds a word beyond what devices and exports write; else None."""
    base = re.split(r"[\\/]", filename)[-1]
    base = _EXTENSIONS.sub("", base)
    words = [word for word in _SEPARATORS.split(base) if word]
    meaningful = [
        word
        for word in words
        if word.lower() not in _GENERIC_WORDS
        and not _NO_WORD.match(word)
        and sum(character.isalpha() for character in word) >= 2
    ]
    if not meaningful:
        return None
    name = _clean(" ".join(words))
    return name[:1].upper() + name[1:] if name else None


def time_of_day_name(hour: int) -> str:
    if 5 <= hour < 11:
        return "Morning run"
    if 11 <= hour < 14:
        return "Lunch run"
    if 14 <= hour < 18:
        return "Afternoon run"
    if 18 <= hour < 22:
        return "Evening run"
    return "Night run"


def _clean(text: str) -> str:
    # A file's name (a TCX's notes, say) may span lines or hide controls: the dataservice
    # takes one clean line, and the run must not be lost for its name.
    return one_line(text)[:MAX_NAME].rstrip()
