"""Every page of the web app, in English and in Simplified Chinese, at a desktop's size and
a phone's, in Chromium on the real processes: axe-core finds no violation, nothing is
logged as an error, each page has its own title, and a Chinese page holds no English word
but the runner's own and the names of things (Runnerly, Strava, GPX ...).

The desktop screenshots are the ones the web app's README shows
(``artifacts/screenshots/page-*.png``, copied to ``services/dashboard/web/docs/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from ..system import System
from .conftest import DESKTOP, PASSWORD, Tab, a_run, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DESKTOP_1366 = {"width": 1366, "height": 900}
PHONE_390 = {"width": 390, "height": 844}
# Words a Chinese page may hold in Latin letters: names of things, units and formats.
NAMES = re.compile(
    r"Runnerly|Strava|strava\.com|OpenStreetMap|Leaflet|GPX|FIT|TCX|gzip|JSON|VDOT|Riegel|Daniels|PDF|English|iCalendar|\.ics|UTC|"
    r"(?<![A-Za-z])(km|mi|ft|m|kg)(?![A-Za-z])|"  # units, also where a number runs into one
    r"\b[A-Z][A-Za-z]+/[A-Za-z_/-]+"  # a time zone's IANA name (Europe/Paris)
)
RUN_NAME = "西湖晨跑"
RACE_NAME = "杭州马拉松"


@dataclass(frozen=True)
class Runner:
    email: str
    run_id: int
    race_id: int
    plan_id: int
    report_month: str  # YYYY-MM


def _api(system: System, email: str) -> httpx.Client:
    login = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    system.http.cookies.clear()
    return httpx.Client(
        base_url=system.url, timeout=60,
        headers={"Authorization": f"Bearer {login.json()['access_token']}"},
    )


def _a_runner_with_everything(system: System, tab: Tab) -> Runner:
    """Signed up in ``tab`` (in English), with runs this month and last, a race and a plan."""
    email = new_email()
    sign_up(tab, email)
    runner_id = system.runner_id(email, PASSWORD)
    now = datetime.now(UTC).replace(microsecond=0)
    last_month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    runs = [
        {**a_run(runner_id, i, started), "name": f"{RUN_NAME} {i}"}
        for i, started in enumerate(
            [now - timedelta(days=d, hours=2) for d in range(0, 12, 2)]
            + [datetime(last_month.year, last_month.month, d, 7, tzinfo=UTC) for d in (3, 9, 16)]
        )
    ]
    assert system.store_runs(runs)["created"] == len(runs)
    with _api(system, email) as api:
        race = api.post("/api/races", json={
            "name": RACE_NAME, "date": (date.today() + timedelta(days=90)).isoformat(),
            "distance_m": 42195, "location": "杭州",
        })
        assert race.status_code == 201, race.text
        plan = api.post("/api/plans", json={"race_id": race.json()["id"], "days_per_week": 4})
        assert plan.status_code == 201, plan.text
        [newest, *_] = api.get("/api/runs").json()["items"]
        # Last month's report, built (and mailed) as the runner would ask for it.
        report = api.post(f"/api/reports/{last_month:%Y-%m}/send", timeout=90)
        assert report.status_code == 202, report.text
    return Runner(
        email, newest["id"], race.json()["id"], plan.json()["id"], f"{last_month:%Y-%m}"
    )


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    ready: Callable[[Page], Any]


def _heading(page: Page) -> None:
    page.get_by_role("heading", level=1).first.wait_for()


def _runner_pages(runner: Runner) -> list[Visit]:
    def run_page(page: Page) -> None:
        page.get_by_role("heading", level=1, name=re.compile(RUN_NAME)).wait_for()
        page.get_by_test_id("run-charts").wait_for()

    def report(page: Page) -> None:
        _heading(page)
        page.get_by_test_id("report-totals").wait_for(timeout=65_000)

    return [
        Visit("home", "/", lambda page: page.get_by_text(f"{RUN_NAME} 0").first.wait_for()),
        Visit("runs", "/runs", lambda page: page.get_by_text(f"{RUN_NAME} 0").first.wait_for()),
        Visit("run", f"/runs/{runner.run_id}", run_page),
        Visit("import", "/import", _heading),
        Visit("stats", "/stats", lambda page: page.get_by_role("table").first.wait_for()),
        Visit("races", "/races", lambda page: page.get_by_test_id("race").first.wait_for()),
        Visit("plans", "/plans", lambda page: page.get_by_text(RACE_NAME).first.wait_for()),
        Visit("plan", f"/plans/{runner.plan_id}", _heading),
        Visit("reports", "/reports", _heading),
        Visit("report", f"/reports/{runner.report_month}", report),
        Visit("settings", "/settings", _heading),
    ]


ANONYMOUS_PAGES = [
    Visit("welcome", "/", _heading),
    Visit("login", "/login", _heading),
    Visit("signup", "/signup", _heading),
    Visit("forgot-password", "/forgot-password", _heading),
    Visit("account-deleted", "/account-deleted", _heading),
    Visit("not-found", "/no-such-page", _heading),
]


def _english_left(page: Page, theirs: Sequence[str] = ()) -> list[str]:
    """Latin words on the page that are neither names of things, nor the runner's own, nor
    ``theirs``: what other runners wrote (the races they added are everyone's)."""
    # Every text of the page, shown or folded away, and every accessible name.
    text = page.evaluate("""() => {
        const skipped = (node) => {
            const parent = node.parentElement;
            // The map's attribution is the tile server's, as the operator set it; time
            // zones go by their IANA names (America/Port_of_Spain) in every language.
            return !parent || parent.closest('.leaflet-control-attribution, script, style')
                || (parent.tagName === 'OPTION' && parent.value.includes('/'));
        };
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const texts = [];
        while (walker.nextNode()) {
            if (!skipped(walker.currentNode)) texts.push(walker.currentNode.textContent);
        }
        const names = [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
            .filter((e) => !e.closest('.leaflet-control-attribution'))
            .flatMap((e) => ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a)));
        return [...texts, ...names.filter(Boolean)].join(' ');
    }""")
    # Blanked where they are, so that what is left is shown in its place on the page.
    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group())

    own = "|".join([RUN_NAME, RACE_NAME, *(re.escape(words) for words in theirs if words)])
    left = NAMES.sub(blank, re.sub(own, blank, text))
    # The runner's address (runner-...@example.com) is theirs.
    left = re.sub(r"\S+@example\.com", blank, left)
    return sorted({
        f"{m.group()} in {text[max(0, m.start() - 20):m.end() + 20]!r}"
        for m in re.finditer(r"[A-Za-z]{2,}", left)
    })


