"""The built web app at "/": its files, its client-side routes, and /api left to the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app

INDEX = (
    '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script>'
    '</head><body><div id="root"></div></body></html>'
)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    web = tmp_path / "web_dist"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text(INDEX)
    (web / "assets" / "index-abc123.js").write_text("console.log('runnerly');")
    (web / "favicon.svg").write_text("<svg/>")
    return web


@pytest.fixture
def web(settings: Settings, fake: Any, built: Path) -> Iterator[TestClient]:
    app = create_app(
        settings.model_copy(update={"web_dir": built}), transport=httpx.MockTransport(fake.handle)
    )
    with TestClient(app) as client:
        yield client


def test_root_is_the_app_and_never_cached(web: TestClient) -> None:
    response = web.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self';" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path", ["/runs/12", "/confirm?token=abc", "/reset-password?token=x", "/dev/mail", "/settings"]
)
def test_client_side_routes_get_the_app(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_cached_for_good(web: TestClient) -> None:
    response = web.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_other_files_are_served_and_revalidated(web: TestClient) -> None:
    response = web.get("/favicon.svg")
    assert response.status_code == 200
    assert response.text == "<svg/>"
    assert response.headers["cache-control"] == "no-cache"


def test_a_missing_asset_is_a_404_not_the_page(web: TestClient, assert_problem: Any) -> None:
    assert_problem(web.get("/assets/index-old.js"), 404)


def test_no_file_outside_the_build_is_served(web: TestClient, built: Path) -> None:
    (built.parent / "secret.txt").write_text("no")
    response = web.get("/../secret.txt")
    assert response.text != "no"
    response = web.get("/%2e%2e/secret.txt")
    assert response.text != "no"


def test_api_paths_stay_the_api(web: TestClient, assert_problem: Any, login: Any) -> None:
    assert_problem(web.get("/api/nowhere"), 404)
    assert_problem(web.post("/api/nowhere", json={}), 404)
    assert_problem(web.get("/api"), 404)
    assert_problem(web.get("/api/auth/login"), 405)
    assert web.get("/api/health").status_code == 200
    assert web.get("/api/openapi.json").json()["info"]["title"] == "Runnerly API"


def test_pages_are_only_read(web: TestClient, assert_problem: Any) -> None:
    assert_problem(web.post("/runs/12"), 405)


def test_the_packaged_build_is_the_default(settings: Settings) -> None:
    from runnerly_dashboard.web import PACKAGED_WEB_DIR, web_dir

    expected = PACKAGED_WEB_DIR if (PACKAGED_WEB_DIR / "index.html").is_file() else None
    assert web_dir(settings.model_copy(update={"web_dir": None})) == expected


PAGE_WITH_TILES = (
    '<!doctype html><html><head>'
    '<meta name="runnerly-map-tiles" content="https://tile.openstreetmap.org/{z}/{x}/{y}.png" />'
    '<meta name="runnerly-map-attribution" content="© OpenStreetMap contributors" />'
    "</head><body></body></html>"
)


def _serve(settings: Settings, fake: Any, built: Path, **update: Any) -> TestClient:
    (built / "index.html").write_text(PAGE_WITH_TILES)
    app = create_app(
        settings.model_copy(update={"web_dir": built, **update}),
        transport=httpx.MockTransport(fake.handle),
    )
    return TestClient(app)


def _meta(page: str, name: str) -> str:
    start = page.index(f'<meta name="{name}" content="') + len(f'<meta name="{name}" content="')
    return page[start : page.index('"', start)]


def test_the_tile_server_is_a_setting_the_page_carries(
    settings: Settings, fake: Any, built: Path
) -> None:
    with _serve(
        settings, fake, built,
        tile_url="http://tiles.home.arpa:8080/osm/{z}/{x}/{y}.png?key=a&style=b",
        tile_attribution='Tiles © Home "Lab" <script>alert(1)</script>',
    ) as web:
        pages = [web.get(path) for path in ("/", "/runs/12")]

    for page in pages:
        assert _meta(page.text, "runnerly-map-tiles") == (
            "http://tiles.home.arpa:8080/osm/{z}/{x}/{y}.png?key=a&amp;style=b"
        )
        assert _meta(page.text, "runnerly-map-attribution") == (
            "Tiles © Home &quot;Lab&quot; &lt;script&gt;alert(1)&lt;/script&gt;"
        )
        assert "<script>" not in page.text
        # A tile server on plain http is let through the page's image sources: it alone.
        policy = page.headers["content-security-policy"]
        assert "img-src 'self' data: https: http://tiles.home.arpa:8080;" in policy


def test_without_the_settings_the_tiles_are_openstreetmaps(
    settings: Settings, fake: Any, built: Path
) -> None:
    with _serve(settings, fake, built) as web:
        page = web.get("/")

    assert _meta(page.text, "runnerly-map-tiles") == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert _meta(page.text, "runnerly-map-attribution") == "© OpenStreetMap contributors"
    assert "img-src 'self' data: https:;" in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    "tile_url",
    [
        "javascript:alert(1)//{z}/{x}/{y}",
        "https://tiles.example/{z}/{x}.png",  # no {y}
        "ftp://tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}/{y}.png\nX: y",
        "//tiles.example/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_url_that_is_no_tile_template_is_refused(tile_url: str) -> None:
    with pytest.raises(ValueError, match="tile"):
        Settings(tile_url=tile_url)
