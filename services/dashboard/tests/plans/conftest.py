"""The plans service played next to the other fake peers, on its own port (8005): the
runner's token checked like the others, its answers vouched for by the plans service's
contract like the dataservice's."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app
from runnerly_kit.errors import RunnerlyError

PLANS_PORT = 8005
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def problem(status: int, detail: str, **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"type": "about:blank", "title": "Error",
                                        "status": status, "detail": detail, **extra},
                          headers={"Content-Type": "application/problem+json"})


def adherence(due: int = 0, done: int = 0) -> dict[str, Any]:
    return {"workouts_due": due, "workouts_done": done, "planned_distance_m": 8000 * due,
            "done_distance_m": 8000.0 * done, "ratio": done / due if due else None}


def pace(slow: float, fast: float) -> dict[str, float]:
    return {"slow_s_per_km": slow, "fast_s_per_km": fast}


def plan(plan_id: int, race_name: str = "Spring 10K") -> dict[str, Any]:
    """A two-week 10 km plan as the plans service answers it."""
    workouts = [
        {"id": 1, "date": "2026-03-10", "kind": "easy", "distance_m": 8000,
         "duration_s": 2600, "pace": pace(330, 295), "description": "8.0 km easy",
         "status": "done", "judgement": "done", "runs": [{"run_id": 7, "date": "2026-03-10",
                                     "distance_m": 8100.0, "moving_time_s": 2580}]},
        {"id": 2, "date": "2026-03-15", "kind": "long", "distance_m": 12000,
         "duration_s": 3900, "pace": pace(330, 295), "description": "Long run: 12.0 km",
         "status": "missed", "judgement": "missed", "runs": []},
        {"id": 3, "date": "2026-03-22", "kind": "race", "distance_m": 10000,
         "duration_s": 2500, "pace": pace(252, 248), "description": "Race day: 10 km",
         "status": "planned", "judgement": "planned", "runs": []},
    ]
    weeks = [
        {"index": 0, "start": "2026-03-09", "end": "2026-03-15", "phase": "build",
         "cutback": False, "planned_distance_m": 20000, "adherence": adherence(2, 1),
         "workouts": workouts[:2], "unplanned_runs": []},
        {"index": 1, "start": "2026-03-16", "end": "2026-03-22", "phase": "taper",
         "cutback": False, "planned_distance_m": 9000, "adherence": adherence(),
         "workouts": workouts[2:], "unplanned_runs": []},
    ]
    body = {
        "id": plan_id, "race_id": None, "race_name": race_name, "race_date": "2026-03-22",
        "distance_m": 10000.0, "start_date": "2026-03-09", "days_per_week": 4,
        "long_run_day": "sunday", "goal_time_s": None, "goal_mode": "predicted",
        "target_time_s": 2500, "vdot": 45.0,
        "fitness_source": "runs", "time_zone": "Europe/Paris", "today": "2026-03-16",
        "current_week": 1, "adherence": adherence(2, 1), "behind": False, "rebuild_reason": None,
        "created_at": "2026-03-04T09:00:00Z", "updated_at": "2026-03-04T09:00:00Z",
        "fitness": {"vdot": 45.0, "source": "runs", "effort": None},
        "paces": {name: pace(330, 295) for name in
                  ("recovery", "easy", "marathon", "threshold", "interval", "repetition")},
        "predictions": [{"distance": "10k", "distance_m": 10000.0, "vdot_time_s": 2716,
                         "riegel_time_s": None}],
        "warnings": [], "remarks": [], "phases": [
            {"phase": "build", "start": "2026-03-09", "end": "2026-03-15", "weeks": 1},
            {"phase": "taper", "start": "2026-03-16", "end": "2026-03-22", "weeks": 1}],
        "weeks": weeks,
    }
    return body


def summary(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items()
            if key not in ("fitness", "paces", "predictions", "warnings", "remarks", "phases",
                           "weeks")}


@dataclass
class FakePlans:
    fake: Any  # the shared FakePeers: its keys verify the runner's token
    plans: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    down: bool = False

    def add(self, user_id: str, name: str = "Spring 10K") -> dict[str, Any]:
        mine = self.plans.setdefault(user_id, {})
        body = plan(max((pid for plans in self.plans.values() for pid in plans), default=0) + 1,
                    name)
        mine[body["id"]] = body
        return body

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        try:
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            user = self.fake.verifier.verify(token).sub
        except RunnerlyError as exc:
            return problem(exc.status, exc.detail)
        mine = self.plans.setdefault(user, {})
        method, path = request.method, request.url.path
        if path == "/plans":
            if method == "POST":
                body = json.loads(request.content)
                own = {"distance_m", "date", "name"} & set(body)
                if ("race_id" in body) == bool(own) or (own and not {"distance_m", "date"} <= own):
                    # The plans service's rule: one race, a listed one or the runner's own.
                    return problem(422, "body: Value error, give race_id, or distance_m and date")
                if body.get("date", "") < "2026-03-04" and "race_id" not in body:
                    return problem(422, "The race date is in the past.", reason="race_in_past")
                created = self.add(user, body.get("name") or "My race")
                return httpx.Response(201, json=created)
            items = [summary(body) for _, body in sorted(mine.items(), reverse=True)]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        rest = path.removeprefix("/plans/")
        if rest.endswith(".ics"):
            if int(rest.removesuffix(".ics")) not in mine:
                return problem(404, "There is no plan.")
            return httpx.Response(200, content=ICS, headers={"Content-Type": "text/calendar"})
        plan_id = int(rest.removesuffix("/regenerate"))
        if plan_id not in mine:
            return problem(404, f"There is no plan {plan_id}.")
        if method == "DELETE":
            del mine[plan_id]
            return httpx.Response(204)
        if rest.endswith("/regenerate"):
            rebuilt = copy.deepcopy(mine[plan_id])
            rebuilt["vdot"] = 47.0
            rebuilt.update(json.loads(request.content or b"{}"))  # the goal's choice
            mine[plan_id] = rebuilt
            return httpx.Response(200, json=rebuilt)
        return httpx.Response(200, json=mine[plan_id])


@pytest.fixture
def plans(fake: Any) -> FakePlans:
    return FakePlans(fake)


@pytest.fixture
def app(settings: Settings, fake: Any, plans: FakePlans) -> FastAPI:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.port == PLANS_PORT:
            vouched: httpx.Response = fake.vouch("plans", request, plans.handle(request))
            return vouched
        response: httpx.Response = fake.handle(request)
        return response

    return create_app(settings, transport=httpx.MockTransport(route))
