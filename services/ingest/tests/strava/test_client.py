"""The Strava client against answers built from Strava's official API description (the
swagger's own examples), through ``httpx.MockTransport``: no network, no simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from runnerly_ingest.strava import mapping
from runnerly_ingest.strava.client import (
    RateUsage,
    StravaClient,
    StravaError,
    StravaNotFound,
    StravaRateLimited,
    StravaRevoked,
    StravaUnauthorized,
    StravaUnavailable,
)

# Strava's own description, as the simulator's tests keep it in the repository.
SWAGGER = (
    Path(__file__).resolve().parents[4] / "tools/stravasim/tests/data/strava-api-v3.swagger.json"
)
LIMIT_HEADERS = {
    "X-RateLimit-Limit": "200,2000", "X-RateLimit-Usage": "12,340",
    "X-ReadRateLimit-Limit": "100,1000", "X-ReadRateLimit-Usage": "7,120",
}


def _example(path: str) -> Any:
    spec = json.loads(SWAGGER.read_text())
    return spec["paths"][path]["get"]["responses"]["200"]["examples"]["application/json"]


def _client(handler: Any) -> StravaClient:
    return StravaClient("https://www.strava.com/oauth", "https://www.strava.com/api/v3",
                        "42", "secret", transport=httpx.MockTransport(handler))


def test_listing_activities_reads_the_page_and_the_rate_usage() -> None:
    example = _example("/athlete/activities")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=example, headers=LIMIT_HEADERS)

    answer = _client(handler).activities("tok", before=1_700_000_000, per_page=200)

    [request] = seen
    assert request.url.path == "/api/v3/athlete/activities"
    assert request.url.params["before"] == "1700000000"
    assert request.url.params["per_page"] == "200"
    assert request.headers["authorization"] == "Bearer tok"
    assert answer.data == example
    assert answer.usage == RateUsage(200, 2000, 12, 340, 100, 1000, 7, 120)


def test_a_summary_activity_maps_to_a_run_upsert() -> None:
    ride, run = [dict(a) for a in _example("/athlete/activities")[:2]]
    run.update(sport_type="Run", type="Run", average_cadence=84.5, average_heartrate=151.2,
               max_heartrate=178.0, map={"summary_polyline": "abc"})

    mapped = mapping.to_run("alice", run)

    assert not mapping.is_run(ride)
    assert mapping.is_run(run)
    assert mapped["source"] == "strava" and mapped["external_id"] == str(run["id"])
    assert mapped["started_at"].startswith(run["start_date"].removesuffix("Z"))
    assert mapped["time_zone"] == run["timezone"].split(" ")[-1]
    assert mapped["average_cadence"] == 169.0
    assert mapped["average_hr"] == 151.2
    assert mapped["summary_polyline"] == "abc"


def test_streams_are_keyed_by_type_and_downsampled() -> None:
    stream_set = {
        "time": {"data": list(range(2500)), "series_type": "distance", "original_size": 2500,
                 "resolution": "high"},
        "cadence": {"data": [85] * 2500},
        "latlng": {"data": [[45.0, 6.0]] * 2500},
    }

    streams = mapping.to_streams(stream_set)

    assert streams is not None
    assert len(streams["time"]) == len(streams["latlng"]) <= 1000
    assert streams["cadence"][0] == 170


@pytest.mark.parametrize(("status", "error"), [
    (401, StravaUnauthorized), (404, StravaNotFound), (429, StravaRateLimited),
    (500, StravaUnavailable), (503, StravaUnavailable)])
def test_failures_are_typed(status: int, error: type[Exception]) -> None:
    fault = {"message": "Authorization Error",
             "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}]}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=fault, headers=LIMIT_HEADERS)

    with pytest.raises(error):
        _client(handler).activity("tok", 1)


def _fault(resource: str, field: str, code: str, message: str = "Bad Request") -> Any:
    return {"message": message, "errors": [{"resource": resource, "field": field, "code": code}]}


@pytest.mark.parametrize("body", [
    _fault("Application", "Status", "Inactive", "Forbidden"),  # the app is suspended
    _fault("AccessToken", "activity:read_permission", "missing", "Forbidden"),
])
def test_a_403_is_a_refusal_never_an_unauthorized_token(body: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json=body, headers=LIMIT_HEADERS)

    with pytest.raises(StravaError) as refused:
        _client(handler).activity("tok", 1)

    assert not isinstance(refused.value, StravaUnauthorized | StravaRevoked)
    assert refused.value.of_the_app is (body["errors"][0]["resource"] == "Application")


@pytest.mark.parametrize(("status", "body", "revoked"), [
    (400, _fault("RefreshToken", "refresh_token", "invalid"), True),  # Strava's answer
    (400, {"error": "invalid_grant"}, True),  # OAuth 2's
    (401, _fault("RefreshToken", "refresh_token", "invalid", "Authorization Error"), True),
    (400, _fault("Application", "client_secret", "invalid"), False),  # our credentials
    (403, _fault("Application", "Status", "Inactive", "Forbidden"), False),  # app suspended
])
def test_only_a_refused_refresh_token_is_a_revocation(
    status: int, body: Any, revoked: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    with pytest.raises(StravaError) as refused:
        _client(handler).refresh("refresh-token")

    assert isinstance(refused.value, StravaRevoked) is revoked


def test_an_unreachable_strava_is_worth_a_retry() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(StravaUnavailable):
        _client(handler).athlete("tok")


def test_the_token_grants_speak_oauth_forms() -> None:
    forms: list[dict[str, list[str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        from urllib.parse import parse_qs

        forms.append(parse_qs(request.content.decode()))
        return httpx.Response(200, json={
            "token_type": "Bearer", "expires_at": 1_700_021_600, "expires_in": 21600,
            "refresh_token": "r2", "access_token": "a2",
            "athlete": {"id": 134815, "firstname": "Ada", "lastname": "L"}})

    client = _client(handler)
    grant = client.exchange_code("the-code")
    refreshed = client.refresh("r1")

    assert forms[0]["grant_type"] == ["authorization_code"] and forms[0]["code"] == ["the-code"]
    assert forms[0]["client_id"] == ["42"] and forms[0]["client_secret"] == ["secret"]
    assert forms[1]["grant_type"] == ["refresh_token"] and forms[1]["refresh_token"] == ["r1"]
    assert grant.athlete == {"id": 134815, "firstname": "Ada", "lastname": "L"}
    assert refreshed.refresh_token == "r2" and refreshed.expires_at == 1_700_021_600


def _token_outside_the_header(request: httpx.Request, token: str) -> bool:
    """Whether the access token travels anywhere but ``Authorization: Bearer``: the URL
    (logged by every proxy) or the body, in clear or URL-encoded."""
    encoded = httpx.QueryParams({"t": token}).get("t")
    body = request.content.decode(errors="replace")
    return any(form in str(request.url) or form in body for form in {token, encoded})


def _every_call_with_a_token(client: StravaClient, token: str) -> None:
    client.athlete(token)
    client.activities(token, before=1_700_000_000, after=1, page=2, per_page=50)
    client.activity(token, 123)
    client.streams(token, 123)
    client.deauthorize(token)


@pytest.mark.parametrize("token", ["plain-token", "a+b/c=d&access_token=e", "with space%20"])
def test_the_access_token_travels_only_in_the_authorization_header(token: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        data: Any = [] if request.url.path.endswith("/athlete/activities") else {}
        return httpx.Response(200, json=data)

    _every_call_with_a_token(_client(handler), token)

    assert len(seen) == 5
    for request in seen:
        assert request.headers["authorization"] == f"Bearer {token}", request.url
        assert not _token_outside_the_header(request, token), request.url


def test_deauthorization_revokes_and_falls_back_only_on_a_404() -> None:
    def strava(revoke_status: int) -> tuple[StravaClient, list[str]]:
        paths: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            paths.append(request.url.path)
            if request.url.path.endswith("/revoke") and revoke_status != 200:
                return httpx.Response(revoke_status, json={
                    "message": "Record Not Found", "errors": []})
            return httpx.Response(200, json={"access_token": "tok"})

        return _client(handler), paths

    client, paths = strava(200)
    client.deauthorize("tok")
    assert paths == ["/oauth/revoke"]

    client, paths = strava(404)
    client.deauthorize("tok")
    assert paths == ["/oauth/revoke", "/oauth/deauthorize"]

    for status, error in ((401, StravaError), (403, StravaError), (500, StravaUnavailable)):
        client, paths = strava(status)
        with pytest.raises(error):
            client.deauthorize("tok")
        assert paths == ["/oauth/revoke"], status
