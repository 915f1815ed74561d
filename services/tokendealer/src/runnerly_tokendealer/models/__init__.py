from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from runnerly_kit.db import UTCDateTime
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin
from runnerly_tokendealer.db import Model

__all__ = [
    "Account",
    "AccountRole",
    "AccountToken",
    "LoginFailure",
    "MailRequest",
    "Model",
    "OutboxMessage",
    "RefreshToken",
    "Revocation",
    "ServiceClient",
]


class Account(Model):
    """A runner's account. ``id`` is the ``sub`` of their tokens everywhere."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    role_grants: Mapped[list[AccountRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AccountRole.role"
    )

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def roles(self) -> list[str]:
        """Every account is a runner; other roles are granted by an operator."""
        return ["runner", *(grant.role for grant in self.role_grants)]


class AccountRole(Model):
    """A role granted to an account on top of "runner" (see ``accounts.roles``)."""

    __tablename__ = "account_roles"

    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccountToken(Model):
    """A single-use link token (email confirmation or password reset); only its hash is kept."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(16))  # "confirm" or "reset"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RefreshToken(Model):
    """One refresh token of a login's family; only its hash is kept.

    Each refresh uses one and makes the next; seeing a used one again means it leaked,
    so the whole family is revoked.
    """

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The client address of the login that opened the family: a client the account logged
    # in from is not held by the account-wide ceiling on failed logins.
    login_address: Mapped[str | None] = mapped_column(sa.String(64))


class LoginFailure(Model):
    """A failed login, counted per account and per client address.

    Kept in the database, not in memory, so that the limit holds across replicas.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "client:<email> <ip>", "account:<email>" or "address:<ip>"
    subject: Mapped[str] = mapped_column(sa.String(400), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class MailRequest(Model):
    """A request that mails an email address (sign-up, password reset), counted per email
    and per client address so that neither can be used to flood an inbox."""

    __tablename__ = "mail_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "signup:<email>", "reset:<email>" or "address:<ip>"
    subject: Mapped[str] = mapped_column(sa.String(400), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ServiceClient(Model):
    """A service allowed to get tokens with ``client_credentials``, from the settings."""

    __tablename__ = "service_clients"

    client_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(200))
    scopes: Mapped[str] = mapped_column(sa.String(1000))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
