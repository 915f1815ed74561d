"""Why a file is refused, in a sentence the runner can read."""

from __future__ import annotations


class ActivityFileError(Exception):
    """A file that cannot become a run. ``message`` is written for the runner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotARun(ActivityFileError):
    """A recorded activity of another sport; ``sport`` names it in plain words."""

    def __init__(self, sport: str, message: str | None = None) -> None:
        super().__init__(message or f"This is a {sport} activity, not a run.")
        self.sport = sport


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
