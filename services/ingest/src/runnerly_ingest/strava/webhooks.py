"""Webhook events and reconciliation: what Strava pushes, each verified against Strava on a
capped share of the budget of its own (folded into one catch-up listing once that share is
spent), and the periodic listing of what a lost event missed."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import structlog
from sqlalchemy.orm import Session

from runnerly_ingest.config import Settings
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import mapping, repository
from runnerly_ingest.strava.calls import (
    LinkGone,
    Paused,
    VerificationSpent,
    refused,
    revoked,
    with_token,
)
from runnerly_ingest.strava.client import (
    StravaError,
    StravaNotFound,
    StravaRevoked,
    StravaUnavailable,
)
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_ingest.strava.streams import forget_runs, runs_listed

log = structlog.get_logger()

EVENT_TASK = "ingest.strava.event"
# A catch-up of folded webhook events lists the activities started this far back (or since
# the last sync, if earlier): the ones an update or a change of sport most likely concerns.
CATCH_UP_LOOKBACK_DAYS = 7


def accept_event(session: Session, runtime: Runtime, event: WebhookEvent) -> bool:
    """Queue a push event for the worker; False (ignored) unless it names the subscription
    this app holds and a linked athlete (anyone can post to the webhook). An event for an
    object whose event still waits is folded into it: one verification for both. Answered
    at once, and 200 either way: Strava wants its answer within two seconds and retries
    anything else."""
    subscription = repository.budget(session).subscription_id
    if subscription is None or event.subscription_id != subscription:
        log.warning("strava.webhook.foreign", subscription_id=event.subscription_id,
                    current=subscription)
        return False
    link = repository.link_of_athlete(session, event.owner_id)
    if link is None:
        log.debug("strava.webhook.unknown_athlete", owner_id=event.owner_id)
        return False
    if repository.add_pending_event(
        session, link.id, event.object_type, event.object_id, runtime.now()
    ):
        runtime.outbox.send_task(session, EVENT_TASK, {"event": event.model_dump()})
    return True


def verify_subscription(settings: Settings, mode: str, verify_token: str) -> bool:
    expected = settings.webhook_verify_token.get_secret_value()
    return mode == "subscribe" and hmac.compare_digest(verify_token.encode(), expected.encode())


def handle_event(runtime: Runtime, event: WebhookEvent) -> None:
    """Reflect one push event, as Strava confirms it: a new, changed or deleted activity is
    fetched, then upserted if a run, deleted if gone (404) or no longer a run; a
    deauthorization forgets the athlete once Strava refuses their refresh token.

    The reads are the verification share's: once it is spent, the athlete's events are
    folded into one catch-up listing (``catch_up``), due when the share is back.

    Raises ``Paused`` (retry then) when Strava refuses for now.
    """
    now = runtime.now()
    with runtime.database.transaction() as session:
        link = repository.link_of_athlete(session, event.owner_id)
        link_id, runner_id = (link.id, link.runner_id) if link else (None, None)
        folded = link is not None and link.catch_up_at is not None and link.catch_up_at > now
        if link_id is not None:
            repository.take_pending_event(session, link_id, event.object_type, event.object_id)
    if link_id is None or runner_id is None:
        log.info("strava.webhook.unknown_athlete", owner_id=event.owner_id)
        return
    if folded:
        log.debug("strava.webhook.folded", link_id=link_id, object_id=event.object_id)
        return
    try:
        if event.object_type == "athlete":
            _athlete_event(runtime, link_id, event)
        else:
            _activity_event(runtime, link_id, runner_id, event)
    except VerificationSpent as spent:
        _fold(runtime, link_id, spent.until)
    except StravaRevoked as exc:
        revoked(runtime, link_id, exc)
    except LinkGone:
        return
    except (StravaError, StravaUnavailable) as exc:
        raise Paused(refused(runtime, link_id, exc)) from exc


def _athlete_event(runtime: Runtime, link_id: int, event: WebhookEvent) -> None:
    """A deauthorization is confirmed the one way a lost event would be: the token is
    refused, and so is its refresh (``StravaRevoked``). It can also be older than the link
    it finds (the runner unlinked, then linked the same athlete again): the new link's
    tokens work, and it stays."""
    if str(event.updates.get("authorized", "")).lower() != "false":
        return
    with_token(runtime, link_id, runtime.strava.athlete, verify=True)
    log.info("strava.webhook.stale_deauthorization", link_id=link_id)


def _fold(runtime: Runtime, link_id: int, until: datetime) -> None:
    """The verification share is spent: this event and the athlete's next ones until
    ``until`` wait for one catch-up listing, rather than a read each."""
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        if link.catch_up_at is None or link.catch_up_at < until:
            link.catch_up_at = until
    log.info("strava.webhook.folded_into_catch_up", link_id=link_id, at=until.isoformat())


def _activity_event(
    runtime: Runtime, link_id: int, runner_id: str, event: WebhookEvent
) -> None:
    activity_id = str(event.object_id)
    try:
        answer = with_token(
            runtime, link_id, lambda token: runtime.strava.activity(token, event.object_id),
            verify=True,
        )
    except StravaNotFound:
        forget_runs(runtime, link_id, runner_id, [activity_id])
        return
    activity = answer.data if isinstance(answer.data, dict) else {}
    if not mapping.is_run(activity):
        forget_runs(runtime, link_id, runner_id, [activity_id])
        return
    if event.aspect_type == "delete":
        # Strava still serves it as a run: the event was not Strava's, or is out of date.
        log.warning("strava.webhook.delete_not_confirmed", link_id=link_id,
                    activity_id=activity_id)
    run = mapping.to_run(runner_id, activity)
    outcomes = runtime.dataservice.upsert_runs([run])
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is not None:
            link.sync_after = max(link.sync_after or 0, mapping.start_epoch(activity))
            link.last_sync_at = runtime.now()
            runs_listed(session, runtime, link, [(run, activity)], outcomes)


def reconcile(runtime: Runtime, link_id: int, *, catch_up: bool = False) -> None:
    """List the activities started after the last sync (what a lost event missed).

    ``catch_up``: for the webhook events folded while the verification share was spent,
    also the last ``CATCH_UP_LOOKBACK_DAYS`` (what they may have changed), on that share;
    it is due again when the share is back if that share or Strava stops it.
    """
    settings = runtime.settings
    with runtime.database.transaction() as session:
        link = repository.link(session, link_id)
        if link is None:
            return
        if link.backfill_state != "done":
            if catch_up:
                link.catch_up_at = None  # the backfill still to come lists them all
            return
        # ``after`` is exclusive: from the newest start's second on, so an activity started
        # in that same second and not yet seen is listed too (the known one is re-sent,
        # an update).
        runner_id, after = link.runner_id, max(0, (link.sync_after or 0) - 1)
        due = link.catch_up_at
        if catch_up:
            lookback = runtime.now() - timedelta(days=CATCH_UP_LOOKBACK_DAYS)
            after = min(after, int(lookback.timestamp()))
    again: datetime | None = None
    try:
        page = 1
        while True:
            answer = with_token(
                runtime,
                link_id,
                lambda token, page=page: runtime.strava.activities(  # type: ignore[misc]
                    token, after=after, page=page, per_page=settings.page_size
                ),
                verify=catch_up,
            )
            activities = [a for a in answer.data if isinstance(a, dict)]
            listed = [(mapping.to_run(runner_id, a), a) for a in activities if mapping.is_run(a)]
            outcomes = (
                runtime.dataservice.upsert_runs([run for run, _ in listed]) if listed else []
            )
            if catch_up:
                # An update event may have been a change of sport: no longer a run.
                others = [str(a["id"]) for a in activities if not mapping.is_run(a)]
                if others:
                    forget_runs(runtime, link_id, runner_id, others)
            with runtime.database.transaction() as session:
                link = repository.link(session, link_id)
                if link is None:
                    return
                runs_listed(session, runtime, link, listed, outcomes)
                starts = [mapping.start_epoch(a) for a in activities]
                if starts:
                    link.sync_after = max(link.sync_after or 0, max(starts))
                link.last_sync_at = runtime.now()
            if len(activities) < settings.page_size:
                break
            page += 1
    except (Paused, VerificationSpent) as paused:
        log.info("strava.reconcile.paused", link_id=link_id, until=paused.until.isoformat())
        again = paused.until
    except StravaRevoked as exc:
        revoked(runtime, link_id, exc)
        return
    except LinkGone:
        return
    except (StravaError, StravaUnavailable) as exc:
        again = refused(runtime, link_id, exc)
    if catch_up:
        with runtime.database.transaction() as session:
            link = repository.link(session, link_id)
            if link is not None and again is not None:
                link.catch_up_at = max(again, link.catch_up_at or again)
            elif link is not None and link.catch_up_at == due:
                link.catch_up_at = None  # else events were folded meanwhile: due again
        if again is None:
            log.info("strava.webhook.caught_up", link_id=link_id)


def catch_up(runtime: Runtime, link_id: int) -> None:
    """One listing for the athlete's webhook events folded while the verification share
    was spent."""
    reconcile(runtime, link_id, catch_up=True)


def catch_ups_due(runtime: Runtime) -> list[int]:
    with runtime.database.transaction() as session:
        return list(repository.catch_ups_due(session, runtime.now()))


def refused_links_due(runtime: Runtime) -> list[int]:
    """Synced links to try again now that their refusal's next try has come (an
    athlete's, or the application's: then every synced link, the first answer clears
    it). Backfills resume through ``due_backfills``."""
    now = runtime.now()
    with runtime.database.transaction() as session:
        budget = repository.budget(session)
        if budget.refused_until is not None and budget.refused_until > now:
            return []
        app_due = budget.refused_reason is not None
        return list(repository.refused_synced_links(session, now, everyone=app_due))


def reconcile_targets(runtime: Runtime) -> list[int]:
    with runtime.database.transaction() as session:
        return list(repository.synced_links(session))


def ensure_subscription(runtime: Runtime) -> int | None:
    """Make sure Strava pushes events to our webhook (idempotent); the subscription id."""
    settings = runtime.settings
    if not settings.has_strava_credentials:
        log.info("strava.subscription.skipped", reason="no Strava credentials")
        return None
    with runtime.database.transaction() as session:
        known = repository.budget(session).subscription_id
    if known is not None:
        return known
    existing = runtime.strava.subscriptions().data
    subscription_id: int | None = None
    for item in existing if isinstance(existing, list) else []:
        if isinstance(item, dict) and item.get("callback_url") == settings.webhook_url:
            subscription_id = int(item["id"])
    if subscription_id is None and existing:
        log.warning("strava.subscription.other_callback", subscriptions=existing)
        return None
    if subscription_id is None:
        created = runtime.strava.subscribe(
            settings.webhook_url, settings.webhook_verify_token.get_secret_value()
        ).data
        subscription_id = int(created["id"])
    with runtime.database.transaction() as session:
        repository.locked_budget(session).subscription_id = subscription_id
    log.info("strava.subscription.ready", subscription_id=subscription_id,
             callback_url=settings.webhook_url)
    return subscription_id
