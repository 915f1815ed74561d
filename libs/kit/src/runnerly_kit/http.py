"""The service-to-service HTTP client: pooled, always timed out, retried only when safe,
authenticated with the calling service's own ``client_credentials`` token."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx
import structlog

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logging import REQUEST_ID_HEADER, current_request_id

log = structlog.get_logger()

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
# Renew a cached service token this long (seconds) before it expires.
TOKEN_RENEW_MARGIN = 60.0


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
        self._http = httpx.Client(timeout=DEFAULT_TIMEOUT, transport=transport)
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
        try:
            response = self._http.post(
                self.token_url,
                data={"grant_type": "client_credentials", "scope": self.scopes},
                auth=(self.client_id, self.client_secret),
            )
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


class ServiceClient:
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
        self.name = name
        self.credentials = credentials
        self.retries = max(0, retries)  # every call is sent at least once
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            transport=transport,
        )

    def request(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send a request; ``token`` forwards a runner's token instead of the service's own."""
        method = method.upper()
        attempts = 1 + (self.retries if method in IDEMPOTENT_METHODS else 0)
        for attempt in range(attempts):
            headers = dict(kwargs.pop("headers", None) or {})
            request_id = current_request_id()
            if request_id:
                headers[REQUEST_ID_HEADER] = request_id
            bearer = token or (self.credentials.token() if self.credentials else None)
            if bearer:
                headers["Authorization"] = f"Bearer {bearer}"
            try:
                response = self._http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    self._backoff(attempt)
                    continue
                log.warning("http.peer_unreachable", peer=self.name, error=type(exc).__name__)
                raise ServiceUnavailable(f"The {self.name} service is unavailable.") from exc
            if response.status_code == 401 and token is None and self.credentials:
                # Our cached service token may have been signed by a retired key.
                self.credentials.invalidate()
                if attempt + 1 < attempts:
                    continue
            if response.status_code in RETRY_STATUSES and attempt + 1 < attempts:
                self._backoff(attempt)
                continue
            return response
        # The last attempt returns or raises above; only the type checker needs this line.
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _backoff(attempt: int) -> None:
        # Full jitter: spreads retries so that callers do not hammer a peer in step.
        time.sleep(random.uniform(0, min(2.0, 0.1 * 2**attempt)))

    def close(self) -> None:
        self._http.close()
