"""Conditional reads: a strong ETag on successful reads, and 304 when the client holds it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from runnerly_kit.app import create_app
from runnerly_kit.caching import CACHE_CONTROL, ConditionalRoute, etag_for, etag_matches
from runnerly_kit.errors import NotFound
from runnerly_kit.settings import KitSettings

router = APIRouter(route_class=ConditionalRoute)
things = {"a": {"name": "a", "size": 1}}


@router.get("/things/{name}", responses={404: {"description": "No such thing."}})
def read_thing(name: str) -> dict[str, object]:
    if name not in things:
        raise NotFound("No such thing.")
    return things[name]


@router.put("/things/{name}")
def put_thing(name: str, thing: dict[str, object]) -> dict[str, object]:
    things[name] = thing
    return thing


@router.get("/stream")
def stream() -> StreamingResponse:
    return StreamingResponse(iter([b"one", b"two"]), media_type="text/plain")


@pytest.fixture
def client(settings: KitSettings) -> Iterator[TestClient]:
    things.clear()
    things["a"] = {"name": "a", "size": 1}
    app = create_app(settings, title="demo", routers=[router], verify_tokens=False)
    with TestClient(app) as client:
        yield client


def test_a_read_is_tagged_and_revalidated(client: TestClient) -> None:
    first = client.get("/things/a")

    assert first.status_code == 200
    assert first.headers["etag"] == etag_for(first.content)
    assert first.headers["cache-control"] == CACHE_CONTROL
    again = client.get("/things/a", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_a_changed_body_is_sent_again_with_its_new_tag(client: TestClient) -> None:
    before = client.get("/things/a").headers["etag"]
    assert client.put("/things/a", json={"name": "a", "size": 2}).status_code == 200

    after = client.get("/things/a", headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.json() == {"name": "a", "size": 2}
    assert after.headers["etag"] != before


def test_writes_errors_and_streams_are_not_tagged(client: TestClient) -> None:
    written = client.put("/things/b", json={"name": "b"})
    missing = client.get("/things/nope", headers={"If-None-Match": "*"})
    streamed = client.get("/stream", headers={"If-None-Match": "*"})

    assert written.status_code == 200 and "etag" not in written.headers
    assert missing.status_code == 404 and "etag" not in missing.headers
    assert streamed.status_code == 200 and streamed.text == "onetwo"
    assert "etag" not in streamed.headers


def test_the_contract_names_the_304_of_reads_only(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert set(paths["/things/{name}"]["get"]["responses"]) >= {"200", "304", "404"}
    assert "304" not in paths["/things/{name}"]["put"]["responses"]


@pytest.mark.parametrize(
    ("if_none_match", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),  # the weak comparison: a weak tag matches its strong twin
        ('"x", W/"abc" , "y"', True),
        (" * ", True),
        ('"abcd"', False),
        ('"x", "y"', False),
        ("", False),
    ],
)
def test_if_none_match_is_compared_weakly(if_none_match: str, matches: bool) -> None:
    assert etag_matches(if_none_match, '"abc"') is matches
    assert etag_matches(if_none_match, 'W/"abc"') is matches
