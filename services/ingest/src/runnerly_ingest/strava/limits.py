"""Strava's rate limits as one budget shared by every worker (a database row).

Strava counts requests per app in 15-minute windows that start on the quarter hour and per
UTC day, overall and for reads, and answers 429 past a limit. Before each request a worker
reserves it in the budget, under the row's lock; when the request would pass a limit it is
not sent and the caller waits for the window's reset. After each answer the usage Strava
reports (``X-RateLimit-Usage``/``X-ReadRateLimit-Usage``) is written back, so requests made
by other processes, or before a restart, are counted too.

Refusals pause the same way: when Strava refuses the application (suspended, failing, not
answering) the row records why and since when, and no request is sent before the next try;
when it refuses one athlete (a permission missing) their link records it. The next try
waits as long as the refusal has lasted (bounded), and the first answer clears it.

Verifying webhook events (anyone can post one) spends reads of its own: at most
``verify_share`` of each window's and of the day's read limit, counted apart on the same
row, so a flood of events leaves the rest to the backfills and reconciliations.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from runnerly_ingest.config import Settings
from runnerly_ingest.models import RateBudget, StravaLink
from runnerly_ingest.strava import repository
from runnerly_ingest.strava.client import RateUsage

WINDOW_SECONDS = 15 * 60


def window_start(now: datetime) -> int:
    epoch = int(now.timestamp())
    return epoch - epoch % WINDOW_SECONDS


def next_window(now: datetime) -> datetime:
    return datetime.fromtimestamp(window_start(now) + WINDOW_SECONDS, UTC)


def next_day(now: datetime) -> datetime:
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=1)


def _day(now: datetime) -> str:
    return now.astimezone(UTC).date().isoformat()


def _roll(budget: RateBudget, now: datetime) -> None:
    """Start afresh when a window or the day has turned since the usage was counted."""
    if budget.window_start != window_start(now):
        budget.window_start = window_start(now)
        budget.short_usage = 0
        budget.read_short_usage = 0
        budget.verify_short_usage = 0
    if budget.day != _day(now):
        budget.day = _day(now)
        budget.daily_usage = 0
        budget.read_daily_usage = 0
        budget.verify_daily_usage = 0


def reserve(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    read: bool = True,
    link: StravaLink | None = None,
    verify: bool = False,
) -> datetime | None:
    """Count one request in the budget, or give the moment its window resets (nothing
    counted) if it would pass a limit. ``link`` is the athlete it is made for (fairness);
    ``verify``: it verifies webhook events, within the verification share."""
    budget = repository.locked_budget(session)
    _roll(budget, now)
    if budget.limited_until is not None and budget.limited_until > now:
        return budget.limited_until
    held = refused_until(session, now, link)
    if held is not None:
        return held
    if verify:
        spent = _verification_spent(budget, settings, now)
        if spent is not None:
            return spent
    headroom = settings.rate_headroom

    def full(usage: int, limit: int) -> bool:
        # A limit last reported as 0 still lets one request through per window: it is the
        # only way to learn that it was raised again.
        return usage + 1 > max(1, limit - headroom)

    short_full = full(budget.short_usage, budget.short_limit) or (
        read and full(budget.read_short_usage, budget.read_short_limit)
    )
    daily_full = full(budget.daily_usage, budget.daily_limit) or (
        read and full(budget.read_daily_usage, budget.read_daily_limit)
    )
    if daily_full:
        return next_day(now)
    if short_full:
        return next_window(now)
    budget.short_usage += 1
    budget.daily_usage += 1
    if read:
        budget.read_short_usage += 1
        budget.read_daily_usage += 1
    if verify:
        budget.verify_short_usage += 1
        budget.verify_daily_usage += 1
    elif link is not None:
        # Only the sync counts towards an athlete's fair share: events anyone may post
        # about them must not make their backfill wait.
        if link.requests_day != _day(now):
            link.requests_day = _day(now)
            link.requests_today = 0
        link.requests_today += 1
    return None


def _verification_spent(
    budget: RateBudget, settings: Settings, now: datetime
) -> datetime | None:
    """When the verification share is back, if this window's or the day's is spent."""

    def cap(limit: int) -> int:
        return max(1, int(limit * settings.verify_share))

    if budget.verify_daily_usage + 1 > cap(budget.read_daily_limit):
        return next_day(now)
    if budget.verify_short_usage + 1 > cap(budget.read_short_limit):
        return next_window(now)
    return None


def refused_until(session: Session, now: datetime, link: StravaLink | None) -> datetime | None:
    """While Strava refuses the application, or this athlete: the next try."""
    budget = repository.budget(session)
    if budget.refused_until is not None and budget.refused_until > now:
        return budget.refused_until
    if link is not None and link.refused_until is not None and link.refused_until > now:
        return link.refused_until
    return None


def over_fair_share(session: Session, settings: Settings, link: StravaLink, now: datetime) -> bool:
    """Whether this athlete has used its share of the day's read budget while another
    athlete's backfill waits: then it waits for tomorrow and the others go first."""
    if link.requests_day != _day(now):
        return False
    budget = repository.budget(session)
    if link.requests_today < settings.athlete_daily_share * budget.read_daily_limit:
        return False
    return repository.others_waiting(session, link.id)


