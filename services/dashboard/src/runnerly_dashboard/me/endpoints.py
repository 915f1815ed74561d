from __future__ import annotations

from fastapi import APIRouter, Response, status

from runnerly_dashboard.cookies import clear_session_cookies
from runnerly_dashboard.deps import (
    CallerDep,
    PeersDep,
    RevocationsDep,
    SessionDep,
    SettingsDep,
)
from runnerly_dashboard.me import service
from runnerly_dashboard.me.schemas import Me, ProfileUpdate
from runnerly_dashboard.problems import AUTHENTICATED

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", response_model=Me, responses=AUTHENTICATED)
def get_me(caller: CallerDep, peers: PeersDep) -> Me:
    """The runner's account and profile."""
    return service.get_me(peers, caller)


@router.patch("", response_model=Me, responses=AUTHENTICATED)
def update_me(body: ProfileUpdate, caller: CallerDep, peers: PeersDep) -> Me:
    """Change profile fields; returns the account and the updated profile."""
    return service.update_me(peers, caller, body)


@router.delete(
    "", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=AUTHENTICATED
)
def delete_me(
    caller: CallerDep,
    db: SessionDep,
    peers: PeersDep,
    revocations: RevocationsDep,
    settings: SettingsDep,
) -> Response:
    """Delete the account: every service forgets the runner, and the session ends."""
    service.delete_me(db, peers, revocations, caller)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings)
    return response
