"""The pages a runner sees after following the unsubscribe link of a report mail: first a
confirmation with one button, then the outcome.

Opening the link changes nothing: mail scanners and link previews open every link in a mail,
and would otherwise unsubscribe the runner unasked. The button posts the same signed link.

The link is opened from a mail program, logged out, often on a phone: the page stands on its
own (no script), in the web app's look. The dashboard's Content-Security-Policy refuses
inline styles, so the page links the web app's own stylesheet, which ``index.html`` names
(its file name changes with each build); without a built app it is plain, readable HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from runnerly_dashboard.config import Settings

_STYLESHEET = re.compile(r"""<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref=["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    paragraphs: tuple[str, ...]
    link_label: str
    link_href: str
    # A form posting to this address, with one button, before the link.
    form_action: str | None = None
    form_label: str = ""


def confirm(action: str) -> Page:
    """The page the mailed link opens: what unsubscribing does, and the button to do it."""
    return Page(
        200,
        "Stop the monthly report?",
        (
            "Runnerly mails you a report of your running at the start of each month.",
            "Your reports stay on your reports page either way, and you can turn the mail back "
            "on in Settings at any time.",
        ),
        "Keep getting it",
        "/",
        form_action=action,
        form_label="Unsubscribe",
    )


UNSUBSCRIBED = Page(
    200,
    "You are unsubscribed",
    (
        "Runnerly will not mail you monthly reports any more.",
        "Your reports stay on your reports page. Changed your mind? Turn the mail back on "
        "there or in Settings, at any time.",
    ),
    "Open your reports",
    "/reports",
)
INVALID_LINK = Page(
    400,
    "This link does not work",
    (
        "The unsubscribe link is not valid: your mail program may have cut it short.",
        "To stop the monthly mail, log in and turn it off in Settings.",
    ),
    "Open Settings",
    "/settings",
)
UNAVAILABLE = Page(
    503,
    "Please try again in a moment",
    (
        "Runnerly could not unsubscribe you just now. Nothing has changed yet.",
        "Follow the link in the mail again in a few minutes.",
    ),
    "Go to Runnerly",
    "/",
)


def stylesheets(settings: Settings) -> list[str]:
    """The web app's stylesheets, as its built ``index.html`` links them (none if not built)."""
    # Imported here: the web module imports the API's routers, this one among them.
    from runnerly_dashboard.web import web_dir

    directory = web_dir(settings)
    if directory is None:
        return []
    index = (directory / "index.html").read_text(encoding="utf-8")
    hrefs = (_HREF.search(tag) for tag in _STYLESHEET.findall(index))
    # Only the app's own files: the policy allows no other origin for styles.
    return [m.group(1) for m in hrefs if m and m.group(1).startswith("/")]


def render(page: Page, styles: list[str]) -> str:
    links = "".join(f'\n<link rel="stylesheet" href="{escape(href)}">' for href in styles)
    body = "\n".join(f"<p>{escape(text)}</p>" for text in page.paragraphs)
    form = ""
    link_class = "button"
    if page.form_action is not None:
        form = (
            f'<form method="post" action="{escape(page.form_action)}">'
            f'<button class="button" type="submit">{escape(page.form_label)}</button></form>\n'
        )
        link_class = "button secondary"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(page.title)} · Runnerly</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">{links}
</head>
<body>
<header class="site-header"><nav class="nav" aria-label="Main">\
<a class="brand" href="/">Runnerly</a></nav></header>
<main id="main" class="site-main">
<section class="card narrow" aria-labelledby="page-title">
<h1 id="page-title">{escape(page.title)}</h1>
{body}
{form}<p><a class="{link_class}" href="{escape(page.link_href)}">{escape(page.link_label)}</a></p>
</section>
</main>
<footer class="site-footer"><p>Runnerly · your runs, your data</p></footer>
</body>
</html>
"""
