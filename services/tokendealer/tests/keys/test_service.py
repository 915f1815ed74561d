from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.keys.service import KeyStore, issue_access_token, rotate_keys

START = datetime(2026, 11, 28, 1, 10, tzinfo=UTC)


def kids(store: KeyStore, now: datetime) -> list[str]:
    return [key.kid for key in store.jwks(now).keys]


def test_a_first_key_is_created_once(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    store = KeyStore(settings)

    kid = store.ensure_signer(START)

    assert kid.startswith("2026-11-28T01-10-00-000000Z-")
    assert store.ensure_signer(START) == kid
    [path] = settings.keys_path.glob("*.pem")
    assert path.name == f"{kid}.pem"
    assert path.stat().st_mode & 0o777 == 0o600


def test_rotation_keeps_the_old_key_published_until_its_tokens_expired(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    store = KeyStore(settings)
    old = store.ensure_signer(START)

    new = rotate_keys(settings, START + timedelta(hours=1))

    rotated = START + timedelta(hours=1)
    # Every look is at a given moment: the real clock (which signer() reads) would prune
    # the old key whenever this test runs long after START.
    assert kids(store, rotated) == [old, new]
    assert kids(store, rotated + timedelta(seconds=899)) == [old, new]
    assert kids(store, rotated + timedelta(seconds=900)) == [new]
    assert store.signer().kid == new
    assert [p.stem for p in settings.keys_path.glob("*.pem")] == [new]


def test_a_running_store_sees_keys_added_by_another_process(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    running = KeyStore(settings)
    running.ensure_signer()

    new = rotate_keys(settings)

    assert running.signer().kid == new
    token = issue_access_token(running, settings, "someone", "runs:read")
    assert jwt.get_unverified_header(token)["kid"] == new
    assert running.public_key(new) is not None


def test_a_mounted_key_with_any_name_is_used(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (settings.keys_path / "production-1.pem").write_bytes(pem)
    (settings.keys_path / "notes.pem").write_text("not a key")

    store = KeyStore(settings)

    assert store.ensure_signer() == "production-1"
    assert kids(store, datetime.now(UTC)) == ["production-1"]
