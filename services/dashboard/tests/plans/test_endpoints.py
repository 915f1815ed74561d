from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from .conftest import ICS

if TYPE_CHECKING:
    from .conftest import FakePlans

RACE = {"distance_m": 10000, "date": "2026-03-22", "name": "Spring 10K", "days_per_week": 4}


def test_create_list_read_and_delete_a_plan(
    client: TestClient, login: Any, plans: FakePlans, assert_problem: Any
) -> None:
    me = login()
    created = client.post("/api/plans", json=RACE, headers=me.csrf)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["race_name"] == "Spring 10K"
    sent = json.loads(plans.requests[-1].content)
    assert sent == RACE  # unset fields are not sent
    assert plans.requests[-1].headers["authorization"] == f"Bearer {me.tokens['access_token']}"

    listing = client.get("/api/plans").json()
    assert [item["id"] for item in listing["items"]] == [plan["id"]]
    assert listing["items"][0]["adherence"]["workouts_done"] == 1
    one = client.get(f"/api/plans/{plan['id']}").json()
    assert [week["phase"] for week in one["weeks"]] == ["build", "taper"]
    assert one["weeks"][0]["workouts"][0]["runs"][0]["run_id"] == 7

    assert client.delete(f"/api/plans/{plan['id']}", headers=me.csrf).status_code == 204
    assert_problem(client.get(f"/api/plans/{plan['id']}"), 404)


def test_the_calendar_is_relayed_as_a_file(
    client: TestClient, login: Any, plans: FakePlans, assert_problem: Any
) -> None:
    me = login()
    plan_id = plans.add(me.account.id)["id"]
    response = client.get(f"/api/plans/{plan_id}.ics")
    assert response.status_code == 200
    assert response.content == ICS
    assert response.headers["content-type"].startswith("text/calendar")
    assert f"runnerly-plan-{plan_id}.ics" in response.headers["content-disposition"]
    assert_problem(client.get(f"/api/plans/{plan_id + 1}.ics"), 404)


def test_regenerate(client: TestClient, login: Any, plans: FakePlans,
                    assert_problem: Any) -> None:
    me = login()
    plan_id = plans.add(me.account.id)["id"]
    assert_problem(client.post(f"/api/plans/{plan_id}/regenerate"), 403)  # no CSRF header
    rebuilt = client.post(f"/api/plans/{plan_id}/regenerate", headers=me.csrf)
    assert rebuilt.status_code == 200
    assert rebuilt.json()["vdot"] == 47.0
    assert plans.requests[-1].content == b""  # no choice named: the plan keeps its own

    kept = client.post(f"/api/plans/{plan_id}/regenerate", headers=me.csrf,
                       json={"goal_mode": "keep_goal"})
    assert kept.status_code == 200, kept.text
    assert json.loads(plans.requests[-1].content) == {"goal_mode": "keep_goal"}
    assert kept.json()["goal_mode"] == "keep_goal"
    sent = len(plans.requests)
    assert_problem(client.post(f"/api/plans/{plan_id}/regenerate", headers=me.csrf,
                               json={"goal_mode": "fastest"}), 422)
    assert len(plans.requests) == sent  # refused at the door


def test_the_peers_refusal_reaches_the_runner_with_its_reason(
    client: TestClient, login: Any, assert_problem: Any
) -> None:
    me = login()
    body = assert_problem(
        client.post("/api/plans", json={**RACE, "date": "2026-03-01"}, headers=me.csrf), 422)
    assert body["reason"] == "race_in_past"


def test_a_request_for_no_race_or_two_is_the_plans_services_to_refuse(
    client: TestClient, login: Any, plans: FakePlans, assert_problem: Any
) -> None:
    # The rule is the plans service's own; the dashboard passes its 422 on as it is.
    me = login()
    for body in ({**RACE, "race_id": 3}, {"days_per_week": 4}, {"name": "X", "days_per_week": 4}):
        assert_problem(client.post("/api/plans", json=body, headers=me.csrf), 422)
    assert len(plans.requests) == 3
    assert client.get("/api/plans").json()["items"] == []


def test_bad_input_never_reaches_the_peer(
    client: TestClient, login: Any, plans: FakePlans, assert_problem: Any
) -> None:
    me = login()
    for body in ({**RACE, "days_per_week": 2}, {**RACE, "days_per_week": 8},
                 {**RACE, "distance_m": 0},
                 {**RACE, "long_run_day": "someday"}, {**RACE, "colour": "red"}):
        assert_problem(client.post("/api/plans", json=body, headers=me.csrf), 422)
    for path in ("/api/plans/0", "/api/plans/abc.ics", f"/api/plans/{2**40}"):
        assert_problem(client.get(path), 422)
    assert plans.requests == []


def test_another_runners_plan_is_not_found(
    client: TestClient, login: Any, plans: FakePlans, fake: Any, assert_problem: Any
) -> None:
    other = fake.add_account("grace@example.com")
    plan_id = plans.add(other.id)["id"]
    me = login()
    assert_problem(client.get(f"/api/plans/{plan_id}"), 404)
    assert_problem(client.delete(f"/api/plans/{plan_id}", headers=me.csrf), 404)
    assert client.get("/api/plans").json()["items"] == []


def test_plans_down_is_a_503(client: TestClient, login: Any, plans: FakePlans,
                             assert_problem: Any) -> None:
    login()
    plans.down = True
    assert_problem(client.get("/api/plans"), 503)


def test_anonymous_callers_are_refused(client: TestClient, assert_problem: Any) -> None:
    assert_problem(client.get("/api/plans"), 401)


def test_a_hostile_plan_name_is_refused_before_the_plans_service(
    client: TestClient, login: Any, plans: FakePlans, assert_problem: Any
) -> None:
    me = login()
    sent_before = len(plans.requests)
    for value, reason in (("Spring\r\n10K", "contains a line break"),
                          ("Spring\u2066 10K", "contains a bidirectional override (U+2066)"),
                          ("Spring\x7f", "contains a control character (U+007F)")):
        response = client.post("/api/plans", json={**RACE, "name": value}, headers=me.csrf)
        assert assert_problem(response, 422)["detail"] == f"Name {reason}."
    assert len(plans.requests) == sent_before


@pytest.mark.parametrize("units", ["km", "mi"])
def test_the_plan_and_its_calendar_are_asked_in_the_readers_units(
    client: TestClient, login: Any, plans: FakePlans, units: str
) -> None:
    me = login()
    plan_id = plans.add(me.account.id)["id"]
    assert client.get(f"/api/plans/{plan_id}", params={"units": units}).status_code == 200
    assert client.get(f"/api/plans/{plan_id}.ics", params={"units": units}).status_code == 200
    assert [r.url.params.get("units") for r in plans.requests[-2:]] == [units, units]
    assert client.get(f"/api/plans/{plan_id}", params={"units": "furlongs"}).status_code == 422
