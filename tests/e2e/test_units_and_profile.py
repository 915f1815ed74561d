"""A runner's profile and units, in Chromium on the real processes, at a desktop's size and
a phone's (390 x 844): a number the profile cannot read is refused beside its field and
clears nothing; in miles, the run's splits are per mile, a race typed as 26.2 mi is the
marathon's 42,195 m, and the plan's workouts and its calendar file speak miles."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PASSWORD, Tab, a_run, navigate, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE_390 = {"width": 390, "height": 844}
NUMBERS = {
    "Birth year": "1988",
    "Weight (kg)": "61.5",
    "Max heart rate (bpm)": "188",
    "Resting heart rate (bpm)": "47",
    "VO2max (ml/kg/min)": "52.5",
}
UNREADABLE = {
    "Birth year": "in 1988",
    "Weight (kg)": "70 kg",
    "Max heart rate (bpm)": "190bpm",
    "Resting heart rate (bpm)": "forty",
    "VO2max (ml/kg/min)": "52,5,1",
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["desktop", "phone-390"])
def test_a_runners_profile_keeps_its_numbers_and_miles_reach_every_page(
    new_tab: Any, system: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    page = tab.page
    email = new_email()
    sign_up(tab, email)
    runner_id = system.runner_id(email, PASSWORD)
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    assert system.store_runs([a_run(runner_id, 0, started)])["created"] == 1

    # The profile's numbers, saved; then nothing the runner types by mistake erases one.
    navigate(tab, "Settings")
    profile = page.get_by_role("form", name="Profile")
    for label, value in NUMBERS.items():
        profile.get_by_label(label).fill(value)
    profile.get_by_role("button", name="Save profile").click()
    expect(profile.get_by_text("Profile saved.")).to_be_visible()
    page.reload()
    for label, value in UNREADABLE.items():
        profile.get_by_label(label).fill(value)
    profile.get_by_role("button", name="Save profile").click()
    for label in UNREADABLE:
        field = profile.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("^Enter "))
    expect(profile.get_by_text("Profile saved.")).to_have_count(0)
    tab.shot(f"profile-refused-{viewport['width']}")
    tab.audit("the profile with refused numbers")
    page.reload()
    for label, value in NUMBERS.items():
        expect(profile.get_by_label(label)).to_have_value(value)

    # Miles.
    page.get_by_role("radio", name="Miles (mi, ft)").check()
    expect(page.get_by_text("Units saved.")).to_be_visible()

    # The run: its splits per mile (5.0 km: three miles and the rest), paces per mile.
    navigate(tab, "Runs")
    page.get_by_role("link", name="Morning run 0").first.click()
    splits = page.get_by_role("table", name="Splits")
    expect(splits).to_be_visible()
    rows = splits.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("1.00 mi")
    expect(rows.first).to_contain_text("/mi")
    expect(splits).not_to_contain_text("0.62 mi")
    expect(splits).not_to_contain_text("/km")
    tab.shot(f"run-splits-miles-{viewport['width']}")

    # A marathon typed in miles is the marathon.
    race = f"Harbour Marathon {uuid.uuid4().hex[:6]}"
    navigate(tab, "Races")
    form = page.get_by_role("form", name="Add a race")
    form.get_by_label("Name").fill(race)
    form.get_by_label("Date").fill((started.date() + timedelta(weeks=16)).isoformat())
    form.get_by_label("Distance (mi)").fill("26.2")
    form.get_by_label("Location").fill("Brest")
    form.get_by_role("button", name="Add race").click()
    item = page.get_by_test_id("race").filter(has_text=race)
    expect(item).to_contain_text("26.2 mi")
    races = page.request.get("/api/races?limit=100").json()["items"]
    assert [r["distance_m"] for r in races if r["name"] == race] == [42195]

    # Its plan: every workout and the calendar file in miles.
    item.get_by_role("button", name=f"Enter {race}").click()
    item.get_by_role("link", name="Create a plan for this race").click()
    plan_form = page.get_by_role("form", name="Create a plan")
    expect(plan_form.get_by_label("Race")).to_have_value(re.compile(r"^\d+$"))
    plan_form.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1, name=race)).to_be_visible()
    weeks = page.get_by_test_id("plan-week")
    expect(weeks.first).to_be_visible()
    texts = " ".join(weeks.all_inner_texts())
    assert " mi" in texts and "/mi" in texts
    assert not re.search(r"\d km\b|/km", texts), texts
    tab.shot(f"plan-miles-{viewport['width']}")
    href = page.get_by_role("link", name="Add to my calendar (.ics)").get_attribute("href")
    assert href is not None
    calendar = page.request.get(href).text()
    unfolded = calendar.replace("\r\n ", "")
    assert re.search(r"SUMMARY:Easy run: \d+\.\d mi", unfolded)
    assert not re.search(r"\d km\b|/km", unfolded)
