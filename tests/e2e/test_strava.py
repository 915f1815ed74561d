"""Strava in demo mode, in Chromium: link through the simulator's approval page, watch the
history arrive, look at a run from Strava, unlink, leave."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from ..system import wait_until
from .conftest import PASSWORD, Tab, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _simulator_ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health/ready", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_a_runner_links_strava_watches_runs_arrive_and_unlinks(new_tab: Any, system: Any) -> None:
    # The simulator makes up its demo history at first start: it may still be at it.
    wait_until(lambda: _simulator_ready(system.simulator_url), 120, "the Strava simulator")
    tab: Tab = new_tab()
    page = tab.page
    email = new_email()
    sign_up(tab, email)

    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    strava = page.get_by_role("region", name="Strava")
    expect(strava).to_contain_text("Not linked yet")
    expect(strava).to_contain_text("Demo mode: this Runnerly talks to a built-in Strava simulator")
    tab.shot("strava-settings-unlinked")
    tab.audit("settings, Strava not linked")

    # Off to "Strava" (the simulator), approve there, and back on Settings.
    strava.get_by_role("button", name="Link Strava").click()
    page.wait_for_url(f"{system.simulator_url}/oauth/authorize?*")
    expect(page.get_by_role("heading", name="Authorize Runnerly")).to_be_visible()
    tab.shot("strava-approve")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"/settings\?strava=linked$"))
    notice = page.get_by_test_id("strava-outcome")
    expect(notice).to_contain_text("Strava is linked.")
    expect(notice).to_be_focused()
    expect(strava).to_contain_text("Linked as")
    progress = strava.get_by_test_id("strava-progress")
    expect(progress).to_be_visible()
    tab.shot("strava-linked")
    tab.audit("settings, just back from Strava")

    # The history comes in while the runner watches: no reload.
    expect(progress).to_contain_text("History imported", timeout=120_000)
    done = re.search(r"History imported: (\d+) runs? from (\d+) activit", progress.inner_text())
    assert done, progress.inner_text()
    runs, activities = int(done[1]), int(done[2])
    assert 0 < runs <= activities
    tab.shot("strava-synced")
    page.get_by_role("button", name="Dismiss").click()
    expect(notice).to_have_count(0)
    assert page.url.endswith("/settings")

    # Home: the link, the sync, and the runs it brought.
    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    home_strava = page.get_by_role("region", name="Strava")
    expect(home_strava).to_contain_text("Linked as")
    expect(home_strava.get_by_test_id("strava-progress")).to_contain_text(f"{runs} run")
    expect(page.get_by_test_id("run-row")).to_have_count(min(runs, 5))
    tab.shot("strava-home")
    tab.audit("home, Strava linked")

    # The newest run from Strava: its route on the map, and the charts of its streams.
    page.get_by_test_id("run-row").first.get_by_role("link").click()
    expect(page.locator(".run-map path.route-line")).to_have_count(1)
    for chart in ("pace", "heart-rate", "elevation"):
        expect(page.get_by_test_id(f"chart-{chart}").locator("canvas")).to_have_count(1)
    tab.shot("strava-run")
    tab.audit("a run from Strava")

    # Unlink, after saying yes: the runs from Strava go.
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    strava.get_by_role("button", name="Unlink Strava").click()
    unlink = page.get_by_role("alertdialog", name="Unlink Strava?")
    expect(unlink.get_by_role("button", name="Keep it linked")).to_be_focused()
    tab.shot("strava-unlink-confirm")
    unlink.get_by_role("button", name="Yes, unlink").click()
    expect(strava).to_contain_text("Strava is unlinked")
    expect(strava.get_by_role("button", name="Link Strava")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Runs").click()
    expect(page.get_by_text("No runs yet.")).to_be_visible()

    # And leave: the account goes, and the demo athlete is free for the next runner.
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Delete my account").click()
    leave = page.get_by_role("alertdialog", name="Delete your account?")
    leave.get_by_label("Confirmation").fill("delete my account")
    leave.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert system.http.post(
        "/api/auth/login", json={"email": email, "password": PASSWORD}
    ).status_code in (400, 401)


def test_coming_back_from_strava_without_approving(new_tab: Any, system: Any) -> None:
    wait_until(lambda: _simulator_ready(system.simulator_url), 120, "the Strava simulator")
    tab: Tab = new_tab()
    page = tab.page
    sign_up(tab, new_email())
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Link Strava").click()
    page.wait_for_url(f"{system.simulator_url}/oauth/authorize?*")
    page.get_by_role("button", name="Cancel").click()

    page.wait_for_url(re.compile(r"/settings\?strava=error&reason=access_denied$"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Strava was not linked.")
    expect(alert).to_contain_text("You chose not to authorize Runnerly")
    expect(alert).to_be_focused()
    expect(page.get_by_role("region", name="Strava")).to_contain_text("Not linked yet")
    tab.shot("strava-cancelled")
    tab.audit("settings, Strava cancelled")
