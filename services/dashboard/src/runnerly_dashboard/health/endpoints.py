from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from runnerly_dashboard.deps import PeersDep
from runnerly_dashboard.health import service
from runnerly_dashboard.health.schemas import SystemHealth

router = APIRouter(prefix="/health", tags=["health"])


@router.get(
    "",
    response_model=SystemHealth,
    responses={503: {"model": SystemHealth, "description": "At least one service is down."}},
)
def system_health(request: Request, peers: PeersDep) -> JSONResponse:
    """Readiness of the dashboard and every service behind it."""
    health = service.system_health(peers, request.app.state.database)
    return JSONResponse(
        health.model_dump(), status_code=200 if health.status == "ok" else 503
    )