def _walk(
    tab: Tab, visits: list[Visit], language: str, shots: str | None, theirs: Sequence[str] = ()
) -> None:
    page, titles = tab.page, set()
    for visit in visits:
        page.goto(visit.path)
        visit.ready(page)
        expect(page.locator("html")).to_have_attribute("lang", language)
        where = f"{visit.name} ({language}, {page.viewport_size})"
        tab.audit(where)
        if language == "zh-Hans":
            left = _english_left(page, theirs)
            assert not left, f"English on {where}: {left}"
            assert re.search(r"[\u4e00-\u9fff]", page.title()), f"title of {where}: {page.title()}"
        titles.add(page.title())
        # Not even a failed load: an anonymous visit asks nothing that answers 401.
        failed = [e for e in tab.console_errors if "tile.openstreetmap.org" not in e]
        assert not failed, f"logged on {where}: {failed}"
        if shots:
            tab.shot(f"page-{visit.name}-{shots}")
    # Each page its own title (the run's, the plan's and the report's pages name theirs).
    assert len(titles) == len(visits), titles


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE_390], ids=["desktop-1366", "phone-390"])
def test_every_page_in_both_languages_is_accessible_clean_and_in_its_language(
    new_tab: Callable[..., Tab], system: System, viewport: dict[str, int]
) -> None:
    shots = "desktop" if viewport == DESKTOP_1366 else None
    for locale, language in (("en-US", "en"), ("zh-CN", "zh-Hans")):
        anonymous = new_tab(viewport, locale=locale)
        _walk(anonymous, ANONYMOUS_PAGES, language, shots and f"{language}-{shots}")

    tab = new_tab(DESKTOP, locale="en-US")
    runner = _a_runner_with_everything(system, tab)
    tab.page.set_viewport_size(viewport)
    _walk(tab, _runner_pages(runner), "en", shots and f"en-{shots}")

    try:
        with _api(system, runner.email) as api:
            assert api.patch("/api/me", json={"language": "zh-Hans"}).status_code == 200
            # Other runners' races, which other tests add, are shown as they wrote them.
            races = api.get("/api/races", params={"limit": 100}).json()["items"]
        theirs = [words for race in races if race["id"] != runner.race_id
                  for words in (race["name"], race["location"] or "")]
        _walk(tab, _runner_pages(runner), "zh-Hans", shots and f"zh-Hans-{shots}", theirs)
    finally:
        # Races are everyone's: this one must not show in other tests' English pages.
        with _api(system, runner.email) as api:
            assert api.delete(f"/api/plans/{runner.plan_id}").status_code == 204
            assert api.delete(f"/api/races/{runner.race_id}").status_code == 204
