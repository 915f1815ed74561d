"""The local mailbox of the embedded default, so that a developer can follow confirmation
and reset links without a mail server."""

from __future__ import annotations

from runnerly_dashboard.config import Settings
from runnerly_dashboard.devmail.schemas import Mailbox
from runnerly_dashboard.peers import Peers, call, parse
from runnerly_kit.errors import NotFound


def read_mailbox(peers: Peers, settings: Settings, limit: int) -> Mailbox:
    if not settings.dev_mail_enabled:
        # Everyone's mail is in it: it exists only where the operator turned it on.
        raise NotFound("The development mailbox is not enabled.")
    response = call(peers.mailer, "GET", "/messages", params={"limit": limit})
    return parse(response, Mailbox, "mailer")
