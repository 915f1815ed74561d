"""The page behind the mailed unsubscribe link: a page for a person, in every outcome."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi.testclient import TestClient

from runnerly_dashboard.config import Settings
from runnerly_dashboard.reports.page import UNSUBSCRIBED, render, stylesheets

from .conftest import GOOD_TOKEN

if TYPE_CHECKING:
    from .conftest import FakeReports

# What a browser's form post asks for.
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_forged_or_cut_link_gets_a_page_saying_what_to_do(
    client: TestClient, reports: FakeReports
) -> None:
    reports.unsubscribe_tokens[GOOD_TOKEN] = "ada"

    page = client.post("/api/reports/unsubscribe", params={"token": GOOD_TOKEN[:-3]},
                       headers=BROWSER)

    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "This link does not work" in page.text and 'href="/settings"' in page.text
    assert "ada" not in reports.subscribed


def test_the_link_followed_while_reports_is_down_says_to_come_back(
    client: TestClient, reports: FakeReports
) -> None:
    reports.unsubscribe_tokens[GOOD_TOKEN] = "ada"
    reports.down = True

    page = client.post("/api/reports/unsubscribe", params={"token": GOOD_TOKEN},
                       headers=BROWSER)

    assert page.status_code == 503
    assert "Please try again in a moment" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_the_page_wears_the_web_apps_stylesheet_and_no_inline_style(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="icon" href="/favicon.svg">'
        '<link rel="stylesheet" crossorigin href="/assets/index-Ab12.css">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head></html>'
    )
    built = Settings(env="test", data_dir=tmp_path, web_dir=tmp_path)

    styles = stylesheets(built)
    html = render(UNSUBSCRIBED, styles)

    # Another origin's sheet would be refused by the policy (style-src 'self'): not linked.
    assert styles == ["/assets/index-Ab12.css"]
    assert '<link rel="stylesheet" href="/assets/index-Ab12.css">' in html
    assert "style=" not in html and "<style" not in html
    assert '<html lang="en">' in html and 'name="viewport"' in html

