"""The plan page on a laptop and on a phone: it opens on this week with the weeks after
folded, "Today" brings this week back, the plan's remarks are read in the runner's words,
and on a phone the page stays a few screens long rather than a 15,000-pixel scroll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Tab, navigate, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Four phone screens: the summary, the predictions, the chart and two open weeks.
PHONE_PAGE_LIMIT_PX = 4 * 844 * 2


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_plan_page_opens_on_this_week_with_the_rest_folded(
    new_tab: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    page = tab.page
    sign_up(tab, new_email())
    race_day = datetime.now(UTC).date() + timedelta(weeks=16)
    navigate(tab, "Plans")
    form = page.get_by_role("form", name="Create a plan")
    form.get_by_label("Race", exact=True).select_option("own")
    form.get_by_label("Race day").fill(race_day.isoformat())
    form.get_by_label("Distance (km)").fill("42.195")
    form.get_by_label("Days a week you can run").select_option("5")
    form.get_by_label("Goal time (optional)").fill("3:00:00")
    form.get_by_label("If the goal is faster than your fitness predicts").select_option(
        "keep_goal"
    )
    form.get_by_role("button", name="Create plan").click()

    # A runner with no history, a 3:00 goal kept: the gap is said.
    remarks = page.get_by_role("list", name="Remarks")
    expect(remarks.locator("[data-code=goal_kept_beyond_fitness]")).to_be_visible()
    expect(remarks.locator("[data-code=fitness_default]")).to_be_visible()
    expect(page.get_by_text("You chose to keep your goal")).to_be_visible()

    weeks = page.get_by_test_id("plan-week")
    assert 16 <= weeks.count() <= 17
    # Not started yet: it opens on its first two weeks, the others folded.
    first = weeks.first
    expect(first).to_have_attribute("open", "")
    expect(weeks.nth(1)).to_have_attribute("open", "")
    for index in range(2, weeks.count()):
        expect(weeks.nth(index)).not_to_have_attribute("open", "")
        expect(weeks.nth(index).get_by_test_id("workout")).to_have_count(0)
    expect(first.get_by_test_id("workout").first).to_be_visible()
    expect(first.get_by_test_id("workout").filter(has_text="Planned").first).to_be_visible()

    height = page.evaluate("document.documentElement.scrollHeight")
    if viewport is PHONE:
        assert height <= PHONE_PAGE_LIMIT_PX, height

    # Far down the page, "Today" brings this week back into view.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(first.locator(".plan-week-head")).not_to_be_in_viewport()
    page.get_by_role("button", name="Today").click()
    expect(first.locator(".plan-week-head")).to_be_in_viewport()
    # A folded week opens on demand.
    weeks.last.locator(".plan-week-head").click()
    expect(weeks.last.locator(".workout-race")).to_contain_text("Race")
    tab.shot(f"plan-page-{'phone' if viewport is PHONE else 'laptop'}")
    tab.audit("the plan page")

    # Having seen the gap, the runner changes their mind, and back: the weeks to come follow.
    page.get_by_role("button", name="Train for the predicted time instead").click()
    expect(remarks.locator("[data-code=goal_beyond_fitness]")).to_be_visible()
    expect(page.get_by_text("Race-pace work is at the time your fitness predicts")).to_be_visible()
    page.get_by_role("button", name="Keep my goal and train at goal pace").click()
    expect(remarks.locator("[data-code=goal_kept_beyond_fitness]")).to_be_visible()
    expect(page.get_by_text("You chose to keep your goal")).to_be_visible()
