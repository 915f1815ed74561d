from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_dashboard.db import Model
from runnerly_kit.db import UTCDateTime
from runnerly_kit.revocations import RevocationMixin

__all__ = ["BrowserSession", "Model", "Revocation", "SignupTimeZone"]


class BrowserSession(Model):
    """A browser's login. The cookie value itself is never stored, only its SHA-256, so a
    leaked database does not hand out live sessions by cookie."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    cookie_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    access_token: Mapped[str] = mapped_column(sa.Text)
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_token: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""


class SignupTimeZone(Model):
    """The time zone a browser said at sign-up, until the account's first login sets it on
    the profile. Keyed by the SHA-256 of the lowercased address: no address is stored."""

    __tablename__ = "signup_time_zones"

    email_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
