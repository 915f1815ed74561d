from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from runnerly_kit.db import migrate
from runnerly_kit.testing import TestKeys
from runnerly_mailer.config import Settings
from runnerly_mailer.main import create_app
from runnerly_mailer.runtime import MIGRATIONS_DIR, Runtime, build_runtime


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(settings)
    migrate(runtime.database.url, MIGRATIONS_DIR)
    yield runtime
    runtime.database.dispose()


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


@pytest.fixture
def client(settings: Settings, keys: TestKeys) -> Iterator[TestClient]:
    app = create_app(settings)
    keys.install(app)
    with TestClient(app) as client:
        yield client
