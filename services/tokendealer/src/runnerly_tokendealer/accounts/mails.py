"""The mails this service asks the mailer to send: subject, text and HTML of each."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def confirmation(link: str, hours: int) -> Mail:
    return Mail(
        subject="Confirm your email address",
        text=(
            "Welcome to Runnerly!\n\n"
            f"Open this link to confirm your email address:\n{link}\n\n"
            f"The link works once, for {hours} hours. "
            "If you did not sign up, ignore this mail.\n"
        ),
        html=(
            "<p>Welcome to Runnerly!</p>"
            f'<p><a href="{escape(link)}">Confirm your email address</a></p>'
            f"<p>The link works once, for {hours} hours. "
            "If you did not sign up, ignore this mail.</p>"
        ),
    )


def already_registered(login_link: str, reset_link: str) -> Mail:
    return Mail(
        subject="You already have a Runnerly account",
        text=(
            "Someone (probably you) tried to sign up to Runnerly with this address, "
            "which already has an account.\n\n"
            f"Log in: {login_link}\n"
            f"Forgot your password? Reset it: {reset_link}\n\n"
            "If it was not you, ignore this mail: nothing has changed.\n"
        ),
        html=(
            "<p>Someone (probably you) tried to sign up to Runnerly with this address, "
            "which already has an account.</p>"
            f'<p><a href="{escape(login_link)}">Log in</a> or, if you forgot your password, '
            f'<a href="{escape(reset_link)}">reset it</a>.</p>'
            "<p>If it was not you, ignore this mail: nothing has changed.</p>"
        ),
    )


def password_reset(link: str, minutes: int) -> Mail:
    return Mail(
        subject="Reset your Runnerly password",
        text=(
            f"Open this link to choose a new password:\n{link}\n\n"
            f"The link works once, for {minutes} minutes. "
            "If you did not ask for it, ignore this mail: your password has not changed.\n"
        ),
        html=(
            f'<p><a href="{escape(link)}">Choose a new password</a></p>'
            f"<p>The link works once, for {minutes} minutes. "
            "If you did not ask for it, ignore this mail: your password has not changed.</p>"
        ),
    )
