"""The error shape every endpoint may answer with, for the OpenAPI contract."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Problem(BaseModel):
    """An RFC 9457 problem (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str


_PROBLEM_CONTENT = {"application/problem+json": {"schema": Problem.model_json_schema()}}
_DESCRIPTIONS = {
    400: "Refused as asked: `detail` says why (e.g. a link that expired or was used).",
    401: "Not authenticated: log in (session cookie) or send a Bearer token.",
    403: "Forbidden, or a missing/wrong X-CSRF-Token on a cookie-authenticated write.",
    404: "Not found.",
    409: "Conflict.",
    413: "The request body is too large.",
    422: "Invalid input; `errors` lists each field's problem.",
    429: "Too many attempts; retry after the Retry-After header's seconds.",
    503: "A service behind the dashboard is unavailable.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented problems of an endpoint; invalid input (422) is always one."""
    return {
        status: {"description": _DESCRIPTIONS[status], "content": _PROBLEM_CONTENT}
        for status in sorted({*statuses, 422})
    }


def conditional_read_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A read that honours If-None-Match: its problems, and 304."""
    return {
        304: {"description": "The copy named by If-None-Match is still current."},
        **problem_responses(*statuses),
    }


# Every endpoint that calls a service for a runner.
AUTHENTICATED = problem_responses(401, 403, 503)
