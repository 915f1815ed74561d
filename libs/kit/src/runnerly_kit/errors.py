"""Errors as values with a status, rendered once as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from runnerly_kit import validation

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger()


class RunnerlyError(Exception):
    """Base of every domain error: a status, a short title, and a detail a person can act on."""

    status = 500
    title = "Internal error"
    # A refusal that must still keep what the request wrote (a failed login counted, a
    # reused token's family revoked): the request's transaction commits, then it answers.
    keeps_changes = False

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra
        self.headers: dict[str, str] = {}


class BadRequest(RunnerlyError):
    status, title = 400, "Bad request"


class Unauthorized(RunnerlyError):
    status, title = 401, "Not authenticated"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(RunnerlyError):
    status, title = 403, "Forbidden"


class NotFound(RunnerlyError):
    status, title = 404, "Not found"


class Conflict(RunnerlyError):
    status, title = 409, "Conflict"


class Gone(RunnerlyError):
    status, title = 410, "Gone"


class PayloadTooLarge(RunnerlyError):
    status, title = 413, "Payload too large"


class InvalidInput(RunnerlyError):
    status, title = 422, "Invalid input"


class TooManyRequests(RunnerlyError):
    status, title = 429, "Too many requests"

    def __init__(self, detail: str | None = None, retry_after: int = 60, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(RunnerlyError):
    status, title = 503, "Service unavailable"


def problem(
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0]) if loc else ""


_NOT_AN_OBJECT = frozenset({"model_attributes_type", "model_type", "dict_type"})


def _body_error(request: Request, error: Any) -> dict[str, str] | None:
    """What is wrong with the body as a whole, in words a person can act on (pydantic's
    "JSON decode error" at loc ``('body', 9)``, or "Input should be a valid dictionary or
    object to extract fields from" for a body sent as text, say it only to a programmer)."""
    loc = tuple(error.get("loc", ()))
    if not loc or loc[0] != "body" or (len(loc) > 1 and error.get("type") != "json_invalid"):
        return None
    kind = error.get("type")
    if kind == "json_invalid":
        reason = (error.get("ctx") or {}).get("error") or "it cannot be parsed"
        where = f" (at character {loc[1]})" if len(loc) > 1 else ""
        return {"field": "body", "message": f"The body is not valid JSON: {reason}{where}."}
    content_type = request.headers.get("content-type", "")
    if kind in _NOT_AN_OBJECT | {"missing"} and "json" not in content_type:
        return {
            "field": "body",
            "message": "Send the body as JSON, with the header 'Content-Type: application/json'.",
        }
    if kind == "missing":
        return {"field": "body", "message": "The request needs a JSON body."}
    if kind in _NOT_AN_OBJECT:
        return {"field": "body", "message": "The body must be a JSON object: {...}."}
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RunnerlyError)
    async def _domain(_: Request, exc: RunnerlyError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            _body_error(request, e)
            or {"field": _location(tuple(e.get("loc", ()))), "message": validation.message(e)}
            for e in exc.errors()
        ]
        # Each message names its field by label already.
        detail = " ".join(e["message"] for e in errors)
        return problem(422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
        return problem(exc.status_code, title, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("request.failed", error=type(exc).__name__)
        return problem(500, "Internal error", "An unexpected error occurred; it has been logged.")
