"""Why a file is refused: in a sentence the runner can read (in English), and as a
stable code (``reason``) that any other language words for itself."""

from __future__ import annotations

import re
from typing import ClassVar

# The most a sport's key may be (the column it is stored in).
SPORT_KEY_LENGTH = 64


def to_sport_key(sport: str) -> str:
    """A sport in plain words as a stable key: ``"stand-up paddleboarding"`` ->
    ``"stand_up_paddleboarding"``, ``"e-bike"`` -> ``"e_bike"``."""
    key = re.sub(r"[^a-z0-9]+", "_", sport.strip().lower()).strip("_")
    return key[:SPORT_KEY_LENGTH] or "other"


class ActivityFileError(Exception):
    """A file that cannot become a run. ``message`` is written for the runner (in
    English); ``reason``, a stable code, names the kind of refusal: one for each subclass,
    kept as it is once used (stored outcomes and clients read it). Only ``looks_like_walk``
    may be overridden by the runner. ``sport_key`` is the sport a refusal names
    (``to_sport_key`` of its plain words), ``None`` when it names none."""

    reason: ClassVar[str | None] = None
    sport_key: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotARun(ActivityFileError):
    """A recorded activity of another sport; ``sport`` names it in plain words."""

    reason = "not_a_run"

    def __init__(self, sport: str, message: str | None = None) -> None:
        super().__init__(message or f"This is a {sport} activity, not a run.")
        self.sport = sport
        self.sport_key = to_sport_key(sport)


class Multisport(NotARun):
    """A FIT file of several sports' sessions (a triathlon, a duathlon): not a run alone.
    ``kinds`` are its sports in plain words."""

    reason = "multisport"

    def __init__(self, kinds: str) -> None:
        super().__init__("multisport", f"This is a multisport activity ({kinds}), not a run.")


# The sport a walk's refusal names: "walk" and "hike" as the sport catalogue names them.
_GAITS = {"walk": "walking", "hike": "hiking"}


class LooksLikeWalk(NotARun):
    """A walk or a hike, declared or told by its pace: imported as a run only when the
    runner says it was one."""

    reason = "looks_like_walk"

    def __init__(self, kind: str, why: str) -> None:
        super().__init__(
            kind, f"This looks like a {kind}: {why}. If it was a run, import it as a run."
        )
        self.sport_key = _GAITS.get(kind, self.sport_key)


class CorruptFile(ActivityFileError):
    """Not a GPX, FIT or TCX file, or one that is truncated, damaged or unsafe to read."""

    reason = "corrupt"


class NoTimestamps(ActivityFileError):
    """A track without times (or a route): a plan, not a recorded activity."""

    reason = "no_timestamps"

    def __init__(
        self, message: str = "No times: not a recorded activity (a planned route?)."
    ) -> None:
        super().__init__(message)


class FileTooLarge(ActivityFileError):
    """Larger than ``MAX_FILE_BYTES``, before or after decompression."""

    reason = "too_large"


class ImpossibleTimes(ActivityFileError):
    """Times that cannot be true: before GPS watches, in the future, or no time passing."""

    reason = "impossible_times"


class TooShort(ActivityFileError):
    """Under 100 m or 60 s: a watch started by mistake, not a run."""

    reason = "too_short"
