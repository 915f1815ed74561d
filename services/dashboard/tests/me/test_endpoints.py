from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_me_joins_account_and_profile(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    fake.profiles[me.account.id] = {"display_name": "Ada", "units": "mi", "time_zone": "UTC"}
    response = client.get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["account"]["id"] == me.account.id
    assert body["account"]["email"] == "ada@example.com"
    assert body["profile"]["display_name"] == "Ada"
    assert body["profile"]["units"] == "mi"


def test_patch_me_sends_only_the_fields_given(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    response = client.patch("/api/me", json={"weight_kg": 61.5, "units": "mi"}, headers=me.csrf)
    assert response.status_code == 200
    assert response.json()["profile"]["weight_kg"] == 61.5
    [sent] = fake.sent("dataservice", "PATCH", "/profile")
    assert sent.read() == b'{"weight_kg":61.5,"units":"mi"}'


def test_the_language_is_relayed_both_ways(client: TestClient, fake: Any, login: Any) -> None:
    me = login()
    response = client.patch("/api/me", json={"language": "zh-Hans"}, headers=me.csrf)
    assert response.status_code == 200
    [sent] = fake.sent("dataservice", "PATCH", "/profile")
    assert sent.read() == b'{"language":"zh-Hans"}'
    assert client.get("/api/me").json()["profile"]["language"] == "zh-Hans"


def test_patch_me_refuses_bad_fields_and_changes_nothing(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    for body in ({"units": "furlongs"}, {"max_hr": 1000}, {"birth_year": 1500},
                 {"password": "x"}, {"display_name": "x" * 101},
                 {"language": "de"}, {"language": "zh-CN"}, {"language": ""}):
        problem = assert_problem(client.patch("/api/me", json=body, headers=me.csrf), 422)
        assert problem["errors"]
    assert fake.sent("dataservice", "PATCH", "/profile") == []
    assert me.account.id not in fake.profiles


def test_delete_me_forgets_the_user_and_clears_the_cookies(
    client: TestClient, app: Any, fake: Any, login: Any, sessions: Any, assert_problem: Any
) -> None:
    other = fake.add_account("bob@example.com")
    bobs_browser = TestClient(app)  # the app is already started by ``client``
    bobs_browser.post("/api/auth/login", json={"email": other.email,
                                              "password": "correct horse battery"})
    login()
    me = login()  # a second browser of the same runner
    assert len(sessions()) == 3
    response = client.delete("/api/me", headers=me.csrf)
    assert response.status_code == 204
    assert "ada@example.com" not in fake.accounts
    assert [s.user_id for s in sessions()] == [other.id]
    cleared = response.headers.get_list("set-cookie")
    assert any(c.startswith("runnerly_session=") and "Max-Age=0" in c for c in cleared)
    assert_problem(client.get("/api/me"), 401)


def test_delete_me_by_bearer_also_ends_the_users_sessions(
    client: TestClient, fake: Any, login: Any, sessions: Any
) -> None:
    me = login()
    client.cookies.clear()
    response = client.delete("/api/me",
                             headers={"Authorization": f"Bearer {me.tokens['access_token']}"})
    assert response.status_code == 204
    assert sessions() == []


def test_failed_delete_keeps_the_sessions(
    client: TestClient, fake: Any, login: Any, sessions: Any, assert_problem: Any
) -> None:
    login()
    fake.down.add("tokendealer")
    assert_problem(client.delete("/api/me", headers={"X-CSRF-Token":
                                                     client.cookies["runnerly_csrf"]}), 503)
    assert len(sessions()) == 1


def test_after_delete_the_old_token_is_refused_at_the_door_before_any_peer_hears(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {me.tokens['access_token']}"}
    assert client.delete("/api/me", headers=bearer).status_code == 204
    fake.requests.clear()

    for method, path in [("GET", "/api/runs"), ("GET", "/api/me"), ("PATCH", "/api/me"),
                         ("POST", "/api/races"), ("GET", "/api/plans"),
                         ("GET", "/api/reports"), ("DELETE", "/api/me")]:
        response = client.request(method, path, headers=bearer, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["title"] == "Account deleted"
    assert fake.requests == []  # refused here: no peer was asked


def test_patch_me_refuses_hostile_display_names(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    for value, reason in (("Al\nice", "contains a line break"),
                          ("\u202eecila", "contains a bidirectional override (U+202E)"),
                          ("Alice\x1b[2J", "contains a control character (U+001B)"),
                          ("\ufeffAlice", "contains an invisible formatting character (U+FEFF)"),
                          ("   ", "must not be empty or only spaces")):
        response = client.patch("/api/me", json={"display_name": value}, headers=me.csrf)
        assert assert_problem(response, 422)["detail"] == f"Display name {reason}."
    assert fake.sent("dataservice", "PATCH", "/profile") == []
