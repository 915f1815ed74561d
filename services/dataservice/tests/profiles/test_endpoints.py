from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from runnerly_kit.testing import TestKeys, bearer

Headers = dict[str, str]
PROBLEM = "application/problem+json"


def test_a_new_runner_gets_the_defaults(client: TestClient, alice: Headers) -> None:
    response = client.get("/profile", headers=alice)

    assert response.status_code == 200
    assert response.json() == {
        "display_name": None,
        "birth_year": None,
        "sex": None,
        "weight_kg": None,
        "max_hr": None,
        "resting_hr": None,
        "vo2max": None,
        "units": "km",
        "time_zone": "UTC",
        "language": None,
    }


def test_patch_changes_only_the_fields_sent(
    client: TestClient, alice: Headers, bob: Headers
) -> None:
    first = client.patch(
        "/profile", json={"display_name": "Alice", "time_zone": "Europe/Paris"}, headers=alice
    )
    second = client.patch("/profile", json={"max_hr": 190, "units": "mi"}, headers=alice)

    assert first.status_code == 200
    assert second.status_code == 200
    profile = client.get("/profile", headers=alice).json()
    assert profile["display_name"] == "Alice"
    assert profile["time_zone"] == "Europe/Paris"
    assert profile["max_hr"] == 190
    assert profile["units"] == "mi"
    assert client.get("/profile", headers=bob).json()["display_name"] is None


def test_null_clears_an_optional_field(client: TestClient, alice: Headers) -> None:
    client.patch("/profile", json={"weight_kg": 61.5}, headers=alice)

    response = client.patch("/profile", json={"weight_kg": None}, headers=alice)

    assert response.status_code == 200
    assert response.json()["weight_kg"] is None


def _assert_refused_and_unchanged(
    client: TestClient, headers: Headers, body: dict[str, object], message: str
) -> None:
    before = client.get("/profile", headers=headers).json()
    response = client.patch("/profile", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    # The field is named in the errors list, the problem's words in the detail.
    assert message in problem["detail"] or message in {e["field"] for e in problem["errors"]}
    assert client.get("/profile", headers=headers).json() == before


def test_an_unknown_time_zone_is_refused(client: TestClient, alice: Headers) -> None:
    _assert_refused_and_unchanged(
        client, alice, {"time_zone": "Mars/Olympus_Mons"}, "not an IANA time zone"
    )


def test_a_path_is_not_a_time_zone(client: TestClient, alice: Headers) -> None:
    _assert_refused_and_unchanged(client, alice, {"time_zone": "../../etc/passwd"}, "IANA")


def test_resting_heart_rate_must_be_below_max(client: TestClient, alice: Headers) -> None:
    _assert_refused_and_unchanged(
        client, alice, {"resting_hr": 100, "max_hr": 100}, "resting_hr (100) must be below"
    )


def test_resting_heart_rate_is_checked_against_the_stored_max(
    client: TestClient, alice: Headers
) -> None:
    assert client.patch("/profile", json={"max_hr": 110}, headers=alice).status_code == 200

    _assert_refused_and_unchanged(client, alice, {"resting_hr": 115}, "below max_hr (110)")


def test_values_out_of_range_are_refused(client: TestClient, alice: Headers) -> None:
    _assert_refused_and_unchanged(client, alice, {"weight_kg": 10}, "weight_kg")
    _assert_refused_and_unchanged(client, alice, {"max_hr": 300}, "max_hr")
    _assert_refused_and_unchanged(client, alice, {"vo2max": 120}, "vo2max")
    _assert_refused_and_unchanged(client, alice, {"sex": "unknown"}, "sex")
    _assert_refused_and_unchanged(client, alice, {"units": "furlongs"}, "units")


def test_unknown_fields_and_null_required_fields_are_refused(
    client: TestClient, alice: Headers
) -> None:
    _assert_refused_and_unchanged(client, alice, {"shoe_size": 42}, "shoe_size")
    _assert_refused_and_unchanged(client, alice, {"time_zone": None}, "Time zone cannot be null")


def test_scopes_are_required(
    client: TestClient, runner_headers: Callable[..., Headers], keys: TestKeys
) -> None:
    reader = runner_headers("alice", "profile:read")
    service_without_scope = bearer(keys.service_token("ingest", "runs:read"))

    assert client.patch("/profile", json={"units": "mi"}, headers=reader).status_code == 403
    assert client.get("/profile?runner_id=alice", headers=service_without_scope).status_code == 403
    assert client.get("/profile").status_code == 401
    assert client.get("/profile", headers=reader).json()["units"] == "km"


def test_profile_reads_revalidate_with_an_etag(client: TestClient, alice: Headers) -> None:
    first = client.get("/profile", headers=alice)
    etag = first.headers["etag"]

    unchanged = client.get("/profile", headers={**alice, "If-None-Match": etag})
    client.patch("/profile", json={"units": "mi"}, headers=alice)
    changed = client.get("/profile", headers={**alice, "If-None-Match": etag})

    assert first.headers["cache-control"] == "private, no-cache"
    assert etag.startswith('"')
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["units"] == "mi"


def test_a_service_reads_the_profile_of_the_runner_it_names(
    client: TestClient, alice: Headers, bob: Headers, keys: TestKeys
) -> None:
    client.patch("/profile", json={"time_zone": "Asia/Tokyo"}, headers=alice)
    reports = bearer(keys.service_token("reports", "profile:read"))

    for_alice = client.get("/profile?runner_id=alice", headers=reports)
    unnamed = client.get("/profile", headers=reports)
    bob_reading_alice = client.get("/profile?runner_id=alice", headers=bob)

    assert for_alice.json()["time_zone"] == "Asia/Tokyo"
    assert unnamed.status_code == 422
    assert "runner_id" in unnamed.json()["detail"]
    assert bob_reading_alice.status_code == 403
    assert client.get("/profile?runner_id=bob", headers=bob).json()["time_zone"] == "UTC"


def test_the_language_is_stored_and_cleared(client: TestClient, alice: Headers) -> None:
    chosen = client.patch("/profile", json={"language": "zh-Hans"}, headers=alice)
    other_field = client.patch("/profile", json={"units": "mi"}, headers=alice)

    assert chosen.status_code == 200
    assert other_field.json()["language"] == "zh-Hans"
    assert client.get("/profile", headers=alice).json()["language"] == "zh-Hans"
    cleared = client.patch("/profile", json={"language": None}, headers=alice)
    assert cleared.json()["language"] is None


def test_only_the_languages_offered_are_taken(client: TestClient, alice: Headers) -> None:
    for language in ("de", "zh", "zh-CN", "EN", "", "en; DROP TABLE profiles"):
        _assert_refused_and_unchanged(
            client, alice, {"language": language}, "language"
        )
