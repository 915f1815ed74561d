"""End-to-end tests: the real processes (``runnerly up``) driven in a real browser.

Debian's Chromium (``/usr/bin/chromium``; ``scripts/infra.sh install`` installs it) is
driven by Playwright, which downloads no browser of its own. The web app must be built
first (``make web``; ``make test`` does it). Screenshots of each page land in
``artifacts/screenshots/``; ``Tab.audit`` runs axe-core's WCAG 2.1 A/AA rules on a page.
The system is started as for the integration tests (``tests/system.py``), on the embedded
default, with a small Strava demo history.
"""

from __future__ import annotations

import math
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from ..system import System, running_system, wait_until

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "services" / "dashboard" / "src" / "runnerly_dashboard" / "web_dist"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Real watch files, the ones the ingest service's parser is tested on.
ACTIVITY_FILES = ROOT / "services" / "ingest" / "tests" / "files" / "data"
AXE = ROOT / "services" / "dashboard" / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("RUNNERLY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}"""
PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# The demo athlete's history, kept small so the browser watches all of it arrive (and
# its runs' streams, charts and splits after it, newest first).
E2E_ENV = {
    "RUNNERLY_STRAVASIM_DEMO_ACTIVITIES": "120",
    "RUNNERLY_INGEST_PAGE_SIZE": "30",
    # Every browser here is 127.0.0.1, signing up more runners than one person would.
    "RUNNERLY_TOKENDEALER_MAIL_MAX_PER_ADDRESS": "100000",
}


@pytest.fixture(scope="session")
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("the web app is not built: run `make web` (make test does)")
    with running_system(
        "embedded",
        tmp_path_factory.mktemp("runnerly-e2e"),
        extra_env=E2E_ENV,
        failed=lambda: bool(request.session.testsfailed),
    ) as system:
        yield system


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: run scripts/infra.sh install")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Tab:
    """A browser context and its page, with what the console said (CSP violations)."""

    context: BrowserContext
    page: Page
    console_errors: list[str]

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def audit(self, where: str) -> None:
        """axe-core's WCAG 2.1 A/AA rules (contrast, labels, names, ...) on the page as it is."""
        if not self.page.evaluate("typeof window.axe === 'object'"):
            # Evaluated over the DevTools protocol, which the page's CSP does not govern: a
            # <script> tag would be refused by `script-src 'self'`, as it should be.
            self.page.evaluate(AXE.read_text())
        violations: list[dict[str, Any]] = self.page.evaluate(AXE_RUN)
        assert not violations, f"accessibility on {where}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in violations
        )


