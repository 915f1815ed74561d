"""The service-to-service HTTP clients: pooled, always timed out, retried only when safe,
authenticated with the calling service's own ``client_credentials`` token; a blocking one
(``ServiceClient``) and one for the event loop (``AsyncServiceClient``), alike otherwise.

Every hop between services asks for the body as it is (``Accept-Encoding: identity``): on
the loopback or a private network, compressing an answer in one service and
decompressing it in the other costs more than sending its bytes. Browsers still get gzip
from the app that faces them."""

from __future__ import annotations

import functools
import random
import ssl
import threading
import time
from typing import Any, Literal

import anyio
import httpx
import structlog

from runnerly_kit import tracing
from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logging import REQUEST_ID_HEADER, current_request_id

log = structlog.get_logger()

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
# Renew a cached service token this long (seconds) before it expires.
TOKEN_RENEW_MARGIN = 60.0
INTERNAL_HEADERS = {"Accept-Encoding": "identity"}


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings every client of this process shares: httpx makes a context per
    client otherwise, each loading the whole CA bundle (20 ms and its memory, times the
    thirty-odd clients of ``runnerly all``)."""
    return httpx.create_ssl_context()


class ClientCredentials:
    """Gets this service's access token from tokendealer and renews it before it expires."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self._http = httpx.Client(
            timeout=DEFAULT_TIMEOUT, transport=transport, headers=INTERNAL_HEADERS, verify=_tls()
        )
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() > self._expires_at - TOKEN_RENEW_MARGIN:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> None:
        headers: dict[str, str] = {}
        try:
            with tracing.outgoing(
                "tokendealer", "POST", httpx.URL(self.token_url), "", headers
            ) as span:
                response = self._http.post(
                    self.token_url,
                    data={"grant_type": "client_credentials", "scope": self.scopes},
                    auth=(self.client_id, self.client_secret),
                    headers=headers,
                )
                tracing.answered(span, response.status_code)
        except httpx.TransportError as exc:
            raise ServiceUnavailable("The token service cannot be reached.") from exc
        if response.status_code != 200:
            log.error(
                "http.client_credentials_refused",
                status=response.status_code,
                body=response.text[:200],
            )
            raise ServiceUnavailable("This service could not get its access token.")
        body = response.json()
        self._token = body["access_token"]
        self._expires_at = time.monotonic() + float(body.get("expires_in", 300))


class _PeerCalls:
    """What both clients decide alike: how often a call is sent, what it carries, and
    which answer is worth another attempt."""

    def __init__(self, name: str, credentials: ClientCredentials | None, retries: int) -> None:
        self.name = name
        self.credentials = credentials
        self.retries = max(0, retries)  # every call is sent at least once

    @staticmethod
    def _options(base_url: str, timeout: httpx.Timeout) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "timeout": timeout,
            "limits": httpx.Limits(max_connections=50, max_keepalive_connections=20),
            "headers": INTERNAL_HEADERS,
            "verify": _tls(),
        }

    def _attempts(self, method: str) -> int:
        return 1 + (self.retries if method in IDEMPOTENT_METHODS else 0)

    @staticmethod
    def _headers(extra: dict[str, str], bearer: str | None) -> dict[str, str]:
        headers = dict(extra)
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return headers

    def _unreachable(self, exc: httpx.TransportError) -> ServiceUnavailable:
        log.warning("http.peer_unreachable", peer=self.name, error=type(exc).__name__)
        return ServiceUnavailable(f"The {self.name} service is unavailable.")

    def _next_step(
        self, response: httpx.Response, token: str | None, attempt: int, attempts: int
    ) -> Literal["answer", "again", "later"]:
        """What to do with an answer: return it, send the call again now, or after a pause."""
        last = attempt + 1 >= attempts
        if response.status_code == 401 and token is None and self.credentials:
            # Our cached service token may have been signed by a retired key.
            self.credentials.invalidate()
            if not last:
                return "again"
        if response.status_code in RETRY_STATUSES and not last:
            return "later"
        return "answer"

    @staticmethod
    def _pause(attempt: int) -> float:
        # Full jitter: spreads retries so that callers do not hammer a peer in step.
        return random.uniform(0, min(2.0, 0.1 * 2**attempt))


