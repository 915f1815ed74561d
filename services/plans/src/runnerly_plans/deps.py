"""Typed dependency aliases: the session, the runtime, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runnerly_kit.auth import Principal, RunnerAccess, reads_for_runner, require_user
from runnerly_kit.db import SessionDep
from runnerly_plans.runtime import Runtime

__all__ = ["PlanReader", "PlanWriter", "RuntimeDep", "SessionDep"]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
# A runner reads their own plans; a service (reports) holding ``plans:read`` names the
# runner it reads for.
PlanReader = Annotated[RunnerAccess, Depends(reads_for_runner("plans:read"))]
# Only the runner makes, rebuilds or deletes their plans.
PlanWriter = Annotated[Principal, Depends(require_user("plans:write"))]
