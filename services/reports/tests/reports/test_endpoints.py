"""The API through HTTP: a runner's own reports, the PDF, sending again, the subscription and
the unsubscribe link that needs no login."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pypdf
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.messages import SendMail
from runnerly_kit.testing import TestKeys, bearer
from runnerly_reports.models import OutboxMessage, Report
from runnerly_reports.reports import tasks, tokens
from runnerly_reports.runtime import Runtime

if TYPE_CHECKING:
    from conftest import Clock, FakePeers

Headers = Callable[..., dict[str, str]]


def mails(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.database.transaction() as session:
        return list(session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.name == SendMail.name)
        ))


def report_rows(runtime: Runtime) -> int:
    with runtime.database.transaction() as session:
        return len(session.scalars(sa.select(Report)).all())


@pytest.fixture
def sent(app_runtime: Runtime, alice: FakePeers) -> Runtime:
    """Alice's October report, built and sent by the schedule."""
    assert tasks.build_one(app_runtime, "alice", "2026-10", "alice@example.com") == "sent"
    return app_runtime


def test_a_runner_lists_and_reads_their_reports(
    client: TestClient, sent: Runtime, runner_headers: Headers
) -> None:
    listing = client.get("/reports", headers=runner_headers())
    one = client.get("/reports/2026-10", headers=runner_headers())

    assert listing.status_code == 200
    [item] = listing.json()["items"]
    assert (item["month"], item["status"], item["runs"], item["distance_m"]) == (
        "2026-10", "sent", 6, 61600.0
    )
    assert one.status_code == 200
    assert one.json()["content"]["totals"]["moving_time_s"] == 20040
    assert one.headers["etag"]


def test_the_pdf_downloads(client: TestClient, sent: Runtime, runner_headers: Headers) -> None:
    response = client.get("/reports/2026-10.pdf", headers=runner_headers())

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="runnerly-report-2026-10.pdf"' in response.headers["content-disposition"]
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "61.6 km" in text


def test_another_runners_report_is_not_found(
    client: TestClient, sent: Runtime, runner_headers: Headers
) -> None:
    for path in ("/reports/2026-10", "/reports/2026-10.pdf"):
        response = client.get(path, headers=runner_headers("bob"))
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/reports", headers=runner_headers("bob")).json() == {"items": []}


def test_a_month_not_built_is_not_found(client: TestClient, runner_headers: Headers) -> None:
    response = client.get("/reports/2026-09", headers=runner_headers())

    assert response.status_code == 404
    assert response.json()["detail"] == "No report of September 2026 has been built."


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "1800-01"])
def test_a_bad_month_is_invalid_input(
    client: TestClient, runner_headers: Headers, month: str
) -> None:
    for method, path in (("GET", f"/reports/{month}"), ("GET", f"/reports/{month}.pdf"),
                         ("POST", f"/reports/{month}/send")):
        response = client.request(method, path, headers=runner_headers())
        assert response.status_code == 422, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def test_a_malformed_month_in_the_path_is_invalid_input(
    client: TestClient, runner_headers: Headers
) -> None:
    response = client.get("/reports/october", headers=runner_headers())

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "month"


def test_sending_a_past_month_again_builds_it_and_mails_it(
    client: TestClient, app_runtime: Runtime, alice: FakePeers, runner_headers: Headers
) -> None:
    headers = runner_headers()
    first = client.post("/reports/2026-10/send", headers=headers)
    second = client.post("/reports/2026-10/send", headers=headers)

    assert first.status_code == 202 and second.status_code == 202
    assert second.json()["send_count"] == 2
    assert report_rows(app_runtime) == 1
    assert [m.payload["to"] for m in mails(app_runtime)] == ["alice@example.com"] * 2
    # The address is the account's, read with the runner's own token.
    me = [r for r in alice.requests if r.url.path == "/accounts/me"]
    assert me and me[0].headers["authorization"] == headers["Authorization"]


def test_the_current_month_cannot_be_sent(
    client: TestClient, app_runtime: Runtime, alice: FakePeers, runner_headers: Headers
) -> None:
    response = client.post("/reports/2026-11/send", headers=runner_headers())

    assert response.status_code == 409
    assert "has not ended yet in Europe/Paris" in response.json()["detail"]
    assert report_rows(app_runtime) == 0 and mails(app_runtime) == []


