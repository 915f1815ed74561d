"""A second language, in Chromium on the real processes, at a desktop's size (1366 x 900)
and a phone's (390 x 844): a runner whose browser speaks Chinese signs up and gets
Simplified Chinese (the confirmation mail, the profile, the pages, Chinese dates); the same
runner in a German browser still sees Chinese, and once they choose English in the profile,
English with English dates: never the browser's German dates inside an English page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ..system import System, wait_until
from .conftest import PASSWORD, Tab, a_run, new_email

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DESKTOP_1366 = {"width": 1366, "height": 900}
PHONE_390 = {"width": 390, "height": 844}
RACE_DAY = date.today() + timedelta(days=200)
# The German spellings a German browser's Intl would give; none may show.
GERMAN = re.compile(
    r"\b(Mo|Di|Mi|Do|Fr|Sa|So)\.,|\b(Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember)\b"
)


def _tab(browser: Browser, system: System, viewport: dict[str, int], locale: str) -> Tab:
    context: BrowserContext = browser.new_context(
        base_url=system.url, viewport=viewport, locale=locale, timezone_id="UTC"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return Tab(context, page, errors)


def _navigate(tab: Tab, link: str) -> None:
    """Follow a link of the main navigation, behind the menu button on a phone, whichever
    language the menu button is named in."""
    menu = tab.page.get_by_role("button", name=re.compile(r"^(Menu|菜单)$"))
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    tab.page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()


def _profile_language(page: Page) -> str | None:
    me: dict[str, Any] = page.evaluate("fetch('/api/me').then((r) => r.json())")
    language: str | None = me["profile"]["language"]
    return language


def _sign_up_in_chinese(tab: Tab, email: str) -> None:
    page = tab.page
    page.goto("/")
    # Signed out, the home page already follows the browser.
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("main").get_by_role("link", name="注册")).to_be_visible()
    page.goto("/signup")
    # The account's pages speak it too, their title included.
    page.get_by_role("heading", name="创建你的账户", level=1).wait_for()
    expect(page).to_have_title("注册 — Runnerly")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    hint = re.compile(r"^至少 \d+ 个字符")
    expect(page.get_by_label("密码")).to_have_accessible_description(hint)
    tab.audit("sign up in Chinese")
    page.get_by_role("button", name="注册", exact=True).click()
    page.get_by_role("heading", name="请查收邮件").wait_for()
    _navigate(tab, "邮件")
    page.get_by_role("heading", name="本地邮件", level=1).wait_for()
    mail = page.locator(".mail", has_text=email)

    def mail_arrived() -> bool:
        page.get_by_role("button", name="刷新").click()
        return mail.count() > 0

    wait_until(mail_arrived, 30, f"the mail to {email}")
    # The confirmation mail is in the language the browser asked in.
    expect(mail.first).to_contain_text("确认你的电子邮件地址")
    mail.first.locator("a[href*='/confirm?token=']").first.click()
    page.get_by_text(f"你的账户 {email} 已确认。").wait_for()
    page.get_by_role("main").get_by_role("link", name="登录", exact=True).click()
    page.get_by_role("heading", name="登录", level=1).wait_for()
    tab.audit("log in in Chinese")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("heading", name=re.compile("^你好")).wait_for()


def _visit(tab: Tab, link: str, heading: str, where: str) -> None:
    _navigate(tab, link)
    tab.page.get_by_role("heading", name=heading, level=1).wait_for()
    tab.audit(where)


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE_390], ids=["desktop-1366", "phone-390"])
def test_a_chinese_browser_gets_chinese_and_english_is_english_in_a_german_browser(
    browser: Browser, system: System, viewport: dict[str, int]
) -> None:
    email = new_email()
    chinese = _tab(browser, system, viewport, "zh-CN")
    page = chinese.page
    try:
        _sign_up_in_chinese(chinese, email)
        # Signing up in a Chinese browser stored Simplified Chinese in the profile.
        wait_until(lambda: _profile_language(page) == "zh-Hans", 15, "the profile's language")
        runner_id = system.runner_id(email, PASSWORD)
        started = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        assert system.store_runs([a_run(runner_id, 0, started)])["created"] == 1
        page.reload()
        page.get_by_role("heading", name=re.compile("^你好")).wait_for()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
        expect(page.get_by_text("本周")).to_be_visible()
        chinese.audit("home in Chinese")

        _visit(chinese, "比赛", "比赛", "races in Chinese")
        expect(page).to_have_title("比赛 — Runnerly")
        form = page.get_by_role("form", name="添加比赛")
        form.get_by_label("名称").fill(f"西湖马拉松 {email[:10]}")
        form.get_by_label("日期").fill(RACE_DAY.isoformat())
        form.get_by_label(re.compile("^距离")).fill("42.195")
        form.get_by_label("地点").fill("杭州")
        form.get_by_role("button", name="添加比赛").click()
        race = page.get_by_test_id("race").filter(has_text=f"西湖马拉松 {email[:10]}")
        chinese_day = f"{RACE_DAY.year}年{RACE_DAY.month}月{RACE_DAY.day}日"
        expect(race).to_contain_text(chinese_day)
        expect(race).to_contain_text("名跑者已报名")
        chinese.shot(f"language-races-zh-{viewport['width']}")
        chinese.audit("races in Chinese, with a race")

        _visit(chinese, "统计", "统计", "statistics in Chinese")
        expect(page.get_by_role("button", name="每周")).to_be_visible()
        _visit(chinese, "报告", "月度报告", "reports in Chinese")
        expect(page).to_have_title("月度报告 — Runnerly")
        _visit(chinese, "设置", "设置", "settings in Chinese")
        expect(page).to_have_title("设置 — Runnerly")
        expect(page.get_by_role("radio", name="简体中文")).to_be_checked()
        chinese.shot(f"language-settings-zh-{viewport['width']}")
    finally:
        chinese.context.close()

    german = _tab(browser, system, viewport, "de-DE")
    page = german.page
    try:
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        # The profile's language wins over the browser's, the navigation's included.
        page.get_by_role("heading", name=re.compile("^你好")).wait_for()
        expect(page).to_have_title("首页 — Runnerly")
        _navigate(german, "设置")
        page.get_by_role("radio", name="English").check()
        page.get_by_role("heading", name="Settings", level=1).wait_for()
        # The title follows the language chosen, without leaving the page.
        expect(page).to_have_title("Settings — Runnerly")
        expect(page.get_by_text("Language saved.")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert _profile_language(page) == "en"
        german.audit("settings in English")

        _visit(german, "Races", "Races", "races in English")
        race = page.get_by_test_id("race").filter(has_text=f"西湖马拉松 {email[:10]}")
        english_day = RACE_DAY.strftime("%a, %b ") + f"{RACE_DAY.day}, {RACE_DAY.year}"
        expect(race).to_contain_text(english_day)
        german.shot(f"language-races-en-de-browser-{viewport['width']}")
        for link, heading in (("Home", re.compile("^Hello")), ("Statistics", "Statistics"),
                              ("Reports", "Monthly reports"), ("Races", "Races")):
            _navigate(german, link)
            page.get_by_role("heading", name=heading, level=1).wait_for()
            text = page.get_by_role("main").inner_text()
            assert not GERMAN.search(text), f"a German date on {link}: {GERMAN.search(text)}"
            # Race names and places are the runners' own words (other runners' races too).
            words = re.sub(r"西湖马拉松 runner-\w+|杭州", "", text)
            assert not re.search(r"[\u4e00-\u9fff]", words), f"Chinese left on {link}: {words}"
            german.audit(f"{link} in English in a German browser")
    finally:
        german.context.close()
    assert not chinese.console_errors and not german.console_errors
