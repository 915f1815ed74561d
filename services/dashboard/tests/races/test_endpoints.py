from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from runnerly_kit.validation import label

RACE = {"name": "Paris Marathon", "date": "2027-04-11", "distance_m": 42195,
        "location": "Paris", "url": "https://www.schneiderelectricparismarathon.com/"}


def test_create_then_read_a_race(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    created = client.post("/api/races", json=RACE, headers=me.csrf)
    assert created.status_code == 201
    race = created.json()
    assert race["name"] == "Paris Marathon"
    assert race["date"] == "2027-04-11"
    assert client.get(f"/api/races/{race['id']}").json()["name"] == "Paris Marathon"
    assert [r["id"] for r in client.get("/api/races").json()["items"]] == [race["id"]]


def test_create_race_refuses_bad_bodies_and_changes_nothing(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    for body in ({**RACE, "distance_m": -1}, {**RACE, "date": "someday"},
                 {**RACE, "name": ""}, {**RACE, "url": "javascript:alert(1)"},
                 {**RACE, "sponsor": "x"}, {k: v for k, v in RACE.items() if k != "name"}):
        assert_problem(client.post("/api/races", json=body, headers=me.csrf), 422)
    assert fake.races == {}


def test_enter_and_withdraw(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    race_id = client.post("/api/races", json=RACE, headers=me.csrf).json()["id"]
    entered = client.put(f"/api/races/{race_id}/entry", headers=me.csrf)
    assert entered.status_code == 200
    assert entered.json()["entered"] is True
    assert (race_id, me.account.id) in fake.entries
    withdrawn = client.delete(f"/api/races/{race_id}/entry", headers=me.csrf)
    assert withdrawn.json()["entered"] is False
    assert fake.entries == set()


def test_unknown_race_is_404(client: TestClient, login: Any, assert_problem: Any) -> None:
    me = login()
    assert_problem(client.get("/api/races/99"), 404)
    assert_problem(client.put("/api/races/99/entry", headers=me.csrf), 404)


def test_remove_a_race(client: TestClient, fake: Any, login: Any, assert_problem: Any) -> None:
    me = login()
    race_id = client.post("/api/races", json=RACE, headers=me.csrf).json()["id"]
    fake.entries.add((race_id, "someone-else"))
    assert_problem(client.delete(f"/api/races/{race_id}", headers=me.csrf), 409)
    fake.entries.clear()
    assert_problem(client.delete(f"/api/races/{race_id}"), 403)  # no CSRF header
    assert client.delete(f"/api/races/{race_id}", headers=me.csrf).status_code == 204
    assert fake.races == {}
    assert_problem(client.delete(f"/api/races/{race_id}", headers=me.csrf), 404)


HOSTILE = {
    "Paris\r\nMarathon": "contains a line break",
    "Paris\u2029Marathon": "contains a line break",
    "Paris\x00": "contains a control character (U+0000)",
    "Paris\x9b": "contains a control character (U+009B)",
    "\u202enohtaram": "contains a bidirectional override (U+202E)",
    "Paris\u2068": "contains a bidirectional override (U+2068)",
    "Par\u200bis": "contains an invisible formatting character (U+200B)",
    " \u3000 ": "must not be empty or only spaces",
}


def test_hostile_race_names_and_locations_are_refused_before_the_dataservice(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    for field in ("name", "location"):
        for value, reason in HOSTILE.items():
            response = client.post("/api/races", json={**RACE, field: value}, headers=me.csrf)
            assert assert_problem(response, 422)["detail"] == f"{label(('body', field))} {reason}."
    assert fake.races == {}