def record(session: Session, usage: RateUsage | None, now: datetime) -> None:
    """Keep what Strava reported: its limits, and usage never below what was counted."""
    if usage is None:
        return
    budget = repository.locked_budget(session)
    _roll(budget, now)
    budget.short_limit, budget.daily_limit = usage.short_limit, usage.daily_limit
    budget.short_usage = max(budget.short_usage, usage.short_usage)
    budget.daily_usage = max(budget.daily_usage, usage.daily_usage)
    if usage.read_short_limit is not None and usage.read_daily_limit is not None:
        budget.read_short_limit = usage.read_short_limit
        budget.read_daily_limit = usage.read_daily_limit
    if usage.read_short_usage is not None:
        budget.read_short_usage = max(budget.read_short_usage, usage.read_short_usage)
    if usage.read_daily_usage is not None:
        budget.read_daily_usage = max(budget.read_daily_usage, usage.read_daily_usage)


def limited(session: Session, usage: RateUsage | None, now: datetime) -> datetime:
    """A 429 came back: nothing more until the window (or the day) resets."""
    record(session, usage, now)
    budget = repository.locked_budget(session)
    daily = usage is not None and (
        usage.daily_usage >= usage.daily_limit
        or (
            usage.read_daily_usage is not None
            and usage.read_daily_limit is not None
            and usage.read_daily_usage >= usage.read_daily_limit
        )
    )
    budget.limited_until = next_day(now) if daily else next_window(now)
    return budget.limited_until


def limited_until(session: Session, now: datetime) -> datetime | None:
    budget = repository.budget(session)
    if budget.limited_until is not None and budget.limited_until > now:
        return budget.limited_until
    return None


def refused(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    reason: str,
    detail: str,
    link: StravaLink | None = None,
) -> datetime:
    """Strava refused: the application (``link`` None) or this athlete. Record why and
    since when; give the next try, as far off as the refusal has lasted (bounded)."""
    holder: RateBudget | StravaLink = link if link is not None else repository.locked_budget(
        session)
    since = holder.refused_since if holder.refused_reason and holder.refused_since else now
    wait = min(
        max((now - since).total_seconds(), settings.refusal_backoff_seconds),
        settings.refusal_backoff_max_seconds,
    )
    holder.refused_reason, holder.refused_detail = reason, detail[:300]
    holder.refused_since, holder.refused_until = since, now + timedelta(seconds=wait)
    return holder.refused_until


def answered(session: Session, link: StravaLink | None) -> bool:
    """Strava answered: whatever refusal was recorded (the app's, this athlete's) is over.
    Whether one was."""
    was = False
    if repository.budget(session).refused_reason is not None:
        _clear(repository.locked_budget(session))
        was = True
    if link is not None and link.refused_reason is not None:
        _clear(link)
        was = True
    return was


def _clear(holder: RateBudget | StravaLink) -> None:
    holder.refused_reason = holder.refused_detail = None
    holder.refused_since = holder.refused_until = None


def usage(budget: RateBudget, now: datetime) -> list[tuple[str, str, int, int]]:
    """Each of Strava's limits at ``now`` as (window, scope, used, limit): a window or day
    that has turned since the usage was counted has used nothing yet."""
    short = budget.window_start == window_start(now)
    today = budget.day == _day(now)
    return [
        ("15m", "all", budget.short_usage if short else 0, budget.short_limit),
        ("day", "all", budget.daily_usage if today else 0, budget.daily_limit),
        ("15m", "read", budget.read_short_usage if short else 0, budget.read_short_limit),
        ("day", "read", budget.read_daily_usage if today else 0, budget.read_daily_limit),
    ]


def app_refusal(session: Session) -> RateBudget | None:
    """The budget row while Strava refuses the application, else None."""
    budget = repository.budget(session)
    return budget if budget.refused_reason is not None else None
