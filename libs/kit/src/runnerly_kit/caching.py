"""HTTP caching for read endpoints: a strong ETag (a hash of the body), revalidation on
every use, and ``304 Not Modified`` when the client already holds that body.

Use it on a router: ``APIRouter(route_class=ConditionalRoute)``. Only successful GET and
HEAD answers are tagged; everything else passes through untouched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

# "private": the body is one user's data, so shared caches must not keep it; "no-cache":
# clients may keep it but must revalidate, which the ETag makes cheap.
CACHE_CONTROL = "private, no-cache"
NOT_MODIFIED_RESPONSE: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the body matching `If-None-Match` is still current."}
}
_CACHEABLE_METHODS = frozenset({"GET", "HEAD"})


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """The weak comparison RFC 9110 prescribes for ``If-None-Match``."""
    if if_none_match.strip() == "*":
        return True
    tag = etag.removeprefix("W/")
    return any(
        candidate.strip().removeprefix("W/") == tag for candidate in if_none_match.split(",")
    )


class ConditionalRoute(APIRoute):
    """A route whose successful reads carry an ETag and answer ``If-None-Match``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {method.upper() for method in kwargs.get("methods") or ()}
        if methods & _CACHEABLE_METHODS:
            kwargs["responses"] = {**NOT_MODIFIED_RESPONSE, **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def conditional_handler(request: Request) -> Response:
            response = await handler(request)
            if request.method not in _CACHEABLE_METHODS or response.status_code != 200:
                return response
            body = getattr(response, "body", None)
            if not isinstance(body, bytes | memoryview):
                return response  # a streamed body cannot be hashed before it is sent
            etag = etag_for(bytes(body))
            headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
            if etag_matches(request.headers.get("if-none-match", ""), etag):
                return Response(status_code=304, headers=headers)
            response.headers.update(headers)
            return response

        return conditional_handler
