"""Strava's API v3 and OAuth, as strava.com speaks them (the simulator speaks the same).

Every call returns what Strava reported about the app's rate-limit usage, so the caller can
keep the shared budget; failures are typed so tasks can tell what to do: wait for the
window (``StravaRateLimited``), refresh the access token and try once more
(``StravaUnauthorized``), forget the link (``StravaRevoked``, and only that), or pause and
try again later (``StravaUnavailable``, and any other ``StravaError``: a suspended app, a
missing permission).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import structlog

log = structlog.get_logger()

STREAM_KEYS = "time,distance,altitude,heartrate,cadence,latlng"
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class StravaError(Exception):
    """Strava refused a request (4xx); ``fault`` is the first error of Strava's ``Fault``
    (``resource``, ``field``, ``code``), when it gave one."""

    def __init__(self, message: str, status: int = 0, fault: Fault | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.fault = fault

    @property
    def of_the_app(self) -> bool:
        """Whether Strava refuses the application itself (suspended, bad credentials):
        every athlete is refused alike."""
        return self.fault is not None and self.fault.resource == "Application"


class StravaUnauthorized(StravaError):
    """401 on an API call: the access token is refused. Not proof of a revocation (a token
    may expire or be replaced early): refresh it, and only a refused refresh tells."""


class StravaRevoked(StravaError):
    """Strava's token endpoint refused the athlete's refresh token: the athlete withdrew
    Runnerly's access. The one confirmation that deletes their Strava runs."""


class StravaNotFound(StravaError):
    """The activity (or athlete) does not exist, or is not visible with this token."""


class StravaUnavailable(Exception):
    """Strava failed (5xx) or could not be reached: worth retrying with backoff."""


class StravaRateLimited(Exception):
    """429: the app's budget is spent for this window."""

    def __init__(self, usage: RateUsage | None) -> None:
        super().__init__("Strava's rate limit is exceeded")
        self.usage = usage


@dataclass(frozen=True)
class Fault:
    resource: str
    field: str
    code: str


@dataclass(frozen=True)
class RateUsage:
    """The ``X-RateLimit-*`` (overall) and ``X-ReadRateLimit-*`` (reads) headers: limit and
    usage for the 15-minute window and for the day."""

    short_limit: int
    daily_limit: int
    short_usage: int
    daily_usage: int
    read_short_limit: int | None = None
    read_daily_limit: int | None = None
    read_short_usage: int | None = None
    read_daily_usage: int | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateUsage | None:
        overall = _pair(headers.get("x-ratelimit-limit")), _pair(headers.get("x-ratelimit-usage"))
        if overall[0] is None or overall[1] is None:
            return None
        read_limit = _pair(headers.get("x-readratelimit-limit"))
        read_usage = _pair(headers.get("x-readratelimit-usage"))
        return cls(
            short_limit=overall[0][0],
            daily_limit=overall[0][1],
            short_usage=overall[1][0],
            daily_usage=overall[1][1],
            read_short_limit=read_limit[0] if read_limit else None,
            read_daily_limit=read_limit[1] if read_limit else None,
            read_short_usage=read_usage[0] if read_usage else None,
            read_daily_usage=read_usage[1] if read_usage else None,
        )