def test_sending_when_the_dataservice_is_down_is_503_and_stores_nothing(
    client: TestClient, app_runtime: Runtime, alice: FakePeers, runner_headers: Headers
) -> None:
    alice.down.add("dataservice.test")

    response = client.post("/reports/2026-10/send", headers=runner_headers())

    assert response.status_code == 503
    assert report_rows(app_runtime) == 0 and mails(app_runtime) == []


def test_the_subscription_is_on_by_default_and_can_be_turned_off_and_on(
    client: TestClient, runner_headers: Headers
) -> None:
    assert client.get("/reports/subscription", headers=runner_headers()).json() == {
        "subscribed": True
    }
    off = client.put("/reports/subscription", json={"subscribed": False},
                     headers=runner_headers())
    assert off.json() == {"subscribed": False}
    assert client.get("/reports/subscription", headers=runner_headers()).json() == {
        "subscribed": False
    }
    back = client.put("/reports/subscription", json={"subscribed": True},
                      headers=runner_headers())
    assert back.json() == {"subscribed": True}


@pytest.mark.parametrize("body", [{}, {"subscribed": "maybe"}, {"subscribed": "no"},
                                  {"subscribed": 0}, {"subscribed": True, "x": 1}])
def test_a_bad_subscription_body_is_refused(
    client: TestClient, runner_headers: Headers, body: dict[str, object]
) -> None:
    response = client.put("/reports/subscription", json=body, headers=runner_headers())

    assert response.status_code == 422
    assert client.get("/reports/subscription", headers=runner_headers()).json() == {
        "subscribed": True
    }


def test_the_mailed_link_unsubscribes_without_login_and_only_by_post(
    client: TestClient, app_runtime: Runtime, runner_headers: Headers
) -> None:
    token = tokens.sign(app_runtime.unsubscribe_key, "alice")

    # Opening a link changes nothing (mail scanners open them all): the dashboard asks first.
    opened = client.get("/reports/unsubscribe", params={"token": token})
    assert opened.status_code >= 400
    assert client.get("/reports/subscription", headers=runner_headers()).json() == {
        "subscribed": True
    }

    response = client.post("/reports/unsubscribe", params={"token": token},
                           data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert response.json() == {"subscribed": False}
    assert client.get("/reports/subscription", headers=runner_headers()).json() == {
        "subscribed": False
    }


def test_an_invalid_unsubscribe_link_changes_nothing(
    client: TestClient, app_runtime: Runtime, runner_headers: Headers
) -> None:
    forged = tokens.sign(b"not the key", "alice")

    for token in (forged, "garbage"):
        response = client.post("/reports/unsubscribe", params={"token": token})
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
    assert client.post("/reports/unsubscribe").status_code == 422
    assert client.get("/reports/subscription", headers=runner_headers()).json() == {
        "subscribed": True
    }


def test_tokens_and_scopes(client: TestClient, keys: TestKeys, runner_headers: Headers) -> None:
    assert client.get("/reports").status_code == 401
    service_token = bearer(keys.service_token("dashboard", "reports:read reports:write"))
    assert client.get("/reports", headers=service_token).status_code == 403
    reader_only = runner_headers(scopes="reports:read")
    assert client.get("/reports", headers=reader_only).status_code == 200
    assert client.post("/reports/2026-10/send", headers=reader_only).status_code == 403
    assert client.put("/reports/subscription", json={"subscribed": False},
                      headers=reader_only).status_code == 403


def test_health(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}


def test_the_clock_decides_what_is_past(
    client: TestClient, app_runtime: Runtime, alice: FakePeers, clock: Clock,
    runner_headers: Headers
) -> None:
    clock.now = datetime(2026, 10, 31, 22, 0, tzinfo=clock.now.tzinfo)  # 23:00 in Paris
    assert client.post("/reports/2026-10/send", headers=runner_headers()).status_code == 409
    clock.now += timedelta(hours=2)
    assert client.post("/reports/2026-10/send", headers=runner_headers()).status_code == 202
