"""Security headers on every response the dashboard sends."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# The API docs page is Swagger UI, which loads from a CDN and starts with an inline script.
# It shows no user data, so only that one path gets the looser policy.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; "
    "style-src 'self' https://cdn.jsdelivr.net; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_FIXED_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
# Two years, the subdomains too: the preload list's minimum. Sent only when the public URL is
# https, since over http a browser ignores it and a developer's localhost must stay http.
STRICT_TRANSPORT_SECURITY = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class SecurityHeadersMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        docs_path: str | None = None,
        https: bool = False,
        image_origin: str | None = None,
    ) -> None:
        self.app = app
        self.docs_path = docs_path
        # A map tile server on plain http (self-hosted on a home network): its images only.
        self.policy = (
            CONTENT_SECURITY_POLICY.replace("https:;", f"https: {image_origin};", 1)
            if image_origin and image_origin.startswith("http://")
            else CONTENT_SECURITY_POLICY
        )
        self.fixed_headers = (
            (*_FIXED_HEADERS, STRICT_TRANSPORT_SECURITY) if https else _FIXED_HEADERS
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = (
            DOCS_CONTENT_SECURITY_POLICY
            if self.docs_path is not None and scope["path"] == self.docs_path
            else self.policy
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"content-security-policy", policy.encode()),
                    *self.fixed_headers,
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