@pytest.fixture
def new_tab(browser: Browser, system: System) -> Iterator[Callable[..., Tab]]:
    tabs: list[Tab] = []

    def open_tab(viewport: dict[str, int] = DESKTOP, locale: str = "en-US") -> Tab:
        context = browser.new_context(
            base_url=system.url, viewport=viewport, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                # A failed load names its URL only in the message's location.
                url = message.location.get("url", "")
                errors.append(f"{message.text} ({url})" if url else message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        tab = Tab(context, page, errors)
        tabs.append(tab)
        return tab

    yield open_tab
    for tab in tabs:
        tab.context.close()
    # No tile server is reachable here: failed tile loads are expected, nothing else is.
    # A refusal the test asked for (a 404 for a missing run, a 422 for a bad race) is logged
    # as a failed load too; test_every_page.py holds its pages to no failed load at all.
    for tab in tabs:
        unexpected = [
            e for e in tab.console_errors
            if "tile.openstreetmap.org" not in e and "net::ERR_" not in e
            and "Failed to load resource" not in e
        ]
        assert not [e for e in unexpected if "Content Security Policy" in e], unexpected
        assert not unexpected, unexpected


def sign_up(tab: Tab, email: str, shots: str | None = None) -> None:
    """Sign up, click the confirmation link on /dev/mail, log in: as a new runner would."""
    page = tab.page
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if shots:
        tab.shot(f"{shots}-signup")
        tab.audit("sign up")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your mail").wait_for()

    navigate(tab, "Mail")
    page.get_by_role("heading", name="Local mail").wait_for()

    def mail_arrived() -> bool:
        page.get_by_role("button", name="Refresh").click()
        return page.locator(".mail", has_text=email).count() > 0

    wait_until(mail_arrived, 30, f"the mail to {email}")
    if shots:
        tab.shot(f"{shots}-dev-mail")
        tab.audit("the mail page")
    page.locator(".mail", has_text=email).first.locator("a[href*='/confirm?token=']").first.click()
    page.get_by_text("is confirmed").wait_for()
    if shots:
        tab.shot(f"{shots}-confirmed")
        tab.audit("the confirmation page")
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    log_in(tab, email, audit=bool(shots))


def navigate(tab: Tab, link: str) -> None:
    """Follow a link of the main navigation (behind the menu button on a phone)."""
    menu = tab.page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    tab.page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()


def log_in(tab: Tab, email: str, audit: bool = False) -> None:
    page = tab.page
    page.get_by_role("heading", name="Log in").wait_for()
    if audit:
        tab.audit("log in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name=re.compile("^Hello")).wait_for()


def new_email() -> str:
    return f"runner-{uuid.uuid4().hex[:10]}@example.com"


def encode_polyline(points: list[tuple[float, float]]) -> str:
    """Google's encoded polyline (precision 5), as Strava sends a summary."""

    def encode(value: int) -> str:
        value = ~(value << 1) if value < 0 else value << 1
        out = ""
        while value >= 0x20:
            out += chr((0x20 | (value & 0x1F)) + 63)
            value >>= 5
        return out + chr(value + 63)

    result, last_lat, last_lng = "", 0, 0
    for lat, lng in points:
        ilat, ilng = round(lat * 1e5), round(lng * 1e5)
        result += encode(ilat - last_lat) + encode(ilng - last_lng)
        last_lat, last_lng = ilat, ilng
    return result


def a_run(runner_id: str, index: int, started_at: datetime, points: int = 120) -> dict[str, Any]:
    """A 5-ish km loop in Paris with its streams and per-km splits."""
    distance_m = 5000.0 + index * 10
    moving = 1500 + index
    loop = [
        (48.8566 + 0.008 * math.sin(2 * math.pi * i / points),
         2.3522 + 0.012 * math.cos(2 * math.pi * i / points))
        for i in range(points)
    ]
    step = distance_m / (points - 1)
    streams = {
        "time": [round(i * moving / (points - 1), 1) for i in range(points)],
        "distance": [round(i * step, 1) for i in range(points)],
        "altitude": [35 + 10 * math.sin(i / 15) for i in range(points)],
        "heartrate": [130 + 25 * i / points for i in range(points)],
        "velocity_smooth": [
            distance_m / moving * (0.9 + 0.2 * ((i % 10) / 10)) for i in range(points)
        ],
        "latlng": [[round(a, 6), round(b, 6)] for a, b in loop],
    }
    splits = [
        {"distance_m": 1000.0, "elapsed_time_s": 300 + k, "moving_time_s": 298 + k,
         "elevation_difference_m": float(k - 2), "average_hr": 140.0 + k}
        for k in range(5)
    ]
    return {
        "runner_id": runner_id,
        "source": "strava",
        "external_id": f"{runner_id}-{index}",
        "name": f"Morning run {index}",
        "sport_type": "Run",
        "started_at": started_at.isoformat(),
        "time_zone": "Europe/Paris",
        "distance_m": distance_m,
        "moving_time_s": moving,
        "elapsed_time_s": moving + 60,
        "elevation_gain_m": 42.0,
        "average_hr": 148.0,
        "max_hr": 171.0,
        "summary_polyline": encode_polyline([*loop[::4], loop[0]]),
        "streams": streams,
        "splits": splits,
    }


def runner_time_zone(system: System, email: str) -> ZoneInfo:
    """The runner's own time zone, the one their weeks and months are cut in."""
    login = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    me = system.http.get(
        "/api/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    system.http.cookies.clear()
    return ZoneInfo(me.json()["profile"]["time_zone"])


def month_to_date(runs: list[dict[str, Any]], zone: ZoneInfo, at: datetime) -> float:
    """The distance (m) of the runs since the start of ``at``'s month on the runner's clock."""
    month = at.astimezone(zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return sum(
        float(run["distance_m"]) for run in runs
        if month <= datetime.fromisoformat(run["started_at"]) <= at
    )


def some_runs(runner_id: str, count: int, points: int = 120) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(microsecond=0)
    return [a_run(runner_id, i, now - timedelta(days=i, hours=2), points) for i in range(count)]
