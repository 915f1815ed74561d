"""The two browser cookies: the opaque session, and the CSRF token the page echoes back."""

from __future__ import annotations

from starlette.responses import Response

from runnerly_dashboard.config import Settings

SESSION_COOKIE = "runnerly_session"
CSRF_COOKIE = "runnerly_csrf"
CSRF_HEADER = "X-CSRF-Token"


def set_session_cookies(
    response: Response, settings: Settings, session_token: str, csrf_token: str
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=settings.session_ttl_seconds,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    # Readable by the page's script (not HttpOnly) so it can echo it in X-CSRF-Token; a
    # page from another site can neither read it nor have it sent (Strict).
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token,
        max_age=settings.session_ttl_seconds,
        path="/",
        secure=settings.secure_cookies,
        httponly=False,
        samesite="strict",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.secure_cookies, httponly=True, samesite="lax"
    )
    response.delete_cookie(
        CSRF_COOKIE, path="/", secure=settings.secure_cookies, httponly=False, samesite="strict"
    )
