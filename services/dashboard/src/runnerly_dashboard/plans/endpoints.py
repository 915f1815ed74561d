from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from runnerly_dashboard.deps import CallerDep, IfNoneMatchDep, PeersDep
from runnerly_dashboard.me.schemas import Units
from runnerly_dashboard.peers import cached
from runnerly_dashboard.plans import service
from runnerly_dashboard.plans.schemas import PlanCreate, PlanList, PlanRead, PlanRebuild
from runnerly_dashboard.problems import conditional_read_responses, problem_responses

router = APIRouter(prefix="/plans", tags=["plans"])

PlanId = Annotated[int, Path(ge=1, le=2_147_483_647)]
UnitsQuery = Annotated[Units, Query(
    description="The units the texts (workouts' descriptions, warnings, the calendar's "
    "titles) are written in: the runner's, km or mi.")]


@router.get("", response_model=PlanList, responses=conditional_read_responses(401, 403, 503))
def list_plans(
    caller: CallerDep,
    peers: PeersDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=100, description="Plans per page.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=20, description="The next_cursor of the previous page.")
    ] = None,
    if_none_match: IfNoneMatchDep = None,
) -> PlanList | Response:
    """The runner's training plans, newest first, with their adherence so far."""
    return cached(service.list_plans(peers, caller, limit, cursor, if_none_match), response)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlanRead,
             responses=problem_responses(401, 403, 409, 503))
def create_plan(body: PlanCreate, caller: CallerDep, peers: PeersDep) -> PlanRead:
    """Make a training plan for a race, from next Monday to race day; a refusal's `reason`
    says why no plan can be made (race_in_past, race_too_close, race_too_far, ...)."""
    return service.create_plan(peers, caller, body)


# Declared before ``/{plan_id}``, whose pattern would otherwise take "12.ics" as an id.
@router.get(
    "/{plan_id}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar file."},
               **problem_responses(401, 403, 404, 503)},
)
def get_calendar(plan_id: PlanId, caller: CallerDep, peers: PeersDep,
                 units: UnitsQuery = "km") -> Response:
    """The plan's workouts as an iCalendar file, one all-day event each."""
    return Response(
        service.get_calendar(peers, caller, plan_id, units),
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="runnerly-plan-{plan_id}.ics"',
                 "Cache-Control": "private, no-cache"},
    )


@router.get("/{plan_id}", response_model=PlanRead,
            responses=conditional_read_responses(401, 403, 404, 503))
def get_plan(
    plan_id: PlanId,
    caller: CallerDep,
    peers: PeersDep,
    response: Response,
    if_none_match: IfNoneMatchDep = None,
    units: UnitsQuery = "km",
) -> PlanRead | Response:
    """One plan: weeks of workouts with what was done, phases, predictions, warnings."""
    return cached(service.get_plan(peers, caller, plan_id, if_none_match, units), response)


@router.delete("/{plan_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=problem_responses(401, 403, 404, 503))
def delete_plan(plan_id: PlanId, caller: CallerDep, peers: PeersDep) -> Response:
    """Delete a plan."""
    service.delete_plan(peers, caller, plan_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{plan_id}/regenerate", response_model=PlanRead,
             responses=problem_responses(401, 403, 404, 409, 422, 503))
def regenerate_plan(
    plan_id: PlanId, caller: CallerDep, peers: PeersDep, body: PlanRebuild | None = None
) -> PlanRead:
    """Rebuild the weeks from next Monday on from current fitness, and for another
    treatment of the goal time when the body names one; the past stays."""
    return service.regenerate_plan(peers, caller, plan_id, body)
