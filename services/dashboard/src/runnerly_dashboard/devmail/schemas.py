"""The development mailbox in the mailer's own shapes (``contract``, generated from its
contract), which the dashboard passes on whole."""

from __future__ import annotations

from runnerly_dashboard.devmail.contract import MailboxList, MailboxMessage

__all__ = ["MailMessage", "Mailbox"]

Mailbox = MailboxList
MailMessage = MailboxMessage
