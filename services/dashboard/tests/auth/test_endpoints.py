from __future__ import annotations

import json
import time
from typing import Any

import httpx
import jwt
from fastapi.testclient import TestClient

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app

PASSWORD = "correct horse battery"


def test_signup_passes_tokendealers_answer_through(client: TestClient, fake: Any) -> None:
    response = client.post("/api/auth/signup", json={"email": "new@example.com",
                                                     "password": PASSWORD})
    assert response.status_code == 202
    assert response.json() == {"status": "confirmation_sent", "email": "new@example.com"}
    assert fake.accounts["new@example.com"].confirmed is False


def test_signup_relays_the_browsers_language_for_the_mail(
    client: TestClient, fake: Any
) -> None:
    client.post("/api/auth/signup", json={"email": "wei@example.com", "password": PASSWORD,
                                          "language": "zh-Hans"})
    client.post("/api/auth/password-reset", json={"email": "wei@example.com",
                                                  "language": "zh-Hans"})
    [signup] = fake.sent("tokendealer", "POST", "/accounts")
    [reset] = fake.sent("tokendealer", "POST", "/password-reset")
    assert json.loads(signup.read())["language"] == "zh-Hans"
    assert json.loads(reset.read())["language"] == "zh-Hans"


def test_signup_relays_a_peer_problem_unchanged(
    client: TestClient, fake: Any, assert_problem: Any
) -> None:
    fake.add_account("ada@example.com")
    response = client.post("/api/auth/signup", json={"email": "ada@example.com",
                                                     "password": PASSWORD})
    assert assert_problem(response, 409) == {
        "type": "about:blank", "title": "Conflict", "status": 409,
        "detail": "An account with this email exists.",
    }


def test_signup_validates_the_body_before_calling_anyone(
    client: TestClient, fake: Any, assert_problem: Any
) -> None:
    for body in (
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "a@example.com", "password": ""},
        {"email": "a@example.com", "password": PASSWORD, "role": "admin"},
        {"email": "a@example.com", "password": "x" * 2000},
        {"email": "a@example.com", "password": PASSWORD, "language": "de"},
    ):
        problem = assert_problem(client.post("/api/auth/signup", json=body), 422)
        assert problem["title"] == "Invalid input"
    assert fake.sent("tokendealer", "POST", "/accounts") == []


def test_confirm_returns_the_account(client: TestClient, fake: Any) -> None:
    client.post("/api/auth/signup", json={"email": "new@example.com", "password": PASSWORD})
    token = next(iter(fake.confirmations))
    response = client.post("/api/auth/confirm", json={"token": token})
    assert response.status_code == 200
    assert response.json()["email"] == "new@example.com"
    assert response.json()["confirmed"] is True


