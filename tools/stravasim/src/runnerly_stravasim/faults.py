"""Strava's error shape: ``{"message": ..., "errors": [{"resource", "field", "code"}]}``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


class StravaFault(Exception):
    def __init__(self, status: int, message: str, resource: str, field: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.resource = resource
        self.field = field
        self.code = code

    def body(self) -> dict[str, Any]:
        return fault_body(self.message, self.resource, self.field, self.code)


def fault_body(message: str, resource: str, field: str, code: str) -> dict[str, Any]:
    return {"message": message, "errors": [{"resource": resource, "field": field, "code": code}]}


def bad_request(resource: str, field: str, code: str = "invalid") -> StravaFault:
    return StravaFault(400, "Bad Request", resource, field, code)


def authorization_error(
    resource: str = "Athlete", field: str = "access_token", code: str = "invalid"
) -> StravaFault:
    return StravaFault(401, "Authorization Error", resource, field, code)


def not_found(resource: str, field: str = "id") -> StravaFault:
    return StravaFault(404, "Record Not Found", resource, field, "invalid")


def app_inactive() -> StravaFault:
    """What Strava answers to every call of a suspended (inactive) application."""
    return StravaFault(403, "Forbidden", "Application", "Status", "Inactive")


RATE_LIMIT_BODY = fault_body("Rate Limit Exceeded", "Application", "rate limit", "exceeded")


async def fault_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StravaFault)
    return JSONResponse(exc.body(), status_code=exc.status)