def _pair(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        first, second = (int(part.strip()) for part in value.split(",")[:2])
    except ValueError:
        return None
    return first, second


@dataclass(frozen=True)
class Answer:
    """A successful call's JSON and the rate usage Strava reported with it."""

    data: Any
    usage: RateUsage | None


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_at: int  # epoch seconds
    athlete: dict[str, Any] | None


class StravaClient:
    def __init__(
        self,
        oauth_url: str,
        api_url: str,
        client_id: str,
        client_secret: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.oauth_url = oauth_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self._http = httpx.Client(timeout=TIMEOUT, transport=transport)

    def close(self) -> None:
        self._http.close()

    # -- OAuth ---------------------------------------------------------------------------

    def authorize_url(self, redirect_uri: str, state: str, scope: str) -> str:
        params = httpx.QueryParams(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            response_type="code",
            approval_prompt="auto",
            scope=scope,
            state=state,
        )
        return f"{self.oauth_url}/authorize?{params}"

    def exchange_code(self, code: str) -> TokenGrant:
        return self._grant({"grant_type": "authorization_code", "code": code})

    def refresh(self, refresh_token: str) -> TokenGrant:
        try:
            return self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})
        except StravaError as exc:
            if exc.status in (400, 401) and _refresh_token_refused(exc):
                raise StravaRevoked(str(exc), exc.status, exc.fault) from exc
            raise

    def _grant(self, form: dict[str, str]) -> TokenGrant:
        data = {"client_id": self.client_id, "client_secret": self.client_secret, **form}
        body = self._send("POST", f"{self.oauth_url}/token", data=data).data
        try:
            return TokenGrant(
                access_token=str(body["access_token"]),
                refresh_token=str(body["refresh_token"]),
                expires_at=int(body["expires_at"]),
                athlete=body.get("athlete") if isinstance(body.get("athlete"), dict) else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StravaError("Strava's token answer is missing fields") from exc

    def deauthorize(self, access_token: str) -> None:
        """Revoke the athlete's grant: Strava's ``/oauth/revoke``, its former
        ``/oauth/deauthorize`` only where ``/revoke`` does not exist (404). The token goes
        in the ``Authorization`` header only, as on every call: never in a form or a URL."""
        try:
            self._send("POST", f"{self.oauth_url}/revoke", token=access_token)
        except StravaNotFound:
            self._send("POST", f"{self.oauth_url}/deauthorize", token=access_token)

    # -- API -----------------------------------------------------------------------------

    def athlete(self, access_token: str) -> Answer:
        return self._send("GET", f"{self.api_url}/athlete", token=access_token)

    def activities(
        self,
        access_token: str,
        *,
        before: int | None = None,
        after: int | None = None,
        page: int = 1,
        per_page: int = 200,
    ) -> Answer:
        params: dict[str, int] = {"page": page, "per_page": per_page}
        if before is not None:
            params["before"] = before
        if after is not None:
            params["after"] = after
        answer = self._send(
            "GET", f"{self.api_url}/athlete/activities", token=access_token, params=params
        )
        if not isinstance(answer.data, list):
            raise StravaError("Strava's activity list is not a list")
        return answer

    def activity(self, access_token: str, activity_id: int) -> Answer:
        return self._send("GET", f"{self.api_url}/activities/{activity_id}", token=access_token)

    def streams(self, access_token: str, activity_id: int) -> Answer:
        return self._send(
            "GET",
            f"{self.api_url}/activities/{activity_id}/streams",
            token=access_token,
            params={"keys": STREAM_KEYS, "key_by_type": "true"},
        )

    def subscriptions(self) -> Answer:
        return self._send(
            "GET",
            f"{self.api_url}/push_subscriptions",
            params={"client_id": self.client_id, "client_secret": self.client_secret},
        )

    def subscribe(self, callback_url: str, verify_token: str) -> Answer:
        return self._send(
            "POST",
            f"{self.api_url}/push_subscriptions",
            data={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "callback_url": callback_url,
                "verify_token": verify_token,
            },
        )

    # -- plumbing ------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, *, token: str | None = None, **kwargs: Any
    ) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self._http.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise StravaUnavailable(f"Strava cannot be reached: {type(exc).__name__}") from exc
        usage = RateUsage.from_headers(response.headers)
        status = response.status_code
        if status == 429:
            raise StravaRateLimited(usage)
        if status >= 500:
            raise StravaUnavailable(f"Strava answered {status}")
        if status >= 400:
            message, fault = _message(response), _fault(response)
            if status == 401 and token is not None:
                raise StravaUnauthorized(message, status, fault)
            if status == 404:
                raise StravaNotFound(message, status, fault)
            raise StravaError(message, status, fault)
        try:
            data = response.json() if response.content else None
        except ValueError as exc:
            raise StravaUnavailable("Strava answered with something that is not JSON") from exc
        return Answer(data, usage)


def _refresh_token_refused(exc: StravaError) -> bool:
    """Strava's ``RefreshToken``/``refresh_token`` ``invalid`` (or OAuth's
    ``invalid_grant``): the refresh token itself is refused, not the app."""
    fault = exc.fault
    if fault is not None and (fault.resource == "RefreshToken" or fault.field == "refresh_token"):
        return True
    return "invalid_grant" in str(exc)


def _fault(response: httpx.Response) -> Fault | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("error") == "invalid_grant":
        return Fault("RefreshToken", "refresh_token", "invalid_grant")
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    first = errors[0]
    return Fault(str(first.get("resource", "")), str(first.get("field", "")),
                 str(first.get("code", "")))


def _message(response: httpx.Response) -> str:
    """Strava's ``Fault``: ``{"message": ..., "errors": [...]}``."""
    try:
        body = response.json()
    except ValueError:
        return f"Strava answered {response.status_code}"
    if not isinstance(body, dict) or not body.get("message"):
        return f"Strava answered {response.status_code}"
    errors = body.get("errors")
    said = ", ".join(
        "/".join(str(e.get(k, "")) for k in ("resource", "field", "code"))
        for e in (errors if isinstance(errors, list) else []) if isinstance(e, dict)
    )
    return f"Strava answered {response.status_code}: {body['message']}" + (
        f" ({said})" if said else "")
