"""The account mails are written in the language the browser asked in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Mails = Callable[[str], list[dict[str, Any]]]
HAN = range(0x4E00, 0xA000)


def _has_han(text: str) -> bool:
    return any(ord(char) in HAN for char in text)


def test_signup_mails_the_confirmation_in_the_language_asked(
    client: TestClient, mails: Mails, password: str
) -> None:
    client.post("/accounts", json={"email": "wei@example.com", "password": password,
                                   "language": "zh-Hans"})
    client.post("/accounts", json={"email": "ada@example.com", "password": password})

    [chinese] = mails("wei@example.com")
    [english] = mails("ada@example.com")
    assert chinese["subject"] == "确认你的电子邮件地址"
    for part in ("text", "html"):
        assert _has_han(chinese[part])
        assert "https://runnerly.example/confirm?token=" in chinese[part]
        assert not _has_han(english[part])
    assert "48 小时" in chinese["text"]
    assert english["subject"] == "Confirm your email address"


def test_the_reset_mail_is_in_the_language_asked(
    client: TestClient, mails: Mails, password: str
) -> None:
    client.post("/accounts", json={"email": "wei@example.com", "password": password})
    client.post("/password-reset", json={"email": "wei@example.com", "language": "zh-Hans"})

    reset = mails("wei@example.com")[-1]
    assert reset["subject"] == "重置你的 Runnerly 密码"
    assert "/reset-password?token=" in reset["text"]
    assert _has_han(reset["html"])


@pytest.mark.parametrize("language", ["de", "zh", "zh-CN", "", "../en"])
def test_a_language_runnerly_does_not_have_is_refused(
    client: TestClient, mails: Mails, password: str, language: str
) -> None:
    response = client.post("/accounts", json={"email": "wei@example.com",
                                              "password": password, "language": language})
    assert response.status_code == 422
    assert mails("wei@example.com") == []