def test_login_sets_the_session_cookies_with_their_flags(
    client: TestClient, fake: Any, sessions: Any
) -> None:
    account = fake.add_account()
    response = client.post("/api/auth/login", json={"email": account.email,
                                                    "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "refresh_token", "token_type", "expires_in"}
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    session_cookie, csrf_cookie = cookies["runnerly_session"], cookies["runnerly_csrf"]
    assert "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie
    assert "Path=/" in session_cookie
    assert "Secure" not in session_cookie  # public_url is http here
    assert "HttpOnly" not in csrf_cookie
    assert "SameSite=strict" in csrf_cookie
    [stored] = sessions()
    assert stored.user_id == account.id
    assert stored.refresh_token == response.json()["refresh_token"]
    # Only the cookie's hash is kept.
    assert client.cookies["runnerly_session"] not in (stored.cookie_hash, stored.csrf_token)
    assert stored.csrf_token == client.cookies["runnerly_csrf"]


def test_login_cookies_are_secure_behind_https(
    settings: Settings, fake: Any
) -> None:
    https_settings = settings.model_copy(update={"public_url": "https://runnerly.example"})
    app = create_app(https_settings, transport=httpx.MockTransport(fake.handle))
    fake.add_account()
    with TestClient(app) as client:
        response = client.post("/api/auth/login", json={"email": "ada@example.com",
                                                        "password": PASSWORD})
    assert response.status_code == 200
    for cookie in response.headers.get_list("set-cookie"):
        assert "Secure" in cookie


def test_login_forwards_the_browsers_address(client: TestClient, fake: Any) -> None:
    fake.add_account()
    client.post("/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    [sent] = fake.sent("tokendealer", "POST", "/login")
    assert sent.headers["x-forwarded-for"] == "testclient"


def test_failed_login_opens_no_session(
    client: TestClient, fake: Any, sessions: Any, assert_problem: Any
) -> None:
    fake.add_account()
    response = client.post("/api/auth/login", json={"email": "ada@example.com",
                                                    "password": "wrong password"})
    assert assert_problem(response, 401)["detail"] == "Wrong email or password."
    assert "set-cookie" not in response.headers
    assert sessions() == []


def test_unconfirmed_login_is_refused_as_tokendealer_says(
    client: TestClient, fake: Any, assert_problem: Any
) -> None:
    fake.add_account(confirmed=False)
    response = client.post("/api/auth/login", json={"email": "ada@example.com",
                                                    "password": PASSWORD})
    assert assert_problem(response, 403)["detail"] == "Confirm your email first."


def test_no_credentials_is_401(client: TestClient, assert_problem: Any) -> None:
    response = client.get("/api/me")
    assert assert_problem(response, 401)["detail"].startswith("Log in")


def test_unknown_session_cookie_is_401(client: TestClient, assert_problem: Any) -> None:
    client.cookies.set("runnerly_session", "forged")
    assert_problem(client.get("/api/me"), 401)


def test_cookie_writes_need_the_csrf_token(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        response = client.patch("/api/me", json={"display_name": "Eve"}, headers=headers)
        assert assert_problem(response, 403)["detail"] == "Missing or wrong CSRF token."
    assert fake.sent("dataservice", "PATCH", "/profile") == []
    response = client.patch("/api/me", json={"display_name": "Ada"}, headers=me.csrf)
    assert response.status_code == 200
    assert response.json()["profile"]["display_name"] == "Ada"


def test_cookie_reads_need_no_csrf_token(client: TestClient, login: Any) -> None:
    login()
    assert client.get("/api/me").status_code == 200


def test_bearer_writes_need_no_csrf_token(client: TestClient, login: Any) -> None:
    me = login()
    client.cookies.clear()
    response = client.patch("/api/me", json={"display_name": "Ada"},
                            headers={"Authorization": f"Bearer {me.tokens['access_token']}"})
    assert response.status_code == 200


def test_bearer_token_is_forwarded_as_is(client: TestClient, fake: Any) -> None:
    account = fake.add_account()
    token = fake.keys.token(account.id)
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    [sent] = fake.sent("tokendealer", "GET", "/accounts/me")
    assert sent.headers["authorization"] == f"Bearer {token}"


def test_access_token_is_renewed_near_expiry(
    client: TestClient, fake: Any, login: Any, sessions: Any
) -> None:
    fake.access_ttl = 30  # within the dashboard's 60-second margin
    me = login()
    fake.access_ttl = 900
    response = client.get("/api/me")
    assert response.status_code == 200
    assert len(fake.sent("tokendealer", "POST", "/refresh")) == 1
    [stored] = sessions()
    assert me.tokens["refresh_token"] in fake.revoked_refresh_tokens
    assert stored.refresh_token in fake.live_refresh_tokens
    assert stored.access_token != me.tokens["access_token"]
    [sent] = fake.sent("dataservice", "GET", "/profile")
    assert sent.headers["authorization"] == f"Bearer {stored.access_token}"
    # Fresh now: the next call does not renew again.
    client.get("/api/me")
    assert len(fake.sent("tokendealer", "POST", "/refresh")) == 1


def test_fresh_access_token_is_not_renewed(client: TestClient, fake: Any, login: Any) -> None:
    login()
    client.get("/api/me")
    assert fake.sent("tokendealer", "POST", "/refresh") == []


def test_refused_renewal_ends_the_session(
    client: TestClient, fake: Any, login: Any, sessions: Any, assert_problem: Any
) -> None:
    fake.access_ttl = 30
    me = login()
    fake.live_refresh_tokens.pop(me.tokens["refresh_token"])  # revoked elsewhere
    response = client.get("/api/me")
    assert assert_problem(response, 401)["detail"] == "Your session has ended; log in again."
    assert sessions() == []
    assert_problem(client.get("/api/me"), 401)


def test_logout_ends_the_session_and_revokes_its_refresh_token(
    client: TestClient, fake: Any, login: Any, sessions: Any, assert_problem: Any
) -> None:
    me = login()
    response = client.post("/api/auth/logout", headers=me.csrf)
    assert response.status_code == 204
    assert me.tokens["refresh_token"] in fake.revoked_refresh_tokens
    assert sessions() == []
    cleared = response.headers.get_list("set-cookie")
    assert any(c.startswith("runnerly_session=") and "Max-Age=0" in c for c in cleared)
    assert any(c.startswith("runnerly_csrf=") and "Max-Age=0" in c for c in cleared)
    assert_problem(client.get("/api/me"), 401)


def test_logout_by_cookie_needs_the_csrf_token(
    client: TestClient, fake: Any, login: Any, sessions: Any, assert_problem: Any
) -> None:
    me = login()
    assert_problem(client.post("/api/auth/logout"), 403)
    assert len(sessions()) == 1
    assert me.tokens["refresh_token"] in fake.live_refresh_tokens


def test_logout_revokes_a_refresh_token_given_in_the_body(
    client: TestClient, fake: Any, login: Any, sessions: Any
) -> None:
    me = login()
    client.cookies.clear()
    response = client.post("/api/auth/logout",
                           json={"refresh_token": me.tokens["refresh_token"]})
    assert response.status_code == 204
    assert me.tokens["refresh_token"] in fake.revoked_refresh_tokens


def test_logout_with_nothing_is_401(client: TestClient, assert_problem: Any) -> None:
    assert_problem(client.post("/api/auth/logout"), 401)


def test_refresh_passes_the_new_pair_through(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    me = login()
    response = client.post("/api/auth/refresh",
                           json={"refresh_token": me.tokens["refresh_token"]})
    assert response.status_code == 200
    assert response.json()["refresh_token"] in fake.live_refresh_tokens
    again = client.post("/api/auth/refresh", json={"refresh_token": me.tokens["refresh_token"]})
    assert_problem(again, 401)


def test_password_reset_passes_through(client: TestClient, fake: Any) -> None:
    fake.add_account()
    response = client.post("/api/auth/password-reset", json={"email": "ada@example.com"})
    assert response.status_code == 202
    assert response.json() == {"status": "reset_link_sent"}
    [token] = fake.reset_links
    response = client.post("/api/auth/password-reset/confirm",
                           json={"token": token, "password": "a new password"})
    assert response.status_code == 204
    assert len(fake.sent("tokendealer", "POST", "/password-reset/confirm")) == 1
    again = client.post("/api/auth/password-reset/confirm",
                        json={"token": token, "password": "a new password"})
    assert again.status_code == 400


def test_a_password_reset_ends_every_browser_session_of_the_runner(
    app: Any, fake: Any, login: Any, sessions: Any
) -> None:
    # Two browsers of Ada's, and one of Grace's.
    browsers = [TestClient(app) for _ in range(3)]
    for browser, email in zip(browsers, ["ada@example.com", "ada@example.com", "grace@example.com"],
                              strict=True):
        fake.accounts.get(email) or fake.add_account(email)
        assert browser.post("/api/auth/login",
                            json={"email": email, "password": PASSWORD}).status_code == 200
    ada, grace = fake.accounts["ada@example.com"], fake.accounts["grace@example.com"]
    assert all(browser.get("/api/me").status_code == 200 for browser in browsers)
    browsers[2].post("/api/auth/password-reset", json={"email": "ada@example.com"})
    [token] = fake.reset_links

    response = browsers[2].post("/api/auth/password-reset/confirm",
                                json={"token": token, "password": "a new password"})

    assert response.status_code == 204
    # Gone at once, though their access tokens have minutes left.
    assert {row.user_id for row in sessions()} == {grace.id}
    for browser in browsers[:2]:
        assert browser.get("/api/me").status_code == 401
    assert browsers[2].get("/api/me").status_code == 200
    assert ada.id not in fake.live_refresh_tokens.values()


def test_sign_up_login_and_reset_name_the_browsers_address_as_the_relay(
    client: TestClient, fake: Any
) -> None:
    fake.add_account()
    # Whatever the browser claims is not passed on: the dashboard names the peer it saw.
    spoofed = {"X-Forwarded-For": "198.51.100.66"}
    client.post("/api/auth/signup", json={"email": "new@example.com",
                                          "password": PASSWORD}, headers=spoofed)
    client.post("/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD},
                headers=spoofed)
    client.post("/api/auth/password-reset", json={"email": "ada@example.com"}, headers=spoofed)

    for path in ("/accounts", "/login", "/password-reset"):
        [sent] = fake.sent("tokendealer", "POST", path)
        assert sent.headers["x-forwarded-for"] == "testclient"
        claims = jwt.decode(sent.headers["authorization"].removeprefix("Bearer "),
                            options={"verify_signature": False})
        assert claims["scope"] == "accounts:relay"


def test_a_reset_refuses_the_earlier_tokens_at_once_and_not_the_later_ones(
    client: TestClient, fake: Any
) -> None:
    ada = fake.add_account()
    before = {"Authorization": f"Bearer {fake.pair_for(ada.id)['access_token']}"}
    assert client.get("/api/runs", headers=before).status_code == 200

    client.post("/api/auth/password-reset", json={"email": ada.email})
    [token] = fake.reset_links
    response = client.post("/api/auth/password-reset/confirm",
                           json={"token": token, "password": "a new password"})
    assert response.status_code == 204

    assert client.get("/api/runs", headers=before).status_code == 401
    after = {"Authorization": f"Bearer {fake.keys.token(ada.id, iat=time.time())}"}
    assert client.get("/api/runs", headers=after).status_code == 200