class ServiceClient(_PeerCalls):
    """Calls one peer service. Raises ``ServiceUnavailable`` fast when the peer is down."""

    def __init__(
        self,
        base_url: str,
        name: str,
        credentials: ClientCredentials | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(name, credentials, retries)
        self._http = httpx.Client(transport=transport, **self._options(base_url, timeout))

    def request(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send a request; ``token`` forwards a runner's token instead of the service's own."""
        method = method.upper()
        attempts = self._attempts(method)
        extra = dict(kwargs.pop("headers", None) or {})
        for attempt in range(attempts):
            bearer = token or (self.credentials.token() if self.credentials else None)
            headers = self._headers(extra, bearer)
            try:
                with tracing.outgoing(
                    self.name, method, self._http.base_url, path, headers
                ) as span:
                    response = self._http.request(method, path, headers=headers, **kwargs)
                    tracing.answered(span, response.status_code)
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    time.sleep(self._pause(attempt))
                    continue
                raise self._unreachable(exc) from exc
            step = self._next_step(response, token, attempt, attempts)
            if step == "answer":
                return response
            if step == "later":
                time.sleep(self._pause(attempt))
        # The last attempt returns or raises above; only the type checker needs this line.
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._http.close()


class AsyncServiceClient(_PeerCalls):
    """``ServiceClient`` for the event loop: the same calls, retries and answers, awaited,
    on a pool that the app's requests share without a thread each."""

    def __init__(
        self,
        base_url: str,
        name: str,
        credentials: ClientCredentials | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(name, credentials, retries)
        self._base_url = base_url
        self._timeout = timeout
        self._http = httpx.AsyncClient(transport=transport, **self._options(base_url, timeout))
        # Set when the peer's app is reached in this process: no network timeout applies.
        self._deadline: float | None = None

    def serve_in_process(self, app: Any) -> None:
        """Reach the peer's ``app`` in this process (``runnerly all`` runs both), not
        through its port: no socket and no HTTP parsing on either side, the same
        middleware, routes and answers. A failing app answers 500 (a failing peer), and
        the whole call is bounded by the read timeout, since no socket times out."""
        transport = httpx.ASGITransport(
            app=tracing.as_remote(app, self.name), raise_app_exceptions=False
        )
        self._http = httpx.AsyncClient(
            transport=transport, **self._options(self._base_url, self._timeout)
        )
        self._deadline = self._timeout.read

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._deadline is None:
            return await self._http.request(method, path, **kwargs)
        try:
            with anyio.fail_after(self._deadline):
                return await self._http.request(method, path, **kwargs)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(f"{self.name} did not answer in time") from exc

    async def request(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send a request; ``token`` forwards a runner's token instead of the service's own."""
        method = method.upper()
        attempts = self._attempts(method)
        extra = dict(kwargs.pop("headers", None) or {})
        for attempt in range(attempts):
            bearer = token
            if bearer is None and self.credentials is not None:
                # Renewing the service's token is a blocking call to tokendealer.
                bearer = await anyio.to_thread.run_sync(self.credentials.token)
            headers = self._headers(extra, bearer)
            try:
                with tracing.outgoing(
                    self.name, method, self._http.base_url, path, headers
                ) as span:
                    response = await self._send(method, path, headers=headers, **kwargs)
                    tracing.answered(span, response.status_code)
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    await anyio.sleep(self._pause(attempt))
                    continue
                raise self._unreachable(exc) from exc
            step = self._next_step(response, token, attempt, attempts)
            if step == "answer":
                return response
            if step == "later":
                await anyio.sleep(self._pause(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        await self._http.aclose()
