"""The local mailbox of the embedded default, so that a developer can follow confirmation
and reset links without a mail server."""

from __future__ import annotations

import structlog

from runnerly_dashboard.config import Settings
from runnerly_dashboard.devmail.schemas import Mailbox
from runnerly_dashboard.peers import Peers, call, parse

log = structlog.get_logger()


def read_mailbox(peers: Peers, limit: int) -> Mailbox:
    response = call(peers.mailer, "GET", "/messages", params={"limit": limit})
    return parse(response, Mailbox, "mailer")


def log_status(settings: Settings) -> None:
    """Say at start whether /api/dev/mail is served, so a developer who does not find it
    knows why (the mailer's own start-up line says where mail goes)."""
    reason = settings.dev_mail_off_reason
    fields = {} if reason is None else {"reason": reason}
    log.info("devmail.status", served=reason is None, public_url=settings.public_url, **fields)
