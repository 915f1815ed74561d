"""Limits counted in the database (so that they hold across replicas): how a refusal reads."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from runnerly_kit.errors import TooManyRequests


def refusal(reason: str, *, oldest: datetime, window: timedelta, now: datetime) -> TooManyRequests:
    """A 429 that says how long to wait: until the oldest counted event leaves the window."""
    wait = max(1, math.ceil((oldest + window - now).total_seconds()))
    minutes = max(1, math.ceil(wait / 60))
    return TooManyRequests(
        f"{reason} try again in {minutes} minute{'s' if minutes > 1 else ''}.",
        retry_after=wait,
    )
