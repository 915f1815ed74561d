"""Why a file is refused, in a sentence the runner can read."""

from __future__ import annotations


class ActivityFileError(Exception):
    """A file that cannot become a run. ``message`` is written for the runner; ``reason``,
    a stable code, names the refusals the runner may override."""

    reason: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotARun(ActivityFileError):
    """A recorded activity of another sport; ``sport`` names it in plain words."""

    def __init__(self, sport: str, message: str | None = None) -> None:
        super().__init__(message or f"This is a {sport} activity, not a run.")
        self.sport = sport


class LooksLikeWalk(NotARun):
    """A walk or a hike, declared or told by its pace: imported as a run only when the
    runner says it was one."""

    reason = "looks_like_walk"

    def __init__(self, kind: str, why: str) -> None:
        super().__init__(
            kind, f"This looks like a {kind}: {why}. If it was a run, import it as a run."
        )


class CorruptFile(ActivityFileError):
    """Not a GPX, FIT or TCX file, or one that is truncated, damaged or unsafe to read."""


class NoTimestamps(ActivityFileError):
    """A track without times (or a route): a plan, not a recorded activity."""

    def __init__(
        self, message: str = "No times: not a recorded activity (a planned route?)."
    ) -> None:
        super().__init__(message)


class FileTooLarge(ActivityFileError):
    """Larger than ``MAX_FILE_BYTES``, before or after decompression."""


class ImpossibleTimes(ActivityFileError):
    """Times that cannot be true: before GPS watches, in the future, or no time passing."""


class TooShort(ActivityFileError):
    """Under 100 m or 60 s: a watch started by mistake, not a run."""
