"""ASGI middleware: request id, access log and metrics, and a cap on request bodies.

Written as plain ASGI (not BaseHTTPMiddleware) because it sits on every request's hot path.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runnerly_kit.errors import PROBLEM_JSON
from runnerly_kit.logging import REQUEST_ID_HEADER, new_request_id, request_id_var, service_var
from runnerly_kit.metrics import LATENCY, REQUESTS

log = structlog.get_logger()
_UNMATCHED = "<unmatched>"
_QUIET_PATHS = frozenset({"/metrics", "/health/live", "/health/ready"})


class RequestContextMiddleware:
    """The request id, the metrics, and the access log: a line for every error (4xx, 5xx)
    and for ``access_log`` (a share between 0 and 1) of the other requests, spread evenly:
    with 0.25, every fourth. A line costs a real share of a fast request (rendering its
    JSON, a write), so a busy deployment may sample or turn it off."""

    def __init__(self, app: ASGIApp, service: str, access_log: float = 1.0) -> None:
        self.app = app
        self.service = service
        self.access_log = access_log
        # The share of a line each successful request earns; at one, a line is written.
        self._credit = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or new_request_id()
        token = request_id_var.set(request_id[:128])
        # Every line of this request says which service answered it, even when one process
        # serves several (``runnerly all``).
        service_token = service_var.set(self.service)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER.lower().encode(), request_id_var.get().encode()),  # type: ignore[union-attr]
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", _UNMATCHED)
            method = scope["method"]
            REQUESTS.labels(self.service, method, template, str(status)).inc()
            LATENCY.labels(self.service, method, template).observe(elapsed)
            if scope["path"] not in _QUIET_PATHS and self._logs(status):
                log.info(
                    "http.request",
                    method=method,
                    path=scope["path"],
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )
            request_id_var.reset(token)
            service_var.reset(service_token)

    def _logs(self, status: int) -> bool:
        if status >= 400 or self.access_log >= 1.0:
            return True
        self._credit += self.access_log
        # A hair below one still counts: ten tenths add up to 0.999...
        if self._credit < 1.0 - 1e-9:
            return False
        self._credit -= 1.0
        return True


class BodySizeLimitMiddleware:
    """Refuse bodies over the limit with 413 before the app reads them into memory.

    ``path_limits`` gives some paths (and the paths under them) a limit of their own, e.g.
    a file upload; the longest matching path wins, every other path has ``max_bytes``.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, path_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Longest first, so that the most specific path decides.
        self.path_limits = sorted(
            (path_limits or {}).items(), key=lambda item: len(item[0]), reverse=True
        )

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.path_limits:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(send, max_bytes)
            return
        received = 0
        refused = False

        async def counting_receive() -> Message:
            # Past the limit: answer 413 ourselves and tell the app the client left, so it
            # stops reading (an exception here would be turned into a 400 by the framework).
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes and not refused:
                    refused = True
                    await self._refuse(send, max_bytes)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, guarded_send)

    @staticmethod
    async def _refuse(send: Send, max_bytes: int) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Payload too large",
                "status": 413,
                "detail": f"The request body is larger than {max_bytes} bytes.",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
