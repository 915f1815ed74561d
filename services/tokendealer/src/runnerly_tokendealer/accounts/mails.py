"""The mails this service asks the mailer to send: subject, text and HTML of each, in the
language the browser asked in (catalogues in ``locales/``, English being the message ids)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from babel.support import NullTranslations

from runnerly_kit.i18n import translations

LOCALES = Path(__file__).resolve().parent.parent / "locales"


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def _catalogue(language: str | None) -> NullTranslations:
    return translations(LOCALES, language)


def confirmation(link: str, hours: int, language: str | None = None) -> Mail:
    t = _catalogue(language)
    welcome = t.gettext("Welcome to Runnerly!")
    lasts = t.ngettext(
        "The link works once, for %(num)d hour.",
        "The link works once, for %(num)d hours.",
        hours,
    ) % {"num": hours}
    ignore = t.gettext("If you did not sign up, ignore this mail.")
    return Mail(
        subject=t.gettext("Confirm your email address"),
        text=(
            f"{welcome}\n\n"
            f"{t.gettext('Open this link to confirm your email address:')}\n{link}\n\n"
            f"{lasts} {ignore}\n"
        ),
        html=(
            f"<p>{escape(welcome)}</p>"
            f'<p><a href="{escape(link)}">{escape(t.gettext("Confirm your email address"))}'
            "</a></p>"
            f"<p>{escape(lasts)} {escape(ignore)}</p>"
        ),
    )


def already_registered(login_link: str, reset_link: str, language: str | None = None) -> Mail:
    t = _catalogue(language)
    someone = t.gettext(
        "Someone (probably you) tried to sign up to Runnerly with this address, "
        "which already has an account."
    )
    ignore = t.gettext("If it was not you, ignore this mail: nothing has changed.")
    login, reset = t.gettext("Log in"), t.gettext("reset it")
    sentence = escape(t.gettext("%(login)s or, if you forgot your password, %(reset)s.")) % {
        "login": f'<a href="{escape(login_link)}">{escape(login)}</a>',
        "reset": f'<a href="{escape(reset_link)}">{escape(reset)}</a>',
    }
    return Mail(
        subject=t.gettext("You already have a Runnerly account"),
        text=(
            f"{someone}\n\n"
            f"{login}: {login_link}\n"
            f"{t.gettext('Forgot your password? Reset it:')} {reset_link}\n\n"
            f"{ignore}\n"
        ),
        html=(
            f"<p>{escape(someone)}</p>"
            f"<p>{sentence}</p>"
            + f"<p>{escape(ignore)}</p>"
        ),
    )


def password_reset(link: str, minutes: int, language: str | None = None) -> Mail:
    t = _catalogue(language)
    lasts = t.ngettext(
        "The link works once, for %(num)d minute.",
        "The link works once, for %(num)d minutes.",
        minutes,
    ) % {"num": minutes}
    ignore = t.gettext(
        "If you did not ask for it, ignore this mail: your password has not changed."
    )
    choose = t.gettext("Choose a new password")
    return Mail(
        subject=t.gettext("Reset your Runnerly password"),
        text=(
            f"{t.gettext('Open this link to choose a new password:')}\n{link}\n\n"
            f"{lasts} {ignore}\n"
        ),
        html=(
            f'<p><a href="{escape(link)}">{escape(choose)}</a></p>'
            f"<p>{escape(lasts)} {escape(ignore)}</p>"
        ),
    )
