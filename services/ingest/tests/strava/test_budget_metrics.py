"""Strava's rate-limit budget, as the operator's gauges: what is used of each limit, and the
limit, as Strava last reported them; a window or day that has turned has used nothing yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx2
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import limits
from runnerly_stravasim.clock import FakeClock

Headers = dict[str, str]
LIMITS = [("15m", "all"), ("day", "all"), ("15m", "read"), ("day", "read")]


def _gauges() -> dict[tuple[str, str], tuple[float | None, float | None]]:
    return {
        (window, scope): (
            REGISTRY.get_sample_value(
                "runnerly_strava_requests_used", {"window": window, "scope": scope}
            ),
            REGISTRY.get_sample_value(
                "runnerly_strava_requests_limit", {"window": window, "scope": scope}
            ),
        )
        for window, scope in LIMITS
    }


def test_the_budget_gauges_follow_the_requests_and_the_windows(
    runtime: Runtime, client: TestClient, simulator: TestClient, alice: Headers,
    link_strava: Callable[..., httpx2.Response], run_backfill: Callable[..., int],
    clock: FakeClock,
) -> None:
    settings = runtime.settings
    assert _gauges() == {
        ("15m", "all"): (0, settings.default_short_limit),
        ("day", "all"): (0, settings.default_daily_limit),
        ("15m", "read"): (0, settings.default_read_short_limit),
        ("day", "read"): (0, settings.default_read_daily_limit),
    }
    assert link_strava(alice).status_code == 200
    run_backfill()

    with runtime.database.sessions() as session:
        budget = limits.repository.budget(session)
        spent = (budget.short_usage, budget.daily_usage)
    used = _gauges()
    assert spent[0] > 0
    assert (used[("15m", "all")][0], used[("day", "all")][0]) == spent
    assert all(limit is not None and limit > 0 for _, limit in used.values())

    # The next quarter hour, the same day: the window's count starts afresh, the day's holds.
    now = datetime.fromtimestamp(clock.now(), UTC)
    turn = limits.next_window(now)
    if turn.date() == now.date():
        clock.set(turn.timestamp() + 1)
        assert _gauges()[("15m", "all")][0] == 0
        assert _gauges()[("day", "all")][0] == spent[1]
    clock.set(limits.next_day(now).timestamp() + 1)
    assert [value for value, _ in _gauges().values()] == [0, 0, 0, 0]
