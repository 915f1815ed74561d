"""Schemathesis against every service's OpenAPI: whatever the input, never a 5xx.

Requests carry a valid token holding every scope, so that the fuzzing reaches past the
authentication into validation and the domain code.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from runnerly_kit.testing import TestKeys, bearer

USER_SCOPES = (
    "profile:read profile:write runs:read runs:delete runs:import races:read races:write "
    "stats:read plans:read plans:write reports:read reports:write"
)
# The dashboard is left out: it verifies no token itself and answers from its peers,
# which these tests fuzz directly; its own validation is fuzzed by its functional tests.
FUZZED = ("tokendealer", "dataservice", "mailer", "ingest", "plans", "reports")


# Cheap password hashing: the fuzzer signs up many times.
EXTRA_SETTINGS: dict[str, dict[str, Any]] = {
    "tokendealer": {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1},
}


def _app(service: str, data_dir: Path, keys: TestKeys) -> FastAPI:
    config = importlib.import_module(f"runnerly_{service}.config")
    main = importlib.import_module(f"runnerly_{service}.main")
    settings = config.Settings(env="test", data_dir=data_dir, **EXTRA_SETTINGS.get(service, {}))
    app: FastAPI = main.create_app(settings)
    keys.install(app)
    return app


@pytest.mark.parametrize("service", FUZZED)
def test_no_input_makes_a_server_error(service: str, tmp_path: Path) -> None:
    keys = TestKeys()
    app = _app(service, tmp_path, keys)
    with TestClient(app):  # runs the lifespan: migrations, keys, clients
        if service == "tokendealer":
            # Tokendealer trusts its own key folder, not the test key: a token it signed.
            token = _tokendealer_user_token(app)
        else:
            token = keys.token("fuzzer", USER_SCOPES)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert operations
        for operation in operations:
            _fuzz(operation, bearer(token))


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=int(os.environ.get("RUNNERLY_FUZZ_EXAMPLES", "25")),
        # The same cases on every run, so the suite stays deterministic; raise the count
        # (or set RUNNERLY_FUZZ_RANDOM=1) to explore further.
        derandomize=not os.environ.get("RUNNERLY_FUZZ_RANDOM"),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        if _a_peer_is_down(response):
            # Plans and reports read the dataservice, which does not run here: past their
            # input checks they answer 503, as they would with the peer down.
            return
        case.validate_response(response, checks=[not_a_server_error])

    check()


def _a_peer_is_down(response: Any) -> bool:
    # Schemathesis keeps every header's values as a list.
    return bool(
        response.status_code == 503
        and response.headers.get("content-type") == ["application/problem+json"]
        and response.json().get("title") == "Service unavailable"
    )


def _tokendealer_user_token(app: FastAPI) -> str:
    runtime = app.state.runtime
    keys = importlib.import_module("runnerly_tokendealer.keys.service")
    return str(keys.issue_access_token(runtime.keys, runtime.settings, "fuzzer", USER_SCOPES))
