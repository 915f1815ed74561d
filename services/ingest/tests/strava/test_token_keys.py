"""Rotating the key Strava tokens are encrypted with at rest: the new key put first in
RUNNERLY_INGEST_TOKEN_KEY, every token encrypted again (``runnerly strava rekey``), then the
old key removed."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from runnerly_ingest.crypto import TokenCipher
from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import calls, repository
from runnerly_ingest.strava.service import reencrypt_tokens
from runnerly_stravasim.clock import FakeClock


@pytest.fixture
def linked(alice: dict[str, str], link_strava: Any) -> int:
    response = link_strava(alice)
    assert response.status_code == 200, response.text
    return 1


def _stored(runtime: Runtime) -> tuple[str, str]:
    with runtime.database.sessions() as session:
        link = repository.link(session, 1)
        assert link is not None
        return link.access_token, link.refresh_token


def _tokens(runtime: Runtime, cipher: TokenCipher) -> tuple[str, str]:
    access, refresh = _stored(runtime)
    return cipher.decrypt(access), cipher.decrypt(refresh)


def test_after_a_rekey_the_new_key_alone_decrypts_every_token(
    runtime: Runtime, linked: int
) -> None:
    tokens = _tokens(runtime, runtime.cipher)
    new_key = Fernet.generate_key()
    with pytest.raises(ValueError, match="cannot be decrypted"):
        _tokens(runtime, TokenCipher([new_key]))

    both = TokenCipher([new_key, *runtime.settings.fernet_keys])
    assert reencrypt_tokens(runtime.database, both) == 1

    assert _tokens(runtime, TokenCipher([new_key])) == tokens


def test_a_token_no_key_decrypts_stops_the_rekey_and_changes_nothing(
    runtime: Runtime, linked: int
) -> None:
    stored = _stored(runtime)

    with pytest.raises(ValueError, match="Strava link 1"):
        reencrypt_tokens(runtime.database, TokenCipher([Fernet.generate_key()]))

    assert _stored(runtime) == stored


def test_a_refresh_that_answers_during_a_rekey_keeps_what_strava_answered(
    runtime: Runtime, linked: int, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rekey changes the link's ciphertexts between the refresh's request to Strava and
    # its answer. Strava rotates the refresh token: taking the new ciphertext for another
    # refresh's tokens would drop Strava's answer and keep a spent refresh token.
    runtime.cipher = TokenCipher([Fernet.generate_key(), *runtime.settings.fernet_keys])
    old_access, _ = _tokens(runtime, runtime.cipher)
    with runtime.database.sessions() as session:
        link = repository.link(session, 1)
        assert link is not None
        expires_at = link.expires_at
    refresh = runtime.strava.refresh

    def refresh_during_a_rekey(token: str) -> Any:
        grant = refresh(token)
        reencrypt_tokens(runtime.database, runtime.cipher)
        return grant

    monkeypatch.setattr(runtime.strava, "refresh", refresh_during_a_rekey)
    clock.set(expires_at.timestamp() - 240)  # inside the refresh margin

    token = calls.access_token(runtime, 1)

    assert token != old_access
    assert _tokens(runtime, runtime.cipher)[0] == token
    monkeypatch.undo()
    clock.set(expires_at.timestamp() + 6 * 3600 - 240)
    # The refresh token kept is the one Strava handed back: the next refresh works.
    assert calls.access_token(runtime, 1) != token
