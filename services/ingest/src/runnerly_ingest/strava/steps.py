"""A link's step under a lease (a backfill page, a few runs' streams): the shape both share.

The lease is taken in a short transaction, the step's work runs with none open (it owns its
own between Strava's answers), and what ends the step early is dealt with once here: a
pause or a refusal for now is recorded and returned, a confirmed revocation forgets the
link, and a crash releases the lease so the next step need not wait for it to lapse.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session

from runnerly_ingest.models import StravaLink
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import repository
from runnerly_ingest.strava.calls import LinkGone, Paused, refused, revoked
from runnerly_ingest.strava.client import StravaError, StravaRevoked, StravaUnavailable

log = structlog.get_logger()


class LeasedStep(ABC):
    """One step of ``name`` for a link. Subclasses say when the link is ready for it, how its
    lease is taken and released, what a pause records, and the work itself."""

    name = ""  # the log events' domain: strava.<name>.busy, strava.<name>.paused

    def __init__(self, runtime: Runtime, link_id: int, **details: Any) -> None:
        self.runtime = runtime
        self.link_id = link_id
        self.details = details  # logged with ``busy``

    @abstractmethod
    def ready(self, link: StravaLink) -> bool:
        ...

    @abstractmethod
    def take_lease(self, session: Session, now: datetime, until: datetime) -> bool:
        ...

    def busy(self, now: datetime) -> datetime | None:
        """When to try again if another worker holds the lease (by default: never, the
        holder goes on)."""
        return None

    @abstractmethod
    def work(self) -> None:
        ...

    @abstractmethod
    def release(self, link: StravaLink) -> None:
        ...

    def pause(self, link: StravaLink, until: datetime) -> None:
        self.release(link)

    def run(self) -> datetime | None:
        """Take the lease and do the work; the moment to continue when the rate budget is
        spent or Strava refuses for now (the caller schedules it)."""
        runtime, link_id = self.runtime, self.link_id
        now = runtime.now()
        with runtime.database.transaction() as session:
            link = repository.link(session, link_id)
            if link is None or not self.ready(link):
                return None
            until = now + timedelta(seconds=runtime.settings.lease_seconds)
            if not self.take_lease(session, now, until):
                log.info(f"strava.{self.name}.busy", link_id=link_id, **self.details)
                return self.busy(now)
        try:
            self.work()
            return None
        except Paused as paused:
            until = paused.until
        except StravaRevoked as exc:
            revoked(runtime, link_id, exc)
            return None
        except LinkGone:
            return None
        except (StravaError, StravaUnavailable) as exc:
            until = refused(runtime, link_id, exc)
        except BaseException:
            self._end(self.release)
            raise
        self._end(lambda link: self.pause(link, until))
        log.info(f"strava.{self.name}.paused", link_id=link_id, until=until.isoformat())
        return until

    def _end(self, change: Callable[[StravaLink], None]) -> None:
        with self.runtime.database.transaction() as session:
            link = repository.link(session, self.link_id)
            if link is not None:
                change(link)


def queued_step_lost_at(runtime: Runtime) -> datetime:
    """When a step queued now counts as lost if no worker has taken it: a lease's length
    from now. Until then beat's resume tick leaves the link alone; a step queued twice
    would give its athlete two turns in every round of the queue."""
    return runtime.now() + timedelta(seconds=runtime.settings.lease_seconds)
