"""A new runner's journey through the web app, in Chromium, on the real processes."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import (
    ACTIVITY_FILES,
    PASSWORD,
    PHONE,
    Tab,
    month_to_date,
    navigate,
    new_email,
    runner_time_zone,
    sign_up,
    some_runs,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_a_new_runner_signs_up_sees_runs_and_leaves(new_tab: Any, system: Any) -> None:
    tab: Tab = new_tab()
    page = tab.page
    email = new_email()
    page.goto("/")
    expect(page.get_by_role("heading", name="Runnerly")).to_be_visible()
    tab.shot("welcome")
    tab.audit("the welcome page")
    sign_up(tab, email, shots="journey")

    # A new runner: nothing yet, and the page says how runs get in.
    expect(page.get_by_test_id("glance-week").locator("dd")).to_have_text(["0.0 km", "0 min", "0"])
    strava = page.get_by_role("region", name="Strava")
    expect(strava).to_contain_text("Not linked yet")
    expect(strava).to_contain_text("Demo mode")
    expect(strava.get_by_role("link", name="Link Strava in Settings")).to_be_visible()
    tab.shot("home-empty")
    tab.audit("home, empty")
    page.get_by_role("navigation").get_by_role("link", name="Runs").click()
    expect(page.get_by_text("No runs yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Import files")).to_be_visible()
    tab.shot("runs-empty")
    tab.audit("the runs list, empty")

    # Runs arrive (as ingest sends them), with a route, streams and splits.
    runner_id = system.runner_id(email, PASSWORD)
    runs = some_runs(runner_id, 25)
    assert system.store_runs(runs)["created"] == 25
    page.reload()
    rows = page.get_by_test_id("run-row")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("Morning run 0")
    expect(rows.first).to_contain_text("5.00 km")
    expect(rows.first).to_contain_text("/km")
    tab.shot("runs")
    tab.audit("the runs list")
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(25)
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)

    # A run: its route on the map (drawn even with no tile reachable), charts and splits.
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Morning run 0")).to_be_visible()
    expect(page.locator(".run-map path.route-line")).to_have_count(1)
    route = page.locator(".run-map path.route-line").get_attribute("d")
    assert route and len(route) > 50
    for chart in ("pace", "heart-rate", "elevation"):
        expect(page.get_by_test_id(f"chart-{chart}").locator("canvas")).to_have_count(1)
    splits = page.get_by_role("table", name="Splits").locator("tbody tr")
    expect(splits).to_have_count(5)
    expect(splits.first).to_contain_text("4:58 /km")
    tab.shot("run")
    tab.audit("a run")

    # Home now sums the month's runs on the runner's clock and lists the latest. The month
    # may turn while the page loads: either side of that instant is right, nothing else.
    zone = runner_time_zone(system, email)
    now = datetime.now(UTC)
    shown = sorted({
        f"{month_to_date(runs, zone, at) / 1000:.1f} km"
        for at in (now, now + timedelta(seconds=30))
    })
    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    expect(page.get_by_test_id("run-row")).to_have_count(5)
    expect(page.get_by_test_id("glance-month").locator("dd").first).to_have_text(
        re.compile("^(" + "|".join(map(re.escape, shown)) + ")$")
    )
    tab.shot("home")
    tab.audit("home")

    page.get_by_role("navigation").get_by_role("link", name="Statistics").click()
    expect(page.get_by_test_id("stats-chart").locator("canvas")).to_have_count(1)
    # The runs (5 km and a little more, with streams) set a 1 km and a 5 km record, both in
    # the fastest run, the oldest: 5240 m in 1524 s, so 5 km in 1454 s.
    records = page.get_by_test_id("record-row")
    expect(records).to_have_count(2)
    expect(records.first).to_contain_text("1 km")
    expect(records.last).to_contain_text("24:14")
    page.get_by_role("button", name="Monthly").click()
    expect(page.get_by_role("button", name="Monthly")).to_have_attribute("aria-pressed", "true")
    tab.shot("stats")
    tab.audit("statistics")

    # Files from a watch: each gets its own result once the worker has read it; a ride is
    # refused, a run imported.
    page.get_by_role("navigation").get_by_role("link", name="Import").click()
    tab.audit("import")
    page.get_by_label("Choose files").set_input_files(
        [ACTIVITY_FILES / "activity-small-fenix2-run.fit",
         ACTIVITY_FILES / "garmin-fenix-5-bike.fit"]
    )
    uploads = page.locator(".uploads li")
    expect(uploads.filter(has_text="activity-small-fenix2-run.fit")).to_contain_text(
        "Imported", timeout=60_000
    )
    expect(uploads.filter(has_text="garmin-fenix-5-bike.fit")).to_contain_text(
        re.compile("Refused: .*cycling"), timeout=60_000
    )
    tab.shot("import")
    tab.audit("import, with results")

    # Miles, everywhere at once.
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    page.get_by_label("Miles (mi, ft)").check()
    expect(page.get_by_text("Units saved.")).to_be_visible()
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    tab.shot("settings")
    tab.audit("settings")
    page.get_by_role("navigation").get_by_role("link", name="Runs").click()
    expect(page.get_by_test_id("run-row").first).to_contain_text("3.11 mi")
    expect(page.get_by_test_id("run-row").first).to_contain_text("/mi")
    expect(page.get_by_test_id("run-row").first).to_contain_text("138 ft")

    # Export: one JSON file with the profile, every run, the records, plans and reports.
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export my data").click()
    exported = json.loads(download.value.path().read_text())
    assert exported["account"]["email"] == email
    assert exported["profile"]["units"] == "mi"
    assert len(exported["runs"]) == 26
    assert "5k" in {record["distance"] for record in exported["personal_records"]}
    assert exported["plans"] == [] and exported["reports"] == []
    assert exported["strava"]["linked"] is False

    # Delete a run, then the account.
    page.get_by_role("navigation").get_by_role("link", name="Runs").click()
    page.get_by_test_id("run-row").first.get_by_role("link").click()
    page.get_by_role("button", name="Delete run").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", name="Runs")).to_be_visible()
    expect(page.get_by_text("Morning run 0", exact=True)).to_have_count(0)

    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Delete my account").click()
    dialog = page.get_by_role("alertdialog", name="Delete your account?")
    delete = dialog.get_by_role("button", name="Delete my account")
    expect(delete).to_be_disabled()
    dialog.get_by_label("Confirmation").fill("delete my account")
    delete.click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up").first).to_be_visible()
    assert system.http.post(
        "/api/auth/login", json={"email": email, "password": "correct horse battery staple"}
    ).status_code in (400, 401)


def test_a_race_one_runner_adds_another_enters(new_tab: Any) -> None:
    first: Tab = new_tab()
    sign_up(first, new_email())
    page = first.page
    page.get_by_role("navigation").get_by_role("link", name="Races").click()
    form = page.get_by_role("form", name="Add a race")

    # The API's validation messages show next to their fields.
    form.get_by_role("button", name="Add race").click()
    expect(form.locator(".field-error").first).to_be_visible()
    expect(form.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    first.shot("races-invalid")
    first.audit("races, with a form's errors")

    name = f"Lakeside {new_email()[7:13]} half"
    form.get_by_label("Name").fill(name)
    form.get_by_label("Date").fill((date.today() + timedelta(days=40)).isoformat())
    form.get_by_label("Distance (km)").fill("21.1")
    form.get_by_label("Location").fill("Annecy")
    form.get_by_role("button", name="Add race").click()
    expect(form.get_by_text(f"Added {name}.")).to_be_visible()
    race = page.get_by_test_id("race").filter(has_text=name)
    expect(race).to_contain_text("0 runners entered")
    race.get_by_role("button", name=f"Enter {name}").click()
    expect(race).to_contain_text("1 runner entered, you too")
    first.shot("races")
    first.audit("races")

    # A second runner, in a browser of their own, sees it and enters too.
    second: Tab = new_tab()
    sign_up(second, new_email())
    expect(second.page.get_by_text("You have not entered a race yet.")).to_be_visible()
    second.page.get_by_role("navigation").get_by_role("link", name="Races").click()
    theirs = second.page.get_by_test_id("race").filter(has_text=name)
    expect(theirs).to_contain_text("1 runner entered")
    theirs.get_by_role("button", name=f"Enter {name}").click()
    expect(theirs).to_contain_text("2 runners entered, you too")
    second.page.get_by_role("navigation").get_by_role("link", name="Home").click()
    expect(second.page.get_by_text(name)).to_be_visible()

    page.reload()
    expect(page.get_by_test_id("race").filter(has_text=name)).to_contain_text("2 runners entered")
    mine = page.get_by_test_id("race").filter(has_text=name)
    mine.get_by_role("button", name=f"Leave {name}").click()
    expect(mine).to_contain_text("1 runner entered")


def test_pages_on_a_phone(new_tab: Any, system: Any) -> None:
    tab: Tab = new_tab(PHONE)
    page = tab.page
    email = new_email()
    sign_up(tab, email)
    system.store_runs(some_runs(system.runner_id(email, PASSWORD), 3))
    page.reload()
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    expect(page.get_by_test_id("run-row").first).to_be_visible()
    tab.shot("phone-home")
    tab.audit("home on a phone")
    navigate(tab, "Runs")
    expect(page.get_by_test_id("run-row")).to_have_count(3)
    tab.shot("phone-runs")
    page.get_by_test_id("run-row").first.get_by_role("link").click()
    expect(page.locator(".run-map path.route-line")).to_have_count(1)
    tab.shot("phone-run")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    navigate(tab, "Settings")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    tab.shot("phone-settings")


def test_logging_out_and_back_in(new_tab: Any) -> None:
    tab: Tab = new_tab()
    page = tab.page
    email = new_email()
    sign_up(tab, email)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    # A runner's page needs a session: it leads to log in, then back.
    page.goto("/runs")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Runs")).to_be_visible()
    stored = page.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")
    assert not re.search(r"token", stored), stored
