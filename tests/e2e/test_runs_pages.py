"""The runs pages on a desktop and on a phone: the list sorted, filtered and searched with
its state in the address, an imported file's way to its run, the map without tiles, and
the splits and records tables within the screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from .conftest import ACTIVITY_FILES, PASSWORD, Tab, a_run, navigate, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

VIEWPORTS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}


def _runner_with_runs(tab: Tab, system: Any) -> list[dict[str, Any]]:
    email = new_email()
    sign_up(tab, email)
    runner_id = system.runner_id(email, PASSWORD)
    now = datetime.now(UTC).replace(microsecond=0)
    runs = []
    for index in range(25):
        run = a_run(runner_id, index, now - timedelta(days=index * 20, hours=2), points=60)
        run["name"] = f"Tempo {index}" if index % 5 == 0 else f"Easy {index}"
        run["distance_m"] = 3000.0 + (index * 7919) % 15000
        runs.append(run)
    runs[3]["name"] = "100% effort_at dawn"
    assert system.store_runs(runs)["created"] == len(runs)
    return runs


def _fits(page: Page, region: str) -> None:
    """The table inside the region is as wide as its box at most: no column cut off."""
    wrap = page.get_by_role("region", name=region)
    expect(wrap.locator("table")).to_be_visible()
    scroll, client = wrap.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client, f"{region}: {scroll} px of table in {client} px"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_runs_list_sorts_filters_and_searches(
    new_tab: Any, system: Any, viewport: str
) -> None:
    tab: Tab = new_tab(VIEWPORTS[viewport])
    page = tab.page
    runs = _runner_with_runs(tab, system)
    navigate(tab, "Runs")
    rows = page.get_by_test_id("run-row")
    expect(rows).to_have_count(20)
    expect(page.get_by_text(f"20 of {len(runs)} runs shown")).to_be_visible()

    page.get_by_label("Sort").select_option(label="Longest first")
    expect(page).to_have_url(re.compile(r"sort=distance"))
    longest = max(runs, key=lambda run: run["distance_m"])
    expect(rows.first).to_contain_text(longest["name"])
    page.get_by_label("Sort").select_option(label="Fastest first")
    fastest = min(runs, key=lambda run: run["moving_time_s"] / run["distance_m"])
    expect(rows.first).to_contain_text(fastest["name"])

    # A search takes its text as it is: the percent sign and the underscore are no wildcards.
    page.get_by_label("Search names").fill("100% effort_")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("100% effort_at dawn")
    page.get_by_label("Search names").fill("tempo")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(5)
    expect(page).to_have_url(re.compile(r"q=tempo"))

    # The year and month of the newest run, on the runner's clock (Europe/Paris is near
    # enough: the runs start at least two hours from midnight in every European zone).
    newest = datetime.fromisoformat(runs[0]["started_at"])
    in_month = [
        run for run in runs
        if (started := datetime.fromisoformat(run["started_at"])).year == newest.year
        and started.month == newest.month
    ]
    page.get_by_label("Search names").fill("")
    page.get_by_label("Year").select_option(str(newest.year))
    page.get_by_label("Month").select_option(str(newest.month))
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(len(in_month))

    # The state is the address: a reload shows the same list.
    page.reload()
    expect(rows).to_have_count(len(in_month))
    expect(page.get_by_label("Sort")).to_have_value("pace-asc")
    expect(page.get_by_label("Month")).to_have_value(str(newest.month))
    tab.shot(f"runs-sorted-{viewport}")
    tab.audit(f"the runs list, sorted and filtered ({viewport})")
    if viewport == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], width


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_splits_and_records_fit_the_screen_and_the_map_says_when_tiles_fail(
    new_tab: Any, system: Any, viewport: str
) -> None:
    tab: Tab = new_tab(VIEWPORTS[viewport])
    page = tab.page
    _runner_with_runs(tab, system)

    def refuse(route: Route) -> None:
        route.abort()

    page.route(re.compile(r"https?://[^/]*tile\.openstreetmap\.org/.*"), refuse)
    navigate(tab, "Runs")
    page.get_by_test_id("run-row").first.get_by_role("link").click()

    expect(page.get_by_text("The map's background could not load")).to_be_visible()
    route = page.locator(".run-map path.route-line")
    expect(route).to_have_count(1)
    assert len(route.get_attribute("d") or "") > 50
    _fits(page, "Splits table")
    tab.shot(f"run-without-tiles-{viewport}")

    navigate(tab, "Statistics")
    _fits(page, "Personal records table")
    tab.shot(f"records-{viewport}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_imported_file_leads_to_its_run_named_after_the_file(
    new_tab: Any, system: Any, viewport: str
) -> None:
    tab: Tab = new_tab(VIEWPORTS[viewport])
    page = tab.page
    sign_up(tab, new_email())
    navigate(tab, "Import")

    watch_file = ACTIVITY_FILES / "activity-small-fenix2-run.fit"
    page.get_by_label("Choose files").set_input_files(watch_file)
    link = page.get_by_role("link", name="Open the run")
    expect(link).to_be_visible(timeout=60_000)
    link.click()

    # The file has no title of its own: its file name names the run.
    expect(page.get_by_role("heading", name="Activity small fenix2 run")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))
    tab.shot(f"imported-run-{viewport}")
