"""The runner's own record: the account (tokendealer) and the profile (dataservice) as one."""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from runnerly_dashboard.auth import service as auth_service
from runnerly_dashboard.auth.schemas import AccountRead
from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.me.schemas import Me, ProfileRead, ProfileUpdate
from runnerly_dashboard.peers import Peers, call, parse
from runnerly_kit.revocations import Revocations

log = structlog.get_logger()


def _account(peers: Peers, caller: Caller) -> AccountRead:
    response = call(peers.tokendealer, "GET", "/accounts/me", token=caller.access_token)
    return parse(response, AccountRead, "tokendealer")


def get_me(peers: Peers, caller: Caller) -> Me:
    account = _account(peers, caller)
    response = call(peers.dataservice, "GET", "/profile", token=caller.access_token)
    return Me(account=account, profile=parse(response, ProfileRead, "dataservice"))


def update_me(peers: Peers, caller: Caller, update: ProfileUpdate) -> Me:
    response = call(
        peers.dataservice,
        "PATCH",
        "/profile",
        token=caller.access_token,
        json=update.model_dump(mode="json", exclude_unset=True),
    )
    profile = parse(response, ProfileRead, "dataservice")
    return Me(account=_account(peers, caller), profile=profile)


def delete_me(db: Session, peers: Peers, revocations: Revocations, caller: Caller) -> None:
    """Delete the account; tokendealer tells every service to forget the user, and the
    dashboard forgets the user's sessions at once rather than wait for their next use.

    The deletion is recorded here before the answer: the other services hear of it by
    event a moment later, but every request with the runner's tokens passes this door.
    """
    user_id = caller.user_id
    call(peers.tokendealer, "DELETE", "/accounts/me", token=caller.access_token)
    revocations.record_deletion(db, user_id)
    auth_service.end_sessions_of(db, user_id)
    log.info("account.deleted", user_id=user_id)
