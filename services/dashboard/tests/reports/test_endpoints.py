from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

from .conftest import GOOD_TOKEN, PDF, report

if TYPE_CHECKING:
    from .conftest import FakeReports


def test_a_runner_lists_and_reads_their_reports(
    client: TestClient, login: Any, reports: FakeReports
) -> None:
    me = login()
    reports.reports[me.account.id] = {"2026-10": report("2026-10"),
                                      "2026-09": report("2026-09", runs=0)}

    listing = client.get("/api/reports")
    one = client.get("/api/reports/2026-10")

    assert listing.status_code == 200
    assert [r["month"] for r in listing.json()["items"]] == ["2026-10", "2026-09"]
    assert listing.headers["etag"] == '"list-etag"'
    again = client.get("/api/reports", headers={"If-None-Match": '"list-etag"'})
    assert again.status_code == 304
    assert one.json()["content"]["totals"]["moving_time_s"] == 20040


def test_the_pdf_is_relayed_as_bytes(client: TestClient, login: Any,
                                     reports: FakeReports) -> None:
    me = login()
    reports.reports[me.account.id] = {"2026-10": report("2026-10")}

    response = client.get("/api/reports/2026-10.pdf")

    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert "runnerly-report-2026-10.pdf" in response.headers["content-disposition"]


def test_a_report_not_built_is_the_peers_404(
    client: TestClient, login: Any, assert_problem: Any
) -> None:
    login()
    assert_problem(client.get("/api/reports/2026-10"), 404)
    assert_problem(client.get("/api/reports/2026-10.pdf"), 404)


def test_a_malformed_month_never_reaches_the_peer(
    client: TestClient, login: Any, reports: FakeReports, assert_problem: Any
) -> None:
    me = login()
    for path in ("/api/reports/october", "/api/reports/2026-1.pdf"):
        assert_problem(client.get(path), 422)
    assert_problem(client.post("/api/reports/../send", headers=me.csrf), 404)
    assert reports.requests == []


def test_sending_again_needs_the_csrf_token_and_relays_the_peers_answer(
    client: TestClient, login: Any, reports: FakeReports, assert_problem: Any
) -> None:
    me = login()

    assert_problem(client.post("/api/reports/2026-10/send"), 403)
    sent = client.post("/api/reports/2026-10/send", headers=me.csrf)
    not_over = client.post("/api/reports/2026-11/send", headers=me.csrf)

    assert sent.status_code == 202
    assert sent.json()["month"] == "2026-10"
    assert assert_problem(not_over, 409)["detail"].startswith("November 2026 has not ended")


def test_the_subscription_can_be_turned_off(
    client: TestClient, login: Any, reports: FakeReports
) -> None:
    me = login()

    assert client.get("/api/reports/subscription").json() == {"subscribed": True}
    off = client.put("/api/reports/subscription", json={"subscribed": False}, headers=me.csrf)

    assert off.json() == {"subscribed": False}
    assert reports.subscribed[me.account.id] is False


def test_a_bad_subscription_body_is_refused_here(
    client: TestClient, login: Any, reports: FakeReports, assert_problem: Any
) -> None:
    me = login()
    assert_problem(client.put("/api/reports/subscription", json={"subscribed": "no"},
                              headers=me.csrf), 422)
    assert reports.requests == []


def test_the_mailed_link_asks_first_then_works_without_login(
    client: TestClient, reports: FakeReports, assert_problem: Any
) -> None:
    reports.unsubscribe_tokens[GOOD_TOKEN] = "ada"
    reports.subscribed["ada"] = True

    # Opening the link (as a mail scanner would) changes nothing: it asks.
    page = client.get("/api/reports/unsubscribe", params={"token": GOOD_TOKEN})
    assert page.status_code == 200 and "Stop the monthly report?" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert f'<form method="post" action="/api/reports/unsubscribe?token={GOOD_TOKEN}">' in page.text
    assert reports.subscribed["ada"] is True

    # Its button posts the same link from a browser, which asks for a page.
    confirmed = client.post("/api/reports/unsubscribe", params={"token": GOOD_TOKEN},
                            headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert confirmed.status_code == 200 and "You are unsubscribed" in confirmed.text
    assert confirmed.headers["content-type"].startswith("text/html")
    assert reports.subscribed["ada"] is False

    # A mail client's one-click post (RFC 8058) gets JSON.
    reports.subscribed["ada"] = True
    one_click = client.post("/api/reports/unsubscribe", params={"token": GOOD_TOKEN},
                            data={"List-Unsubscribe": "One-Click"})
    assert one_click.json() == {"subscribed": False}
    assert reports.subscribed["ada"] is False
    assert_problem(client.post("/api/reports/unsubscribe", params={"token": "forged"}), 400)
    assert_problem(client.post("/api/reports/unsubscribe"), 422)


def test_reports_need_a_login(client: TestClient, assert_problem: Any) -> None:
    assert_problem(client.get("/api/reports"), 401)
    assert_problem(client.get("/api/reports/2026-10.pdf"), 401)


def test_reports_down_is_503(
    client: TestClient, login: Any, reports: FakeReports, assert_problem: Any
) -> None:
    login()
    reports.down = True
    assert_problem(client.get("/api/reports"), 503)
