"""Totals per week, month or year, cut in the runner's own time zone: a run belongs to the
day on the runner's clock, not to the UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from runnerly_dataservice.profiles import service as profiles
from runnerly_dataservice.stats import repository
from runnerly_dataservice.stats.schemas import Period, StatsBucket, StatsRead
from runnerly_kit.errors import InvalidInput

# How many buckets a default range shows (12 weeks, 12 months, 5 years).
DEFAULT_BUCKETS: dict[str, int] = {"week": 12, "month": 12, "year": 5}
# Bounds one answer's size and the rows read for it.
MAX_BUCKETS = 600


def bucket_start(day: date, period: Period) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_bucket(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def previous_buckets(start: date, period: Period, count: int) -> date:
    if period == "week":
        return start - timedelta(weeks=count)
    if period == "month":
        months = start.year * 12 + start.month - 1 - count
        return date(months // 12, months % 12 + 1, 1)
    return date(start.year - count, 1, 1)


def totals(
    session: Session,
    runner_id: str,
    period: Period,
    first_day: date | None,
    last_day: date | None,
    now: datetime | None = None,
) -> StatsRead:
    time_zone = profiles.time_zone(session, runner_id)
    zone = ZoneInfo(time_zone)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    last = bucket_start(last_day or today, period)
    first = (
        bucket_start(first_day, period)
        if first_day is not None
        else previous_buckets(last, period, DEFAULT_BUCKETS[period] - 1)
    )
    if first > last:
        raise InvalidInput("'from' must not be later than 'to'.")
    starts = [first]
    while (following := next_bucket(starts[-1], period)) <= last:
        starts.append(following)
        if len(starts) > MAX_BUCKETS:
            raise InvalidInput(
                f"The range spans more than {MAX_BUCKETS} {period}s; narrow it."
            )
    buckets = {start: StatsBucket(start=start, runs=0, distance_m=0.0, moving_time_s=0,
                                  elevation_gain_m=0.0) for start in starts}
    range_start = datetime.combine(first, time.min, zone)
    range_end = datetime.combine(next_bucket(last, period), time.min, zone)
    for started_at, distance_m, moving_time_s, elevation_gain_m in repository.run_totals_in(
        session, runner_id, range_start, range_end
    ):
        bucket = buckets[bucket_start(started_at.astimezone(zone).date(), period)]
        bucket.runs += 1
        bucket.distance_m += distance_m
        bucket.moving_time_s += moving_time_s
        bucket.elevation_gain_m += elevation_gain_m or 0.0
    return StatsRead(period=period, time_zone=time_zone, buckets=list(buckets.values()))
