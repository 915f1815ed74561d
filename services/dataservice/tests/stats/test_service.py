from __future__ import annotations

from datetime import date

import pytest

from runnerly_dataservice.stats.service import bucket_start, next_bucket, previous_buckets


@pytest.mark.parametrize(
    ("day", "period", "start"),
    [
        (date(2026, 3, 8), "week", date(2026, 3, 2)),
        (date(2026, 3, 9), "week", date(2026, 3, 9)),
        (date(2026, 12, 31), "month", date(2026, 12, 1)),
        (date(2026, 12, 31), "year", date(2026, 1, 1)),
    ],
)
def test_bucket_start(day: date, period: str, start: date) -> None:
    assert bucket_start(day, period) == start  # type: ignore[arg-type]


def test_buckets_step_across_year_ends() -> None:
    assert next_bucket(date(2026, 12, 1), "month") == date(2027, 1, 1)
    assert next_bucket(date(2026, 12, 28), "week") == date(2027, 1, 4)
    assert previous_buckets(date(2027, 2, 1), "month", 3) == date(2026, 11, 1)
    assert previous_buckets(date(2027, 1, 1), "year", 4) == date(2023, 1, 1)
