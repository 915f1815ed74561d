from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from runnerly_dataservice.models import Race
from runnerly_kit.db import Database

Headers = dict[str, str]
PROBLEM = "application/problem+json"


def _in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def _race(days: int = 30, **fields: Any) -> dict[str, Any]:
    return {"name": "City Marathon", "date": _in_days(days), "distance_m": 42195, **fields}


def test_a_race_is_created_and_announced(
    client: TestClient, alice: Headers, outbox_events: Callable[[str], list[dict[str, Any]]]
) -> None:
    response = client.post(
        "/races",
        json=_race(location="Paris", url="https://example.org/marathon"),
        headers=alice,
    )

    assert response.status_code == 201
    race = response.json()
    assert race["name"] == "City Marathon"
    assert race["url"] == "https://example.org/marathon"
    assert race["entrants"] == 0
    assert race["entered"] is False
    assert outbox_events("race.created") == [
        {"race_id": race["id"], "created_by": "alice", "date": race["date"]}
    ]


def test_invalid_races_are_refused_and_nothing_is_stored(
    client: TestClient, alice: Headers, count_rows: Callable[[str], int]
) -> None:
    for body in (
        _race(days=-3),
        _race(name=""),
        _race(name="x" * 201),
        _race(distance_m=0),
        _race(distance_m=1_000_001),
        _race(url="not a url"),
        _race(location="x" * 201),
        _race(organiser="me"),
        {"name": "No date", "distance_m": 5000},
    ):
        response = client.post("/races", json=body, headers=alice)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == PROBLEM
    past = client.post("/races", json=_race(days=-3), headers=alice).json()
    assert "in the past" in past["detail"]
    assert count_rows("races") == 0


def test_other_runners_see_upcoming_races_soonest_first(
    client: TestClient, alice: Headers, bob: Headers, database: Database
) -> None:
    later = client.post("/races", json=_race(days=60, name="Later"), headers=alice).json()
    sooner = client.post("/races", json=_race(days=10, name="Sooner"), headers=bob).json()
    with database.transaction() as session:
        session.add(Race(name="Gone", date=date.today() - timedelta(days=5), distance_m=5000,
                         created_by="alice", created_at=datetime.now(UTC)))

    seen_by_bob = client.get("/races", headers=bob).json()

    assert [race["id"] for race in seen_by_bob["items"]] == [sooner["id"], later["id"]]
    assert seen_by_bob["next_cursor"] is None


def test_races_are_paged(client: TestClient, alice: Headers) -> None:
    created = [
        client.post("/races", json=_race(days=day, name=f"Race {day}"), headers=alice).json()
        for day in (5, 1, 3, 3, 2)
    ]

    first = client.get("/races", params={"limit": 3}, headers=alice).json()
    second = client.get(
        "/races", params={"limit": 3, "cursor": first["next_cursor"]}, headers=alice
    ).json()

    names = [race["name"] for race in first["items"] + second["items"]]
    assert names == ["Race 1", "Race 2", "Race 3", "Race 3", "Race 5"]
    assert len({race["id"] for race in first["items"] + second["items"]}) == len(created)
    assert second["next_cursor"] is None
    assert client.get("/races", params={"cursor": "@@"}, headers=alice).status_code == 422


def test_entries_are_counted_and_idempotent(
    client: TestClient, alice: Headers, bob: Headers, count_rows: Callable[[str], int]
) -> None:
    race_id = client.post("/races", json=_race(), headers=alice).json()["id"]

    first = client.put(f"/races/{race_id}/entry", headers=alice)
    again = client.put(f"/races/{race_id}/entry", headers=alice)
    by_bob = client.put(f"/races/{race_id}/entry", headers=bob)

    assert first.status_code == 200
    assert first.json()["entrants"] == 1
    assert again.json() == first.json()
    assert by_bob.json()["entrants"] == 2
    assert by_bob.json()["entered"] is True
    assert count_rows("race_entries") == 2
    as_alice = client.get(f"/races/{race_id}", headers=alice).json()
    assert (as_alice["entrants"], as_alice["entered"]) == (2, True)

    withdrawn = client.delete(f"/races/{race_id}/entry", headers=bob)
    withdrawn_again = client.delete(f"/races/{race_id}/entry", headers=bob)

    assert (withdrawn.json()["entrants"], withdrawn.json()["entered"]) == (1, False)
    assert withdrawn_again.json() == withdrawn.json()
    listed = client.get("/races", headers=bob).json()["items"][0]
    assert (listed["entrants"], listed["entered"]) == (1, False)


