"""Strava's rate limits: per application, 15-minute windows on the quarter hour, days at
midnight UTC; reads (GET) have their own, lower limits and count towards both."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from runnerly_stravasim.clock import Clock

QUARTER = 900
DAY = 86_400


@dataclass
class Limits:
    overall_15min: int
    overall_daily: int
    read_15min: int
    read_daily: int


@dataclass
class Usage:
    quarter_start: int = 0
    day_start: int = 0
    overall_15min: int = 0
    overall_daily: int = 0
    read_15min: int = 0
    read_daily: int = 0


class RateLimiter:
    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._usage: dict[str, Usage] = {}
        self._lock = threading.Lock()

    def _current(self, app: str) -> Usage:
        now = int(self.clock.now())
        quarter, day = now - now % QUARTER, now - now % DAY
        usage = self._usage.setdefault(app, Usage(quarter, day))
        if usage.day_start != day:
            usage.day_start, usage.overall_daily, usage.read_daily = day, 0, 0
        if usage.quarter_start != quarter:
            usage.quarter_start, usage.overall_15min, usage.read_15min = quarter, 0, 0
        return usage

    def hit(self, app: str, read: bool) -> tuple[bool, dict[str, str]]:
        """Count a request (a refused one counts too); say whether it may proceed."""
        with self._lock:
            usage = self._current(app)
            usage.overall_15min += 1
            usage.overall_daily += 1
            if read:
                usage.read_15min += 1
                usage.read_daily += 1
            limits = self.limits
            allowed = (
                usage.overall_15min <= limits.overall_15min
                and usage.overall_daily <= limits.overall_daily
            )
            if read:
                allowed = allowed and (
                    usage.read_15min <= limits.read_15min and usage.read_daily <= limits.read_daily
                )
            return allowed, self._headers(usage)

    def headers(self, app: str) -> dict[str, str]:
        with self._lock:
            return self._headers(self._current(app))

    def _headers(self, usage: Usage) -> dict[str, str]:
        limits = self.limits
        return {
            "X-RateLimit-Limit": f"{limits.overall_15min},{limits.overall_daily}",
            "X-RateLimit-Usage": f"{usage.overall_15min},{usage.overall_daily}",
            "X-ReadRateLimit-Limit": f"{limits.read_15min},{limits.read_daily}",
            "X-ReadRateLimit-Usage": f"{usage.read_15min},{usage.read_daily}",
        }

    def usage(self, app: str) -> Usage:
        with self._lock:
            return Usage(**vars(self._current(app)))

    def reset(self) -> None:
        with self._lock:
            self._usage.clear()
