"""A runner with a history plans a race and reads their monthly report, in Chromium, on the
real processes: the plan from a race's page, last month's report asked for, rendered (with
the countdown to the race entered), mailed and downloaded as a PDF, and the monthly mail
turned off and on (also from the mail's link)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from ..system import wait_until
from .conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Tab,
    month_to_date,
    navigate,
    new_email,
    runner_time_zone,
    sign_up,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# The dashboard's read timeout for the reports service (runnerly_dashboard.peers), and a
# little more for the page to show the answer.
REPORT_BUILD_LIMIT_MS = 65_000


def _last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _run(runner_id: str, key: str, started: datetime, distance_m: float, seconds: int
         ) -> dict[str, Any]:
    return {
        "runner_id": runner_id, "source": "manual", "external_id": key,
        "name": f"Run of {started:%d %b}", "sport_type": "Run",
        "started_at": started.isoformat(), "distance_m": distance_m,
        "moving_time_s": seconds, "elapsed_time_s": seconds + 60, "elevation_gain_m": 40.0,
    }


def _history(runner_id: str, today: date) -> list[dict[str, Any]]:
    """Last month: 5 km, 10 km and 8 km (23.0 km in 2 h 01 min, 120 m up). This month, an
    easy 6 km every other day so far, which the report of last month must not count."""
    month = _last_month(today)
    runs = [
        _run(runner_id, f"last-{day}", datetime(month.year, month.month, day, 7, 30, tzinfo=UTC),
             distance, seconds)
        for day, distance, seconds in ((3, 5_000.0, 1_500), (10, 10_000.0, 3_300),
                                       (17, 8_000.0, 2_480))
    ]
    for day in range(2, today.day, 2):
        started = datetime(today.year, today.month, day, 7, 0, tzinfo=UTC)
        runs.append(_run(runner_id, f"this-{day}", started, 6_000.0, 1_980))
    return runs


def test_a_runner_plans_a_race_and_reads_last_months_report(
    new_tab: Any, system: Any
) -> None:
    tab: Tab = new_tab()
    page = tab.page
    email = new_email()
    sign_up(tab, email)
    today = datetime.now(UTC).date()
    runner_id = system.runner_id(email, PASSWORD)
    history = _history(runner_id, today)
    assert system.store_runs(history)["created"] == len(history)

    # A race anyone can see, and a plan for it from its "Create a plan" link.
    race = f"Harbour Half {uuid.uuid4().hex[:6]}"
    race_day = today + timedelta(weeks=12)
    navigate(tab, "Races")
    form = page.get_by_role("form", name="Add a race")
    form.get_by_label("Name").fill(race)
    form.get_by_label("Date").fill(race_day.isoformat())
    form.get_by_label("Distance (km)").fill("21.0975")
    form.get_by_label("Location").fill("Brest")
    form.get_by_role("button", name="Add race").click()
    item = page.get_by_test_id("race").filter(has_text=race)
    item.get_by_role("button", name=f"Enter {race}").click()
    expect(item).to_contain_text("you too")
    item.get_by_role("link", name="Create a plan for this race").click()
    plan_form = page.get_by_role("form", name="Create a plan")
    expect(plan_form.get_by_label("Race")).to_have_value(re.compile(r"^\d+$"))
    plan_form.get_by_label("Days a week you can run").select_option("4")
    plan_form.get_by_label("Long run day").select_option("sunday")
    tab.audit("the plan form")
    plan_form.get_by_role("button", name="Create plan").click()

    expect(page.get_by_role("heading", level=1, name=race)).to_be_visible()
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("21.1 km")
    expect(summary).to_contain_text("VDOT")
    expect(summary.get_by_role("heading", name="Phases")).to_be_visible()
    expect(summary).to_contain_text("No workout is due yet")  # the plan starts next week
    weeks = page.get_by_test_id("plan-week")
    expect(weeks.first).to_be_visible()
    assert 11 <= weeks.count() <= 13  # next Monday to race day, twelve weeks from today
    # Race week is folded (the plan opens on its first weeks): unfolded, it shows the race.
    weeks.last.locator(".plan-week-head").click()
    expect(weeks.last.locator(".workout-race")).to_contain_text("Race")
    expect(page.get_by_test_id("plan-volume-chart").locator("canvas")).to_have_count(1)
    tab.shot("plan")
    tab.audit("a plan")

    # Home lists the plan's next workouts, linked to the plan.
    navigate(tab, "Home")
    next_workouts = page.get_by_role("region", name="Next workouts")
    expect(next_workouts.get_by_role("link", name=race)).to_be_visible()
    expect(next_workouts.get_by_test_id("next-workout")).to_have_count(3)
    # The runs stored since Home was first shown are counted once it has fetched again (on
    # the runner's clock; the month may turn meanwhile: either side of it is right).
    zone = runner_time_zone(system, email)
    now = datetime.now(UTC)
    shown = sorted({
        f"{month_to_date(history, zone, at) / 1000:.1f} km"
        for at in (now, now + timedelta(seconds=30))
    })
    expect(page.get_by_test_id("glance-month").locator("dd").first).to_have_text(
        re.compile("^(" + "|".join(map(re.escape, shown)) + ")$")
    )
    tab.shot("home-next-workouts")

    # No report yet: the page says when the first comes, and last month can be asked for.
    navigate(tab, "Reports")
    expect(page.get_by_text("Your first report arrives on the 1st of next month.")).to_be_visible()
    tab.shot("reports-empty")
    tab.audit("the reports page, empty")
    # The form offers last month (on the browser's clock, which may have turned a month
    # since the history was made); the report asked for is the month the history holds.
    month = _last_month(today)
    label = f"{month:%B %Y}"
    asked = page.get_by_role("form", name="Ask for a past month's report")
    offered = {f"{_last_month(day):%Y-%m}" for day in (today, datetime.now(UTC).date())}
    expect(asked.get_by_label("Month")).to_have_value(
        re.compile("^(" + "|".join(sorted(offered)) + ")$")
    )
    asked.get_by_label("Month").select_option(f"{month:%Y-%m}")
    asked.get_by_role("button", name="Build the report").click()

    # Building renders a chart and a PDF: it takes as long as the dashboard lets the
    # reports service take (then it answers 503), and says so while it builds.
    expect(asked.get_by_role("button", name="Building the report…")).to_be_hidden(
        timeout=REPORT_BUILD_LIMIT_MS
    )
    expect(page.get_by_role("heading", level=1, name=f"Your {label} in running")).to_be_visible()
    sent = f"Built and sent: the report is on its way to {email}."
    expect(page.get_by_text(sent)).to_be_visible()
    totals = page.get_by_test_id("report-totals")
    for figure in ("23.0 km", "2 h 01 min", "Runs3", "120 m"):
        expect(totals).to_contain_text(figure)
    highlights = page.get_by_test_id("report-highlights")
    expect(highlights).to_contain_text("Longest run10.0 km in 55:00")
    expect(highlights).to_contain_text("Fastest pace5:00 /km")  # the 5 km in 25:00
    # The race entered: the countdown from the day the report is built, today.
    next_race = page.get_by_test_id("report-race")
    expect(next_race).to_contain_text(race)
    countdowns = sorted({(race_day - day).days for day in (today, datetime.now(UTC).date())})
    expect(next_race.get_by_text(re.compile(r"^in \d+ days$"))).to_have_text(
        re.compile("^in (" + "|".join(map(str, countdowns)) + ") days$")
    )
    expect(next_race).to_contain_text("Predicted time")
    expect(page.get_by_test_id("report-week")).to_have_count(_weeks_in(month))
    expect(page.get_by_test_id("report-weekly-chart").locator("canvas")).to_have_count(1)
    tab.shot("report")
    tab.audit("a report")
    page.set_viewport_size(PHONE)
    tab.shot("report-phone")
    tab.audit("a report, on a phone")
    page.set_viewport_size(DESKTOP)

    pdf = page.get_by_role("link", name="Download PDF")
    expect(pdf).to_have_attribute("href", f"/api/reports/{month:%Y-%m}.pdf")
    download = page.request.get(pdf.get_attribute("href") or "")
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF")

    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_text(f"Sent: the report is on its way to {email}.")).to_be_visible()
    expect(page.get_by_text("(2 mails)", exact=False)).to_be_visible()

    page.get_by_role("link", name="All reports").click()
    listed = page.get_by_test_id("report-item")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("3 runs · 23.0 km · mailed")

    # The monthly mail: off and back on from the reports page.
    mail_me = page.get_by_role("checkbox", name="Mail me my monthly report")
    expect(mail_me).to_be_checked()
    mail_me.uncheck()
    expect(page.get_by_text("No more report mails.")).to_be_visible()
    mail_me.check()
    expect(page.get_by_text("You will get your report by mail.")).to_be_visible()
    tab.shot("reports")
    tab.audit("the reports page")

    # The mail's unsubscribe link, opened logged out, then the mail turned back on in Settings.
    # The Maildir keeps no order: the report mails are the ones with the header.
    reports = wait_until(
        lambda: [m for m in system.mails_to(email) if m["List-Unsubscribe"]][:2] or None,
        60, "the report mail",
    )
    link = re.search(r"<(http[^>]+/api/reports/unsubscribe\?token=[^>]+)>",
                     reports[0]["List-Unsubscribe"])
    assert link, reports[0]["List-Unsubscribe"]
    stranger: Tab = new_tab()
    stranger.page.goto(link.group(1).removeprefix(system.url))
    # Opening the link only asks (mail scanners open every link); the button unsubscribes.
    expect(stranger.page.get_by_role("heading", name="Stop the monthly report?")).to_be_visible()
    stranger.shot("report-unsubscribe-confirm")
    stranger.audit("the unsubscribe confirmation")
    stranger.page.get_by_role("button", name="Unsubscribe").click()
    expect(stranger.page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    expect(stranger.page.get_by_role("link", name="Open your reports")).to_be_visible()
    assert stranger.page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    ) != "rgba(0, 0, 0, 0)"  # the app's stylesheet applies
    stranger.shot("report-unsubscribed")
    stranger.audit("the unsubscribe page")

    navigate(tab, "Settings")
    settings_box = page.get_by_role("checkbox", name="Mail me my monthly report")
    expect(settings_box).not_to_be_checked()
    settings_box.check()
    expect(page.get_by_text("You will get your report by mail.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("checkbox", name="Mail me my monthly report")).to_be_checked()
    tab.audit("settings, with the monthly report")


def _weeks_in(month: date) -> int:
    """Monday-to-Sunday weeks that hold at least one day of the month."""
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    first_monday = month - timedelta(days=month.weekday())
    return (last - first_monday).days // 7 + 1
