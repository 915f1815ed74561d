"""Signing keys as PEM files in one folder, one file per key, named after its kid.

A folder (not a table) so that an operator can mount keys as secrets and the
``runnerly keys rotate`` command can add one while the server runs.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_SUFFIX = ".pem"
KID_TIME_FORMAT = "%Y-%m-%dT%H-%M-%S-%fZ"
_KID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_KID_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{6}Z)-")


@dataclass(frozen=True)
class StoredKey:
    kid: str
    created_at: datetime
    private_key: Ed25519PrivateKey


def new_kid(now: datetime) -> str:
    # The creation time leads, so that names sort oldest first; the suffix keeps two
    # replicas creating a key in the same instant apart.
    return f"{now.astimezone(UTC).strftime(KID_TIME_FORMAT)}-{secrets.token_hex(4)}"


def write_key(directory: Path, kid: str, private_key: Ed25519PrivateKey) -> None:
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # Written aside then renamed, so that a reader never sees half a key.
    partial = directory / f".{kid}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    os.replace(partial, directory / f"{kid}{KEY_SUFFIX}")


def read_keys(directory: Path) -> list[StoredKey]:
    """Every Ed25519 key in the folder, oldest first."""
    found: list[StoredKey] = []
    for path in directory.glob(f"*{KEY_SUFFIX}"):
        kid = path.name.removesuffix(KEY_SUFFIX)
        if not _KID_PATTERN.match(kid):
            continue
        try:
            private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            created_at = _created_at(kid, path)
        except (OSError, ValueError):
            continue  # removed meanwhile by another replica, or not a key
        if isinstance(private_key, Ed25519PrivateKey):
            found.append(StoredKey(kid, created_at, private_key))
    return sorted(found, key=lambda key: (key.created_at, key.kid))


def remove_key(directory: Path, kid: str) -> None:
    (directory / f"{kid}{KEY_SUFFIX}").unlink(missing_ok=True)


def version(directory: Path) -> int:
    """Changes whenever a key file is added or removed."""
    return directory.stat().st_mtime_ns


def _created_at(kid: str, path: Path) -> datetime:
    match = _KID_TIME.match(kid)
    if match:
        return datetime.strptime(match.group(1), KID_TIME_FORMAT).replace(tzinfo=UTC)
    # A key mounted under a name of the operator's choosing: its file's age will do.
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
