"""The monthly report on the real processes: a runner's month built by the reports service
from the dataservice, mailed by the mailer (HTML, text, chart, PDF) into the Maildir or a
real SMTP server, and an unsubscribe link that works without logging in."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from .conftest import System, wait_until
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def _last_month(time_zone: str) -> str:
    """Last month on the runner's clock (not the machine's: it may be a day apart)."""
    first_of_this_month = datetime.now(ZoneInfo(time_zone)).date().replace(day=1)
    return (first_of_this_month - timedelta(days=1)).strftime("%Y-%m")


def _runs_in(month: str, runner_id: str) -> list[dict[str, Any]]:
    year, number = (int(part) for part in month.split("-"))
    runs = []
    month_runs = ((3, 5_000.0, 1_500), (10, 10_000.0, 3_300), (17, 8_000.0, 2_480))
    for day, distance, seconds in month_runs:
        started = datetime(year, number, day, 7, 30, tzinfo=UTC)
        runs.append({
            "runner_id": runner_id, "source": "manual", "external_id": f"{month}-{day}",
            "name": f"Run of the {day}th", "sport_type": "Run", "started_at": started.isoformat(),
            "distance_m": distance, "moving_time_s": seconds, "elapsed_time_s": seconds + 60,
            "elevation_gain_m": 40.0,
        })
    return runs


def _parts(mail: Message) -> dict[str, Message]:
    return {part.get_content_type(): part for part in mail.walk() if not part.is_multipart()}


def test_a_months_report_is_mailed_with_its_pdf_and_can_be_unsubscribed(system: System) -> None:
    email, tokens = sign_up(system)
    me = system.http.get("/api/me", headers=auth(tokens)).json()
    runner_id = me["account"]["id"]
    month = _last_month(me["profile"]["time_zone"])
    system.store_runs(_runs_in(month, runner_id))

    future = system.http.post("/api/reports/2999-01/send", headers=auth(tokens))
    sent = system.http.post(f"/api/reports/{month}/send", headers=auth(tokens))

    assert future.status_code in (409, 422), future.text
    assert sent.status_code == 202, sent.text
    totals = sent.json()["content"]["totals"]
    assert (totals["runs"], totals["distance_m"], totals["moving_time_s"]) == (3, 23_000, 7_280)

    # The Maildir lists mails in no particular order: the report is the one with a PDF.
    mail = wait_until(
        lambda: next((m for m in system.mails_to(email) if "application/pdf" in _parts(m)),
                     None),
        60,
        "the report's mail",
    )
    parts = _parts(mail)
    assert {"text/plain", "text/html", "image/png", "application/pdf"} <= set(parts)
    assert "23.0" in parts["text/plain"].get_payload(decode=True).decode()  # km in the month
    html = parts["text/html"].get_payload(decode=True).decode()
    assert "cid:" in html and "23.0" in html
    pdf = parts["application/pdf"].get_payload(decode=True)
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "23.0" in pdf_text
    unsubscribe = re.search(r"<([^>]+)>", mail["List-Unsubscribe"] or "")
    assert unsubscribe, mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    listed = system.http.get("/api/reports", headers=auth(tokens)).json()["items"]
    pdf_download = system.http.get(f"/api/reports/{month}.pdf", headers=auth(tokens))
    assert [item["month"] for item in listed] == [month]
    assert pdf_download.headers["content-type"] == "application/pdf"

    # The mail's one-click link, as a mail client posts it: no cookie, no token.
    link = unsubscribe.group(1).removeprefix(system.url)
    opted_out = system.http.post(link, headers={"Cookie": ""})
    assert opted_out.status_code == 200, opted_out.text
    assert opted_out.json() == {"subscribed": False}
    subscription = system.http.get("/api/reports/subscription", headers=auth(tokens))
    assert subscription.json() == {"subscribed": False}
    forged = system.http.post("/api/reports/unsubscribe?token=not-a-real-token")
    assert forged.status_code in (400, 403, 422), forged.text