def test_unknown_races_are_not_found(client: TestClient, alice: Headers) -> None:
    for response in (
        client.get("/races/4242", headers=alice),
        client.put("/races/4242/entry", headers=alice),
        client.delete("/races/4242/entry", headers=alice),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM


def test_a_past_race_cannot_be_entered(
    client: TestClient, alice: Headers, database: Database
) -> None:
    with database.transaction() as session:
        race = Race(name="Gone", date=date.today() - timedelta(days=5), distance_m=5000,
                    created_by="alice", created_at=datetime.now(UTC))
        session.add(race)
        session.flush()
        race_id = race.id

    assert client.put(f"/races/{race_id}/entry", headers=alice).status_code == 409
    assert client.get(f"/races/{race_id}", headers=alice).json()["entrants"] == 0


def test_writing_needs_the_races_write_scope(
    client: TestClient, runner_headers: Callable[..., Headers], count_rows: Callable[[str], int]
) -> None:
    reader = runner_headers("alice", "races:read")

    assert client.post("/races", json=_race(), headers=reader).status_code == 403
    assert client.get("/races", headers=reader).status_code == 200
    assert count_rows("races") == 0


def test_a_race_revalidates_with_an_etag(client: TestClient, alice: Headers, bob: Headers) -> None:
    race_id = client.post("/races", json=_race(), headers=alice).json()["id"]
    first = client.get(f"/races/{race_id}", headers=alice)
    etag = first.headers["etag"]

    assert client.get(
        f"/races/{race_id}", headers={**alice, "If-None-Match": etag}
    ).status_code == 304
    client.put(f"/races/{race_id}/entry", headers=bob)
    assert client.get(
        f"/races/{race_id}", headers={**alice, "If-None-Match": etag}
    ).status_code == 200


def test_the_creator_removes_a_race_no_one_else_entered(
    client: TestClient,
    alice: Headers,
    bob: Headers,
    outbox_events: Callable[[str], list[dict[str, Any]]],
) -> None:
    race = client.post("/races", json=_race(), headers=alice).json()
    client.put(f"/races/{race['id']}/entry", headers=alice)

    by_bob = client.delete(f"/races/{race['id']}", headers=bob)
    by_alice = client.delete(f"/races/{race['id']}", headers=alice)

    assert by_bob.status_code == 403
    assert by_alice.status_code == 204
    assert client.get(f"/races/{race['id']}", headers=bob).status_code == 404
    assert client.delete(f"/races/{race['id']}", headers=alice).status_code == 404
    assert outbox_events("race.deleted") == [{"race_id": race["id"]}]


def test_a_race_others_entered_is_removed_only_by_a_moderator(
    client: TestClient,
    alice: Headers,
    bob: Headers,
    runner_headers: Callable[..., Headers],
) -> None:
    race = client.post("/races", json=_race(), headers=alice).json()
    client.put(f"/races/{race['id']}/entry", headers=bob)
    moderator = runner_headers("carol", "races:read races:write races:moderate")

    by_creator = client.delete(f"/races/{race['id']}", headers=alice)
    by_moderator = client.delete(f"/races/{race['id']}", headers=moderator)

    assert by_creator.status_code == 409
    assert by_creator.headers["content-type"] == PROBLEM
    assert "moderator" in by_creator.json()["detail"]
    assert by_moderator.status_code == 204
    assert client.get("/races", headers=bob).json()["items"] == []
