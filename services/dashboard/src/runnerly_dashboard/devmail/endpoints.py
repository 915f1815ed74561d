from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from runnerly_dashboard.deps import PeersDep
from runnerly_dashboard.devmail import service
from runnerly_dashboard.devmail.schemas import Mailbox
from runnerly_dashboard.problems import problem_responses
from runnerly_kit.errors import NotFound
from runnerly_kit.loopback import is_direct_local_request


def require_local_request(request: Request) -> None:
    """Only a developer at the machine, straight to the port: through a proxy, or from a
    page of another site whose name resolves to 127.0.0.1, the mailbox does not exist."""
    if not is_direct_local_request(request):
        raise NotFound(f"No such path: {request.url.path}.")


router = APIRouter(
    prefix="/dev", tags=["development"], dependencies=[Depends(require_local_request)]
)


@router.get("/mail", response_model=Mailbox, responses=problem_responses(404, 503))
def read_mailbox(
    peers: PeersDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Mailbox:
    """Mail sent by the system, newest first. Served only on a development setup whose
    public URL is a loopback address, to requests made on that machine; 404 elsewhere."""
    return service.read_mailbox(peers, limit)
