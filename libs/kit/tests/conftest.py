from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import pytest
import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field

from runnerly_kit.app import create_app
from runnerly_kit.auth import Principal, require_scopes, require_user
from runnerly_kit.db import Database
from runnerly_kit.errors import Conflict
from runnerly_kit.settings import KitSettings
from runnerly_kit.testing import TestKeys


class DemoSettings(KitSettings):
    service_name = "demo"


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=10)
    size: int = Field(ge=0)


router = APIRouter()


@router.post("/things", status_code=201)
def create_thing(thing: Thing) -> Thing:
    if thing.name == "taken":
        raise Conflict("A thing with this name exists already.")
    return thing


@router.get("/peer")
def peer(request: Request) -> dict[str, str | None]:
    return {"host": request.client.host if request.client else None, "scheme": request.url.scheme}


@router.get("/boom")
def boom() -> None:
    raise RuntimeError("a bug")


@router.get("/mine")
def mine(principal: Annotated[Principal, Depends(require_user("runs:read"))]) -> dict[str, str]:
    return {"sub": principal.sub}


@router.get("/service-only")
def service_only(
    principal: Annotated[Principal, Depends(require_scopes("runs:write"))],
) -> dict[str, bool]:
    return {"service": principal.is_service}


@pytest.fixture
def settings(tmp_path: Path) -> DemoSettings:
    return DemoSettings(env="test", data_dir=tmp_path, max_body_bytes=2048)


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


@pytest.fixture
def client(settings: DemoSettings, keys: TestKeys) -> Iterator[TestClient]:
    app = create_app(
        settings, title="demo", routers=[router], database=Database(settings.database_url)
    )
    keys.install(app)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """The test configures logging onto its captured stderr, closed after it."""
    config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.configure(**config)
    root.handlers[:] = handlers
    root.setLevel(level)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Wait until ``condition`` holds (what another thread does), failing after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
