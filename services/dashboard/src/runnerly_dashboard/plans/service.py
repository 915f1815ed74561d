from __future__ import annotations

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import Fetched, Peers, call, fetch, parse
from runnerly_dashboard.plans.schemas import PlanCreate, PlanList, PlanRead, PlanRebuild


def list_plans(peers: Peers, caller: Caller, limit: int, cursor: str | None,
               if_none_match: str | None) -> Fetched[PlanList]:
    params: dict[str, str | int] = {"limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    return fetch(peers.plans, "/plans", PlanList, token=caller.access_token,
                 if_none_match=if_none_match, params=params)


def create_plan(peers: Peers, caller: Caller, body: PlanCreate) -> PlanRead:
    response = call(peers.plans, "POST", "/plans", token=caller.access_token,
                    json=body.model_dump(mode="json", exclude_unset=True))
    return parse(response, PlanRead, "plans")


def get_plan(peers: Peers, caller: Caller, plan_id: int, if_none_match: str | None,
             units: str) -> Fetched[PlanRead]:
    return fetch(peers.plans, f"/plans/{plan_id}", PlanRead, token=caller.access_token,
                 if_none_match=if_none_match, params={"units": units})


def get_calendar(peers: Peers, caller: Caller, plan_id: int, units: str) -> bytes:
    return call(peers.plans, "GET", f"/plans/{plan_id}.ics", token=caller.access_token,
                params={"units": units}).content


def delete_plan(peers: Peers, caller: Caller, plan_id: int) -> None:
    call(peers.plans, "DELETE", f"/plans/{plan_id}", token=caller.access_token)


def regenerate_plan(
    peers: Peers, caller: Caller, plan_id: int, body: PlanRebuild | None = None
) -> PlanRead:
    response = call(peers.plans, "POST", f"/plans/{plan_id}/regenerate",
                    token=caller.access_token,
                    json=body.model_dump(exclude_unset=True) if body else None)
    return parse(response, PlanRead, "plans")
