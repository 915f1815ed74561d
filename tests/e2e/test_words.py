"""Plain words and no dead ends, in the browser, on a laptop and on a phone: a reused
confirmation link, a deleted account, a missing run, the one confirmation dialog of every
deletion, page titles, the focus after navigation, Escape on the menu, and anonymous visits
that log nothing to the console."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from ..system import wait_until
from .conftest import PASSWORD, Tab, log_in, navigate, new_email, some_runs

VIEWPORTS = [
    pytest.param({"width": 1366, "height": 900}, id="laptop"),
    pytest.param({"width": 390, "height": 844}, id="phone"),
]
PUBLIC_PAGES = ["/", "/signup", "/login", "/forgot-password", "/reset-password", "/confirm",
                "/account-deleted", "/dev/mail", "/no-such-page", "/runs"]


def _sign_up(tab: Tab, email: str) -> str:
    """Sign up and confirm through the mailed link; the link, for opening it again."""
    page = tab.page
    page.goto("/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your mail").wait_for()
    page.goto("/dev/mail")

    def mail_arrived() -> bool:
        page.get_by_role("button", name="Refresh").click()
        return page.locator(".mail", has_text=email).count() > 0

    wait_until(mail_arrived, 30, f"the mail to {email}")
    link = page.locator(".mail", has_text=email).first.locator("a[href*='/confirm?token=']").first
    href = link.get_attribute("href")
    assert href
    link.click()
    page.get_by_text("is confirmed").wait_for()
    return href


def _signed_up(tab: Tab) -> str:
    email = new_email()
    _sign_up(tab, email)
    tab.page.get_by_role("main").get_by_role("link", name="Log in").click()
    log_in(tab, email)
    return email


def _check_dialog(page: Page, opener: Locator, question: str) -> Locator:
    """The deletion's dialog: named by its question, focus on the safe choice and kept
    inside, Escape cancels and gives the focus back; opened again, it is returned."""
    opener.click()
    dialog = page.get_by_role("alertdialog", name=question)
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    safe = dialog.get_by_role("button").first
    expect(dialog.locator(":focus")).to_have_count(1)
    for _ in range(4):
        page.keyboard.press("Tab")
        expect(dialog.locator(":focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()
    opener.click()
    expect(safe).to_be_visible()
    return page.get_by_role("alertdialog", name=question)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_anonymous_visits_log_nothing_and_each_page_has_its_title(
    new_tab: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    titles = set()
    for path in PUBLIC_PAGES:
        tab.page.goto(path)
        expect(tab.page.get_by_role("heading", level=1)).to_be_visible()
        expect(tab.page).to_have_title(re.compile(r"^.+ — Runnerly$"))
        titles.add(tab.page.title())
        assert tab.console_errors == [], (path, tab.console_errors)
    # Every page its own title (/runs sends an anonymous visitor to log in).
    assert len(titles) == len(PUBLIC_PAGES) - 1


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reused_confirmation_link_says_the_account_is_confirmed(
    new_tab: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    email = new_email()
    link = _sign_up(tab, email)

    tab.page.goto(link)
    expect(tab.page.get_by_text("already confirmed")).to_be_visible()
    expect(tab.page.get_by_role("alert")).to_have_count(0)
    tab.page.get_by_role("main").get_by_role("link", name="Log in").click()
    log_in(tab, email)
    tab.audit("a reused confirmation link")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_missing_run_or_plan_is_a_plain_not_found_page(
    new_tab: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    _signed_up(tab)
    for path, heading in (("/runs/987654321", "Run not found"), ("/runs/nope", "Run not found"),
                          ("/plans/987654321", "Plan not found")):
        tab.page.goto(path)
        expect(tab.page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(tab.page.get_by_role("button", name="Try again")).to_have_count(0)
    tab.audit("a missing run")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_focus_moves_to_the_heading_and_escape_closes_the_menu(
    new_tab: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    _signed_up(tab)
    page = tab.page
    for link, heading, title in (("Races", "Races", "Races — Runnerly"),
                                 ("Settings", "Settings", "Settings — Runnerly"),
                                 ("Runs", "Runs", "Runs — Runnerly")):
        navigate(tab, link)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_focused()
        expect(page).to_have_title(title)

    menu = page.get_by_role("button", name="Menu")
    if viewport["width"] < 720:
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
        expect(page.get_by_role("navigation").get_by_role("link", name="Races")).to_be_hidden()
    else:
        expect(menu).to_be_hidden()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_deletion_asks_in_the_same_dialog_and_a_deleted_account_ends_on_its_page(
    new_tab: Any, system: Any, viewport: dict[str, int]
) -> None:
    tab: Tab = new_tab(viewport)
    email = _signed_up(tab)
    page = tab.page
    assert system.store_runs(some_runs(system.runner_id(email, PASSWORD), 2))["created"] == 2

    # A run.
    page.goto("/runs")
    page.get_by_test_id("run-row").first.get_by_role("link").click()
    dialog = _check_dialog(page, page.get_by_role("button", name="Delete run"), "Delete this run?")
    tab.audit("the run's delete dialog")
    dialog.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_test_id("run-row")).to_have_count(1)

    # A refused form speaks a runner's words, next to each field.
    navigate(tab, "Races")
    form = page.get_by_role("form", name="Add a race")
    form.get_by_role("button", name="Add race").click()
    expect(form.locator(".field-error").first).to_be_visible()
    library = re.compile(r"should|Input|String|Field required|valid date or datetime")
    for message in form.locator(".field-error").all_inner_texts():
        assert not library.search(message), message

    # A race, then a plan for another.
    races = []
    for _ in range(2):
        race = f"Words 10K {uuid.uuid4().hex[:6]}"
        races.append(race)
        navigate(tab, "Races")
        form = page.get_by_role("form", name="Add a race")
        form.get_by_label("Name").fill(race)
        form.get_by_label("Date").fill((datetime.now(UTC).date() + timedelta(weeks=10)).isoformat())
        form.get_by_label("Distance (km)").fill("10")
        form.get_by_label("Location").fill("Lyon")
        form.get_by_role("button", name="Add race").click()
        expect(page.get_by_test_id("race").filter(has_text=race)).to_be_visible()
    item = page.get_by_test_id("race").filter(has_text=races[0])
    dialog = _check_dialog(page, item.get_by_role("button", name=f"Delete {races[0]}"),
                           "Delete this race?")
    dialog.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_test_id("race").filter(has_text=races[0])).to_have_count(0)

    page.get_by_test_id("race").filter(has_text=races[1]).get_by_role(
        "link", name="Create a plan for this race").click()
    page.get_by_role("form", name="Create a plan").get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1, name=races[1])).to_be_visible()
    dialog = _check_dialog(page, page.get_by_role("button", name="Delete plan"),
                           "Delete this plan?")
    dialog.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", level=1, name="Training plans")).to_be_visible()

    # The account: the dialog asks for the phrase, then the runner lands on a page saying so.
    navigate(tab, "Settings")
    dialog = _check_dialog(page, page.get_by_role("button", name="Delete my account"),
                           "Delete your account?")
    delete = dialog.get_by_role("button", name="Delete my account")
    expect(delete).to_be_disabled()
    dialog.get_by_label("Confirmation").fill("delete my account")
    delete.click()
    expect(page.get_by_role("heading", level=1, name="Your account is deleted")).to_be_visible()
    expect(page).to_have_title("Account deleted — Runnerly")
    tab.audit("the account deleted page")
    # Afterwards, a runner's page ends at log in, not on an error.
    page.goto("/runs")
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_up_proposes_the_browsers_time_zone_and_the_profile_keeps_it(
    browser: Browser, system: Any, viewport: dict[str, int]
) -> None:
    context = browser.new_context(base_url=system.url, viewport=viewport, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        tab = Tab(context, page, [])
        page.goto("/signup")
        expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
        _signed_up(tab)
        navigate(tab, "Settings")
        expect(page.get_by_role("form", name="Profile").get_by_label("Time zone")).to_have_value(
            "Asia/Tokyo"
        )
    finally:
        context.close()
