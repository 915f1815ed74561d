"""Activity files (GPX, FIT, TCX, gzipped or not) into runs: pure parsing and figures.

``parse_activity(data, filename)`` is the entry point; every refusal is an
``ActivityFileError`` whose ``message`` is a sentence for the runner and whose ``reason``
is a stable code for its kind.
"""

from .errors import (
    ActivityFileError,
    CorruptFile,
    FileTooLarge,
    ImpossibleTimes,
    LooksLikeWalk,
    Multisport,
    NotARun,
    NoTimestamps,
    TooShort,
)
from .model import MAX_FILE_BYTES, ParsedActivity, Split
from .parse import parse_activity

__all__ = [
    "MAX_FILE_BYTES",
    "ActivityFileError",
    "CorruptFile",
    "FileTooLarge",
    "ImpossibleTimes",
    "LooksLikeWalk",
    "Multisport",
    "NoTimestamps",
    "NotARun",
    "ParsedActivity",
    "Split",
    "TooShort",
    "parse_activity",
]
