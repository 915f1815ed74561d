"""Typed dependency aliases: the session, the runtime, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runnerly_kit.auth import Principal, require_user
from runnerly_kit.db import SessionDep
from runnerly_reports.runtime import Runtime

__all__ = ["ReportReader", "ReportWriter", "RuntimeDep", "SessionDep"]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
ReportReader = Annotated[Principal, Depends(require_user("reports:read"))]
ReportWriter = Annotated[Principal, Depends(require_user("reports:write"))]
