from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from runnerly_kit.caching import ConditionalRoute
from runnerly_plans.deps import PlanReader, PlanWriter, RuntimeDep, SessionDep
from runnerly_plans.plans import service
from runnerly_plans.plans.calendar import plan_calendar
from runnerly_plans.plans.schemas import PlanCreate, PlanList, PlanRead, PlanRebuild
from runnerly_plans.plans.units import Units

router = APIRouter(prefix="/plans", tags=["plans"], route_class=ConditionalRoute)
PlanId = Annotated[int, Path(ge=1, le=2_147_483_647)]
UnitsQuery = Annotated[Units, Query(
    description="The units the texts (workouts' descriptions, warnings, the calendar's "
    "titles) are written in: the reader's, km or mi.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such plan."}}
ICS_MEDIA_TYPE = "text/calendar"


@router.post("", status_code=201, responses={
    422: {"description": "Bad input, or no plan can be made: the race is past, too close, "
          "over a year away, or of a distance plans do not cover (see `reason`)."},
    503: {"description": "The dataservice is unavailable."},
})
def create_plan(body: PlanCreate, runtime: RuntimeDep, runner: PlanWriter) -> PlanRead:
    """Make a training plan for a race, from next Monday to race day."""
    return service.create_plan(runtime, runner.sub, body)


@router.get("")
def list_plans(
    session: SessionDep,
    runtime: RuntimeDep,
    reader: PlanReader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> PlanList:
    """The runner's plans, newest first, each with its adherence so far."""
    return service.list_plans(session, runtime, reader.runner_id, limit, cursor)


# Declared before ``/{plan_id}``, whose pattern would otherwise take "12.ics" as an id.
@router.get(
    "/{plan_id}.ics",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {ICS_MEDIA_TYPE: {}},
                                  "description": "An iCalendar file."}},
)
def export_plan(plan_id: PlanId, session: SessionDep, reader: PlanReader,
                units: UnitsQuery = "km") -> Response:
    """The plan's workouts as an iCalendar file: one all-day event each."""
    plan, workouts = service.plan_with_workouts(session, reader.runner_id, plan_id)
    return Response(
        plan_calendar(plan, workouts, units),
        media_type=ICS_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="runnerly-plan-{plan_id}.ics"'},
    )


@router.get("/{plan_id}", responses=NOT_FOUND)
def get_plan(plan_id: PlanId, session: SessionDep, runtime: RuntimeDep,
             reader: PlanReader, units: UnitsQuery = "km") -> PlanRead:
    """One plan: its weeks and workouts with what was done, phases, predictions, warnings."""
    return service.get_plan(session, runtime, reader.runner_id, plan_id, units)


@router.delete("/{plan_id}", status_code=204, responses=NOT_FOUND)
def delete_plan(plan_id: PlanId, session: SessionDep, runner: PlanWriter) -> None:
    """Delete a plan."""
    service.delete_plan(session, runner.sub, plan_id)


@router.post("/{plan_id}/regenerate", responses={
    **NOT_FOUND,
    409: {"description": "The race is over, or too close to rebuild the plan."},
    503: {"description": "The dataservice is unavailable."},
})
def regenerate_plan(
    plan_id: PlanId, runtime: RuntimeDep, runner: PlanWriter, body: PlanRebuild | None = None
) -> PlanRead:
    """Rebuild the weeks from next Monday on from current fitness, and for another
    treatment of the goal time when the body names one; the past weeks stay."""
    return service.regenerate(
        runtime, runner.sub, plan_id, goal_mode=body.goal_mode if body else None
    )
