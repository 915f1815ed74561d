from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from runnerly_dashboard.deps import PeersDep, SettingsDep
from runnerly_dashboard.devmail import service
from runnerly_dashboard.devmail.schemas import Mailbox
from runnerly_dashboard.problems import problem_responses

router = APIRouter(prefix="/dev", tags=["development"])


@router.get("/mail", response_model=Mailbox, responses=problem_responses(404, 503))
def read_mailbox(
    peers: PeersDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Mailbox:
    """Mail sent by the system, newest first (development setups only; 404 elsewhere)."""
    return service.read_mailbox(peers, settings, limit)
