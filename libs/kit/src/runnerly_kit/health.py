"""Liveness and readiness: live means the process answers; ready means its database and
broker answer too."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])

Check = Callable[[], None]
# Something the operator should know that does not make the service unready (a peer
# refusing it, say): a sentence, or None when there is nothing to say.
Note = Callable[[], str | None]


@router.get("/health/live", include_in_schema=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready", include_in_schema=False)
def ready(request: Request) -> JSONResponse:
    checks: dict[str, Check] = request.app.state.readiness_checks
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"down: {type(exc).__name__}"
    healthy = all(value == "ok" for value in results.values())
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable", "checks": results}
    notes: dict[str, Note] = getattr(request.app.state, "readiness_notes", {})
    details: dict[str, str] = {}
    for name, note in notes.items():
        try:
            said = note()
        except Exception as exc:  # what it reads is down: a check above says so too
            said = f"unknown: {type(exc).__name__}"
        if said:
            details[name] = said
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=200 if healthy else 503)
