"""The request body limit, with one exception: file imports may be larger."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from runnerly_kit.middleware import BodySizeLimitMiddleware


class BodyLimitExcept:
    """``RUNNERLY_MAX_BODY_BYTES`` for every path but ``large_paths``, which keep the
    (larger) limit the kit's own middleware enforces further out."""

    def __init__(self, app: ASGIApp, max_bytes: int, large_paths: frozenset[str]) -> None:
        self.app = app
        self.limited = BodySizeLimitMiddleware(app, max_bytes=max_bytes)
        self.large_paths = large_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.large_paths:
            await self.app(scope, receive, send)
        else:
            await self.limited(scope, receive, send)
