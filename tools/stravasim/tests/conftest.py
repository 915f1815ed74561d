"""Fixtures: a simulator on a fake clock, OAuth helpers, a swagger validator, a callback server."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from runnerly_stravasim.clock import FakeClock
from runnerly_stravasim.config import Settings
from runnerly_stravasim.main import create_app
from runnerly_stravasim.testing import authorize, exchange

SWAGGER = Path(__file__).parent / "data" / "strava-api-v3.swagger.json"
# 2026-03-10T10:07:00Z: seven minutes into a quarter hour.
START = 1_773_137_220.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, webhook_retry_delay=0.0, webhook_timeout=1.0)


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


@pytest.fixture
def tokens(client: TestClient) -> dict[str, Any]:
    return exchange(client, authorize(client))


@pytest.fixture
def auth(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


# --- A validator for the swagger's definitions ---------------------------------------------

# Fields Strava always sends for these models (the swagger lists no required fields).
REQUIRED = {
    "SummaryActivity": {
        "id",
        "resource_state",
        "athlete",
        "name",
        "distance",
        "moving_time",
        "elapsed_time",
        "total_elevation_gain",
        "type",
        "sport_type",
        "start_date",
        "start_date_local",
        "timezone",
        "start_latlng",
        "end_latlng",
        "map",
        "trainer",
        "commute",
        "manual",
        "private",
        "visibility",
        "average_speed",
        "max_speed",
        "has_heartrate",
    },
    "DetailedAthlete": {
        "id",
        "resource_state",
        "firstname",
        "lastname",
        "city",
        "country",
        "sex",
        "created_at",
        "updated_at",
        "measurement_preference",
        "weight",
    },
    "SummaryAthlete": {"id", "resource_state", "firstname", "lastname"},
    "Fault": {"message", "errors"},
}
REQUIRED["DetailedActivity"] = REQUIRED["SummaryActivity"] | {"laps", "calories"}
# Fields Strava sends that its swagger leaves out (resource_state, heart rate, visibility...).
EXTRA = {
    "resource_state",
    "utc_offset",
    "location_city",
    "location_state",
    "location_country",
    "visibility",
    "has_heartrate",
    "average_heartrate",
    "max_heartrate",
    "average_cadence",
    "heartrate_opt_out",
    "display_hide_heartrate_option",
    "from_accepted_tag",
    "pr_count",
    "suffer_score",
    "stats_visibility",
    "available_zones",
    "username",
    "bio",
    "badge_type_id",
    "friend",
    "follower",
    "mutual_friend_count",
    "athlete_type",
    "date_preference",
    "average_grade_adjusted_speed",
    "type",
    "weight",
    "device_watts",
}
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class Swagger:
    def __init__(self) -> None:
        self.definitions: dict[str, Any] = json.loads(SWAGGER.read_text())["definitions"]

    def resolve(self, ref: str) -> tuple[str, dict[str, Any]]:
        name = ref.split("/")[-1]
        return name, self.definitions[name]

    def properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for part in schema.get("allOf", [schema]):
            if "$ref" in part:
                props.update(self.properties(self.resolve(part["$ref"])[1]))
            props.update(part.get("properties", {}))
        return props

    def check(self, value: Any, model: str) -> list[str]:
        errors: list[str] = []
        self._check(value, {"$ref": f"#/definitions/{model}"}, model, errors)
        return errors

    def _check(self, value: Any, schema: dict[str, Any], path: str, errors: list[str]) -> None:
        if "$ref" in schema:
            name, target = self.resolve(schema["$ref"])
            if isinstance(value, dict):
                missing = REQUIRED.get(name, set()) - value.keys()
                if missing:
                    errors.append(f"{path}: missing {sorted(missing)}")
            schema = target
        if value is None:
            return  # Strava sends null for what it does not know (workout_type, ftp, ...)
        if "allOf" in schema or "properties" in schema:
            if not isinstance(value, dict):
                errors.append(f"{path}: expected object")
                return
            props = self.properties(schema)
            for key, item in value.items():
                if key in props:
                    self._check(item, props[key], f"{path}.{key}", errors)
                elif key not in EXTRA:
                    errors.append(f"{path}.{key}: not in the swagger")
            return
        kind = schema.get("type")
        if kind == "array":
            if not isinstance(value, list):
                errors.append(f"{path}: expected array")
                return
            # Strava sends [] for a position it does not have (LatLng says 2 items).
            if value and not schema.get("minItems", 0) <= len(value) <= schema.get(
                "maxItems", 10**9
            ):
                errors.append(f"{path}: {len(value)} items")
            for i, item in enumerate(value):
                self._check(item, schema.get("items", {}), f"{path}[{i}]", errors)
            return
        checks = {
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "string": lambda v: isinstance(v, str),
            "boolean": lambda v: isinstance(v, bool),
            "object": lambda v: isinstance(v, dict),
        }
        if kind in checks and not checks[kind](value):
            errors.append(f"{path}: {value!r} is not {kind}")
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path}: {value!r} not in enum")
        if schema.get("format") == "date-time" and not DATE_TIME.match(str(value)):
            errors.append(f"{path}: {value!r} is not a date-time")


@pytest.fixture(scope="session")
def swagger() -> Swagger:
    return Swagger()


# --- A callback server for webhooks -----------------------------------------------------------


class Callback:
    def __init__(self) -> None:
        self.mode = "echo"  # echo | wrong | slow | error
        self.fail_posts = 0
        self.events: list[dict[str, Any]] = []
        self.challenges: list[dict[str, list[str]]] = []
        self.url = ""


@pytest.fixture
def callback() -> Iterator[Callback]:
    state = Callback()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            state.challenges.append(query)
            challenge = query.get("hub.challenge", [""])[0]
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "error":
                self._send(500, {})
            elif state.mode == "wrong":
                self._send(200, {"hub.challenge": "not-it"})
            else:
                self._send(200, {"hub.challenge": challenge})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            if state.fail_posts > 0:
                state.fail_posts -= 1
                self._send(500, {})
                return
            state.events.append(body)
            self._send(200, {})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/webhook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()
