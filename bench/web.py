"""The web app in headless Chromium: initial JavaScript, and time until pages are usable.

``python -m bench.web`` starts the real system (``runnerly up`` on free ports, a temp data
dir), signs a runner up, stores 1,000 runs through the dataservice's bulk upsert (as ingest
does), then loads pages in Debian's Chromium through Playwright. It prints a markdown
section and appends it to ``bench/README.md`` under "Web" (``--no-append`` to only print).
Needs the web app built (``make web``) and ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mailbox
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import common

ROOT = Path(__file__).resolve().parents[1]
README = Path(__file__).with_name("README.md")
CHROMIUM = os.environ.get("RUNNERLY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"  # noqa: S105 (a throwaway local account)
RUNS = 1000
LOADS = 7
BUDGET_KB = 250


def _start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    base = common.free_port(10)
    url = f"http://127.0.0.1:{base}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(RUNNERLY_DATA_DIR=str(data_dir), RUNNERLY_PORT=str(base), RUNNERLY_PUBLIC_URL=url)
    log = (data_dir / "up.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "runnerly", "up"], env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health").status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    common.stop_group(process)
    raise RuntimeError(f"runnerly up did not start:\n{common.tail(data_dir / 'up.log')}")


def _runner(url: str, data_dir: Path) -> tuple[str, str]:
    """Sign up and confirm a runner: their email and id."""
    email = "bench@example.com"
    credentials = {"email": email, "password": PASSWORD}
    httpx.post(f"{url}/api/auth/signup", json=credentials).raise_for_status()
    token = None
    deadline = time.monotonic() + 30
    while token is None and time.monotonic() < deadline:
        box = mailbox.Maildir(data_dir / "mailer" / "Maildir", create=True)
        for message in box.values():
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    text = part.get_payload(decode=True).decode()
                    found = re.search(r"/confirm\?token=([A-Za-z0-9_\-]+)", text)
                    token = found.group(1) if found else token
        time.sleep(0.3)
    assert token, "no confirmation mail"
    httpx.post(f"{url}/api/auth/confirm", json={"token": token}).raise_for_status()
    login = httpx.post(f"{url}/api/auth/login", json=credentials).json()
    me = httpx.get(f"{url}/api/me", headers={"Authorization": f"Bearer {login['access_token']}"})
    return email, str(me.json()["account"]["id"])


def _store_runs(url: str, data_dir: Path, runner_id: str) -> None:
    base = int(url.rsplit(":", 1)[1])
    secret = json.loads((data_dir / "secrets.json").read_text())["ingest"]
    token = httpx.post(
        f"http://127.0.0.1:{base + 1}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "runs:write"}, auth=("ingest", secret),
    ).json()["access_token"]
    now = datetime.now(UTC)
    runs: list[dict[str, Any]] = [
        {
            "runner_id": runner_id, "source": "strava", "external_id": f"bench-{i}",
            "name": f"Run {i}", "sport_type": "Run",
            "started_at": (now - timedelta(hours=20 * i)).isoformat(),
            "distance_m": 5000.0 + 7 * i, "moving_time_s": 1500 + i, "elapsed_time_s": 1600 + i,
            "elevation_gain_m": 30.0, "average_hr": 150.0,
        }
        for i in range(RUNS)
    ]
    for start in range(0, RUNS, 500):
        httpx.post(
            f"http://127.0.0.1:{base + 2}/runs/batch", headers={"Authorization": f"Bearer {token}"},
            json={"runs": runs[start : start + 500]}, timeout=120,
        ).raise_for_status()


def _measure(url: str, email: str) -> tuple[list[tuple[str, int, int]], dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    scripts: list[tuple[str, int, int]] = []
    timings: dict[str, list[float]] = {"/": [], "/runs": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Logged out: the JavaScript "/" loads before any page of a runner.
        context = browser.new_context(base_url=url)
        page = context.new_page()
        seen: list[Any] = []
        page.on("response", lambda r: seen.append(r) if r.url.endswith(".js") else None)
        page.goto("/", wait_until="networkidle")
        for response in seen:
            body = response.body()
            scripts.append((response.url.rsplit("/", 1)[1], len(body), len(gzip.compress(body, 9))))
        context.close()
        for path in timings:
            for _ in range(LOADS):
                # A fresh context each time: a cold cache, as on a runner's first visit.
                context = browser.new_context(base_url=url)
                context.request.post("/api/auth/login", data={"email": email, "password": PASSWORD})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(path)
                page.get_by_test_id("run-row").first.wait_for(timeout=30_000)
                timings[path].append((time.perf_counter() - started) * 1000)
                context.close()
        browser.close()
    return scripts, timings


def run() -> str:
    with common.temporary_dir("runnerly-bench-web") as data_dir:
        common.log("web: starting runnerly up")
        process, url = _start(data_dir)
        try:
            email, runner_id = _runner(url, data_dir)
            common.log(f"web: storing {RUNS} runs")
            _store_runs(url, data_dir, runner_id)
            common.log("web: loading pages in Chromium")
            scripts, timings = _measure(url, email)
        finally:
            common.stop_group(process)
    total_raw = sum(s[1] for s in scripts)
    total_gz = sum(s[2] for s in scripts)
    verdict = "within" if total_gz <= BUDGET_KB * 1024 else "OVER"
    size_rows = [(name, f"{raw / 1024:.1f}", f"{gz / 1024:.1f}") for name, raw, gz in scripts]
    size_rows.append(("**total**", f"{total_raw / 1024:.1f}", f"**{total_gz / 1024:.1f}**"))
    time_rows = [
        (f"`{path}`", f"{statistics.median(ms):.0f}", f"{min(ms):.0f}", f"{max(ms):.0f}")
        for path, ms in timings.items()
    ]
    return "\n\n".join([
        "## Web",
        f"Results of `python -m bench.web`, {time.strftime('%Y-%m-%d')}; "
        f"machine: {common.machine()}.",
        f"Initial JavaScript loaded by `/` (gzip -9 of each file; budget {BUDGET_KB} kB: "
        f"{verdict}). Maps (Leaflet) and charts (ECharts) are separate chunks, loaded only "
        "by the run and statistics pages.",
        common.table(["script", "kB", "kB gzipped"], size_rows),
        f"Time until usable with {RUNS} runs stored: from navigation to the first run row "
        f"visible, logged in, cold cache, headless Chromium, loopback; {LOADS} loads each (ms).",
        common.table(["page", "median", "min", "max"], time_rows),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--no-append", action="store_true", help="print only")
    section = run()
    print(section)
    if not parser.parse_args().no_append:
        with README.open("a") as readme:
            separator = "\n" if README.exists() and README.stat().st_size else ""
            readme.write(separator + section + "\n")


if __name__ == "__main__":
    main()
