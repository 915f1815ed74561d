"""What the public port shows to whoever reaches it: no one's mail, no metrics, and the
headers that keep browsers strict.

The development mailbox holds every confirmation and reset link, so it is a door into every
account: it answers only a request made on the machine itself, straight to the port (no
proxy in between, whose forwarding headers say the request came from elsewhere) and named
by a loopback host (a DNS name that resolves to 127.0.0.1 is another site's page in the
developer's browser). The dashboard's and mailer's own tests cover the public URL and peer
address cases that this shared system, on a loopback URL, cannot show.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from runnerly.topology import SERVICES
from tests.system import System

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
PASSWORD = "correct horse battery staple"

# Each header by which a proxy says whom it forwards for (uvicorn trusts X-Forwarded-For
# from 127.0.0.1 and rewrites the peer address from it).
FORWARDING_HEADERS = {
    "X-Forwarded-For": "127.0.0.1",
    "Forwarded": "for=127.0.0.1;proto=http",
    "X-Real-IP": "127.0.0.1",
    "X-Forwarded-Host": "127.0.0.1",
}


def _reset_link_asked_for(system: System) -> str:
    """An address whose password reset was just asked for, its mail delivered."""
    email = f"victim-{uuid.uuid4().hex[:10]}@example.com"
    signup = system.http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 202, signup.text
    system.wait_for_mail(email)
    reset = system.http.post("/api/auth/password-reset", json={"email": email})
    assert reset.status_code == 202, reset.text
    system.wait_for_mail(email, count=2)
    return email


def _assert_no_mailbox(response: Any) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "items" not in response.json()


def test_the_dev_mailbox_answers_a_request_made_on_the_machine(system: System) -> None:
    email = _reset_link_asked_for(system)

    response = system.http.get("/api/dev/mail")

    if system.mode == "embedded":
        assert response.status_code == 200, response.text
        assert email in [item["to"] for item in response.json()["items"]]
    else:  # mail goes to an SMTP server: there is no local mailbox to show
        _assert_no_mailbox(response)


@pytest.mark.parametrize("header", list(FORWARDING_HEADERS))
def test_the_dev_mailbox_does_not_exist_for_a_forwarded_request(
    system: System, header: str
) -> None:
    _reset_link_asked_for(system)

    _assert_no_mailbox(
        system.http.get("/api/dev/mail", headers={header: FORWARDING_HEADERS[header]})
    )


@pytest.mark.parametrize("host", ["runnerly.example.org", "127.0.0.1.nip.io", "10.0.0.5:8000"])
def test_the_dev_mailbox_does_not_exist_under_another_host_name(
    system: System, host: str
) -> None:
    _reset_link_asked_for(system)

    _assert_no_mailbox(system.http.get("/api/dev/mail", headers={"Host": host}))


def test_the_public_port_serves_no_metrics(system: System) -> None:
    system.http.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD})

    response = system.http.get("/metrics")

    assert response.status_code == 404
    assert "runnerly_http_requests_total" not in response.text


@pytest.mark.parametrize("service", [s for s in SERVICES if s != "dashboard"])
def test_every_service_keeps_its_metrics_on_its_own_port(system: System, service: str) -> None:
    response = system.http.get(f"{system.port(SERVICES[service])}/metrics")

    assert response.status_code == 200
    assert "runnerly_http_requests_total" in response.text


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/nowhere", "/api/me", "/api/docs"])
def test_security_headers_on_every_response_of_the_public_port(
    system: System, path: str
) -> None:
    headers = system.http.get(path).headers

    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    # The public URL is plain http here: HSTS would be ignored, and it is only sent on https.
    assert "strict-transport-security" not in headers


def _events(log: Path, name: str) -> list[dict[str, Any]]:
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event.get("event") == name:
                found.append(event)
    return found


def test_the_start_up_log_says_where_mail_goes(system: System) -> None:
    [delivery, *_] = _events(system.log_of("mailer"), "mail.delivery")
    [devmail, *_] = _events(system.log_of("dashboard"), "devmail.status")

    # In one process as in their own, each line says which service wrote it.
    assert (delivery["service"], devmail["service"]) == ("mailer", "dashboard")

    if system.mode == "embedded":
        assert delivery["transport"] == "maildir"
        assert Path(delivery["maildir"]) == (system.data_dir / "mailer" / "Maildir").resolve()
        assert delivery["dev_mailbox"] is True
    else:
        assert delivery["transport"] == "smtp"
        assert delivery["smtp_host"].startswith("127.0.0.1:")
        assert delivery["dev_mailbox"] is False
    assert devmail["served"] is True
