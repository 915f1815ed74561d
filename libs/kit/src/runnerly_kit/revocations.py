"""Revocations: what every service remembers of runners whose tokens no longer count.

A row per runner (``sub``): deleted (the account is gone: every token of theirs is
refused, and nothing more is stored for them by any path), or a not-before instant (their
password changed or was reset: tokens issued before it are refused). Tokendealer writes
its rows as it deletes or resets; the dashboard, the public door, writes its own before it
answers; every other service writes them from the ``user.deleted`` and
``user.sessions_revoked`` events.

Writers that store something for a runner call :meth:`Revocations.admits` in their
transaction: those named by a service token (a batch of runs, a plan's match, a report, a
mail), and the runner's own writes (``require_user(..., writes=True)``, or
:meth:`Revocations.ensure_admitted` where the write has a transaction of its own), whose
token was checked before a deletion could commit. It takes a per-runner lock that the
deletion's own transaction takes exclusively, so a write either commits before the
deletion is recorded (and the service's forgetting, which runs after, removes it) or sees
the deletion and stores nothing.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Mapped, Session, mapped_column

from runnerly_kit.db import Database, UTCDateTime, is_sqlite
from runnerly_kit.errors import Unauthorized
from runnerly_kit.messages import EventHandlers, UserDeleted, UserSessionsRevoked

log = structlog.get_logger()


class RevocationMixin:
    """Add to a service's models as ``class Revocation(RevocationMixin, Base)``."""

    __tablename__ = "revocations"

    subject: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Seconds since the epoch: tokens whose ``iat`` is earlier are refused.
    not_before: Mapped[float | None] = mapped_column(sa.Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccountDeleted(Unauthorized):
    title = "Account deleted"


class TokenRevoked(Unauthorized):
    title = "Access token revoked"


def refusal(row: Any, issued_at: float) -> Unauthorized | None:
    """Why a token issued at ``issued_at`` for the row's runner is refused; None if it is not."""
    if row is None:
        return None
    if row.deleted:
        return AccountDeleted("This account has been deleted.")
    if row.not_before is not None and issued_at < row.not_before:
        return TokenRevoked(
            "This access token was issued before the password changed: log in again."
        )
    return None


class Revocations:
    """One service's revocation rows: read on every runner request, written by events."""

    def __init__(self, model: type[RevocationMixin], database: Database) -> None:
        self.model = model
        self.database = database
        table: sa.Table = model.__table__  # type: ignore[attr-defined]
        self._table = table
        # Compiled once: it runs on every runner request, a primary-key lookup.
        self._lookup = sa.select(table.c.deleted, table.c.not_before).where(
            table.c.subject == sa.bindparam("subject")
        )

    # --- the token check ------------------------------------------------------------------

    def check(self, subject: str, issued_at: float) -> None:
        """Raise ``Unauthorized`` when the runner's token issued at ``issued_at`` is revoked.

        No cache in front of it: a revocation must hold from the moment its row commits,
        and the lookup is one primary-key read on the service's own database.
        """
        row = self.database.read(
            lambda connection: connection.execute(self._lookup, {"subject": subject}).first()
        )
        refused = refusal(row, issued_at)
        if refused is not None:
            raise refused

    # --- writers --------------------------------------------------------------------------

    def admits(self, session: Session, subject: str) -> bool:
        """Whether something may still be stored for ``subject`` in this transaction.

        Holds the runner's lock until the transaction ends, so a deletion recorded
        concurrently waits for this write (and then forgets it) or is seen by it.
        """
        self._lock(session, subject, exclusive=False)
        row = session.execute(self._lookup, {"subject": subject}).first()
        return row is None or not row.deleted

    def ensure_admitted(self, session: Session, subject: str) -> None:
        """``admits``, for a write the runner asked for: refused (401) once they are gone."""
        if not self.admits(session, subject):
            raise AccountDeleted("This account has been deleted.")

    def admitted(self, session: Session, subjects: Iterable[str]) -> set[str]:
        """Those of ``subjects`` that something may still be stored for: ``admits`` for
        each, in two statements however many they are (a batch names many runners).

        Holds their locks until the transaction ends, as ``admits`` does.
        """
        wanted = sorted(set(subjects))
        if not wanted:
            return set()
        if is_sqlite(self.database.url):
            self._lock(session, wanted[0], exclusive=False)  # the one write lock covers all
        else:
            # One statement, the locks taken in a fixed order: two writers never deadlock.
            session.execute(
                sa.text(
                    "SELECT pg_advisory_xact_lock_shared(key) "
                    "FROM unnest(CAST(:keys AS bigint[])) AS key ORDER BY key"
                ),
                {"keys": sorted({_lock_key(subject) for subject in wanted})},
            )
        table = self._table
        deleted = session.scalars(
            sa.select(table.c.subject).where(table.c.subject.in_(wanted), table.c.deleted)
        )
        return set(wanted) - set(deleted)

    def record_deletion(self, session: Session, subject: str) -> None:
        """The runner's account is gone: refuse their tokens and every later write."""
        self._lock(session, subject, exclusive=True)
        self._upsert(session, subject, {"deleted": True})
        log.info("revocation.deleted", subject=subject)

    def record_not_before(self, session: Session, subject: str, not_before: float) -> None:
        """Refuse the runner's tokens issued before ``not_before`` (seconds since the epoch)."""
        row = session.get(self.model, subject, with_for_update=True)
        if row is not None and (row.deleted or (row.not_before or 0) >= not_before):
            return  # a later (or final) revocation already holds
        self._upsert(session, subject, {"not_before": not_before})
        log.info("revocation.not_before", subject=subject, not_before=not_before)

    def _upsert(self, session: Session, subject: str, values: dict[str, Any]) -> None:
        row = session.get(self.model, subject)
        now = datetime.now(UTC)
        if row is None:
            model: Any = self.model
            session.add(model(subject=subject, recorded_at=now, **{"deleted": False, **values}))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.recorded_at = now
        session.flush()

    def _lock(self, session: Session, subject: str, *, exclusive: bool) -> None:
        if is_sqlite(self.database.url):
            # SQLite has one writer at a time: taking the write lock now (a write that
            # changes nothing) orders this transaction wholly before or after a deletion's.
            session.execute(
                sa.update(self._table).where(sa.false()).values(subject=self._table.c.subject)
            )
            return
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        session.execute(sa.select(getattr(sa.func, function)(_lock_key(subject))))

    # --- the events -----------------------------------------------------------------------

    def event_handlers(
        self,
        handlers: EventHandlers,
        *,
        forget: Callable[[Session, list[str]], object] | None,
    ) -> EventHandlers:
        """``handlers`` with the revocation events in front: on ``user.deleted`` the row is
        recorded (and ``forget`` drops whatever else names the runner, such as outbox rows)
        in one transaction before the service's own handler forgets their data."""
        own_deleted = handlers.get(UserDeleted)

        def user_deleted(message: UserDeleted) -> None:
            names = [message.user_id, *([message.email] if message.email else [])]
            with self.database.transaction() as session:
                self.record_deletion(session, message.user_id)
                if forget is not None:
                    forget(session, names)
            if own_deleted is not None:
                own_deleted(message)

        def sessions_revoked(message: UserSessionsRevoked) -> None:
            with self.database.transaction() as session:
                self.record_not_before(session, message.user_id, message.not_before)

        return {**handlers, UserDeleted: user_deleted, UserSessionsRevoked: sessions_revoked}


def _lock_key(subject: str) -> int:
    # PostgreSQL's advisory locks take a bigint: a stable 32-bit hash of the subject (two
    # runners sharing a key only wait for each other).
    return zlib.crc32(subject.encode())


def not_before_now() -> float:
    """The not-before instant of a revocation made now, in milliseconds: tokens issued in
    the same second but after it (a login right after a reset) still count."""
    return math.floor(datetime.now(UTC).timestamp() * 1000) / 1000
